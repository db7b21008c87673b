package io.baton.spec;

import io.baton.pg.TableName;
import io.baton.spec.value.RejectedValue;
import java.util.Locale;
import java.util.Map;

/** A row plugin for tests: upper-cases column {@code name}; its inverse lower-cases it. */
public final class UpperCaseNames implements RowPlugin {
  @Override
  public String name() {
    return "upper-case-names";
  }

  @Override
  public void apply(TableName table, Map<String, String> row) {
    String v = row.get("name");
    if ("reject me".equals(v)) {
      throw new RejectedValue(v, "asked to be rejected");
    }
    if (v != null) {
      row.put("name", v.toUpperCase(Locale.ROOT));
    }
  }

  @Override
  public RowPlugin inverse() {
    return new RowPlugin() {
      @Override
      public String name() {
        return "lower-case-names";
      }

      @Override
      public void apply(TableName table, Map<String, String> row) {
        String v = row.get("name");
        if (v != null) {
          row.put("name", v.toLowerCase(Locale.ROOT));
        }
      }
    };
  }

  /** A plugin that cannot be undone: it blanks column {@code secret}. */
  public static final class BlankSecrets implements RowPlugin {
    @Override
    public String name() {
      return "blank-secrets";
    }

    @Override
    public void apply(TableName table, Map<String, String> row) {
      row.computeIfPresent("secret", (k, v) -> "");
    }
  }
}
