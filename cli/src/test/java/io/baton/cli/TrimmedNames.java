package io.baton.cli;

import io.baton.pg.TableName;
import io.baton.spec.RowPlugin;
import java.util.Map;

/** A row plugin for PluginIT: collapses runs of spaces in column {@code name}; it cannot be undone. */
public final class TrimmedNames implements RowPlugin {
  @Override
  public String name() {
    return "trimmed-names";
  }

  @Override
  public void apply(TableName table, Map<String, String> row) {
    row.computeIfPresent("name", (k, v) -> v.trim().replaceAll(" +", " "));
  }
}
