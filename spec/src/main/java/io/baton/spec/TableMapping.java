package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.baton.pg.TableName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One source table and where it goes (spec list {@code tables}).
 *
 * @param source the source table, {@code schema.table} (schema defaults to {@code public})
 * @param target the target table; defaults to the source name
 * @param columns rules per source column; columns without a rule keep their name and value
 * @param checks checks the reconciler runs on this table beyond counts and checksums
 * @param validate the validation rules every row must pass before it is applied, by column
 * @param onInvalid what happens to a row that a rule or a value operation rejects
 * @param derive target columns computed from source columns, by target column name
 * @param plugin a custom row transform, or null
 * @param filter the rows in scope: a CEL condition over the source row, or null for every row
 */
public record TableMapping(TableName source, TableName target, Map<String, ColumnRule> columns, TableChecks checks,
    List<ColumnCheck> validate, OnInvalid onInvalid, Map<String, DeriveRule> derive, PluginRule plugin,
    io.baton.spec.cel.CelExpression filter) {
  /** What happens to a row that the spec rejects (spec key {@code tables[].onInvalid}). */
  public enum OnInvalid {
    /** The pipeline stops at the row; nothing after it is applied until an operator acts. */
    HALT,
    /** The row goes to the quarantine (topic and table); the rows after it are applied. */
    QUARANTINE
  }

  @JsonCreator
  static TableMapping fromYaml(
      @SpecDoc(value = "The source table, schema.table (schema defaults to public; double quotes for unusual names).",
          required = true, example = "public.orders") @JsonProperty("source") String source,
      @SpecDoc(value = "The target table.", defaultValue = "the source name", example = "sales.orders")
      @JsonProperty("target") String target,
      @SpecDoc("What happens to each source column, by its name; a column without a rule keeps its name and value.")
      @JsonProperty("columns") Map<String, ColumnRule> columns,
      @SpecDoc("Checks the reconciler runs on this table beyond row counts and checksums.")
      @JsonProperty("checks") TableChecks checks,
      @SpecDoc("Validation rules: every row must pass them, after the column's nullFill, map and cast, before it is"
          + " applied.")
      @JsonProperty("validate") List<ColumnCheck> validate,
      @SpecDoc(value = "What happens to a row that breaks a validation rule or whose value an operation rejects: halt"
          + " stops the pipeline at it, naming the row, the column and the rule; quarantine sets it aside in the"
          + " quarantine topic and the table baton.quarantine on the target, with the rule, the reason, the key and"
          + " the LSN, and goes on.", defaultValue = "halt") @JsonProperty("onInvalid") OnInvalid onInvalid,
      @SpecDoc("Target columns computed from source columns, by target column name; added after the source's columns.")
      @JsonProperty("derive") Map<String, DeriveRule> derive,
      @SpecDoc("A custom row transform (Java, found on the classpath), run before the columns' operations in every path.")
      @JsonProperty("plugin") PluginRule plugin,
      @SpecDoc(value = "The rows in scope: a CEL condition (Common Expression Language) over row, the source row as"
          + " captured (before any operation), typed from the columns' types (integers are int, real/double/numeric"
          + " are double, boolean is bool, everything else a string in PostgreSQL's text form; NULL is null). Rows for"
          + " which it is false are not migrated; an update that takes a row out of scope deletes it from the target.",
          example = "row.status != 'test' && row.created >= '2020-01-01'") @JsonProperty("filter") String filter) {
    if (source == null || source.isBlank()) {
      throw new SpecException("source", "source must name a table, for example public.orders");
    }
    TableName src = TableName.parse(source);
    return new TableMapping(src, target == null ? src : TableName.parse(target), columns, checks, validate,
        onInvalid == null ? OnInvalid.HALT : onInvalid, derive, plugin,
        filter == null ? null : io.baton.spec.cel.CelExpression.compile(filter, "filter", io.baton.spec.cel.CelExpression.Result.CONDITION));
  }

  /** A mapping without declared checks. */
  public TableMapping(TableName source, TableName target, Map<String, ColumnRule> columns) {
    this(source, target, columns, TableChecks.NONE, List.of(), OnInvalid.HALT, Map.of(), null, null);
  }

  public TableMapping {
    checks = checks == null ? TableChecks.NONE : checks;
    onInvalid = onInvalid == null ? OnInvalid.HALT : onInvalid;
    derive = derive == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(derive));
    for (Map.Entry<String, DeriveRule> d : derive.entrySet()) {
      for (String from : d.getValue().uuid5() == null ? List.<String>of() : d.getValue().uuid5().from()) {
        ColumnRule rule = columns == null ? null : columns.get(from);
        if (rule != null && (rule.drop() || !rule.ops().isEmpty())) {
          throw new SpecException("derive", "table " + source + ": derive." + d.getKey() + " reads column " + from
              + ", which the spec drops or changes; name a column that reaches the target as it is");
        }
      }
      boolean clash = columns != null && columns.values().stream().anyMatch(r -> d.getKey().equals(r.rename()));
      if (clash) {
        throw new SpecException("derive", "table " + source + ": derive." + d.getKey() + " has the name of a renamed column");
      }
    }
    validate = validate == null ? List.of() : List.copyOf(validate);
    for (ColumnCheck c : validate) {
      ColumnRule rule = columns == null || c.column() == null ? null : columns.get(c.column());
      if (rule != null && rule.drop()) {
        throw new SpecException("validate", "table " + source + ": validate checks column " + c.column()
            + ", which the spec drops");
      }
    }
    columns = columns == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    long distinct = columns.entrySet().stream()
        .filter(e -> !e.getValue().drop())
        .map(e -> e.getValue().rename() == null ? e.getKey() : e.getValue().rename())
        .distinct().count();
    long kept = columns.values().stream().filter(r -> !r.drop()).count();
    if (distinct != kept) {
      throw new SpecException("columns", "two columns of " + source + " would have the same target name");
    }
    for (TableChecks.AggregateCheck a : checks.aggregates()) {
      for (String c : a.columns()) {
        ColumnRule rule = columns.get(c);
        if (rule != null && rule.drop()) {
          throw new SpecException("checks", "table " + source + ": checks.aggregates (" + a.describe() + ") reads column " + c
              + ", which the spec drops: the target has nothing to compare it with");
        }
        if (rule != null && !rule.ops().isEmpty()) {
          throw new SpecException("checks", "table " + source + ": checks.aggregates (" + a.describe() + ") reads column " + c
              + ", whose values the spec changes: the aggregates of both sides would differ");
        }
      }
    }
  }

  /**
   * @return the transform this mapping defines, without the source's column types: enough for
   *     everything but evaluating CEL expressions (filters, CEL rules and derived columns), which
   *     throw {@link IllegalStateException} there; pipelines use {@link #transform(io.baton.pg.TableInfo)}
   */
  public RowTransform transform() {
    return new RowTransform(this, null);
  }

  /**
   * @param sourceTable the source table as the catalog describes it: its column types type the
   *     values CEL expressions see
   * @return the transform this mapping defines
   */
  public RowTransform transform(io.baton.pg.TableInfo sourceTable) {
    return new RowTransform(this, sourceTable);
  }
}
