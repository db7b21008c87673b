package io.baton.spec;

import io.baton.event.ChangeEvent;
import io.baton.pg.TableName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The row transform of one table mapping: the one function that the bulk snapshot, the Kafka
 * Streams topology, the reconciler and (through {@link #inverse()}) the reverse pipeline all apply.
 *
 * <p>Rows are maps from column name to the value's PostgreSQL text form (null for SQL NULL), in
 * column order. A row may be partial (a delete's key-only before image, or an update whose
 * unchanged TOASTed columns were not received): the transform maps the columns it gets and never
 * invents the missing ones.
 */
public final class RowTransform {
  private final TableMapping mapping;

  RowTransform(TableMapping mapping) {
    this.mapping = mapping;
  }

  /** @return the source table */
  public TableName sourceTable() {
    return mapping.source();
  }

  /** @return the target table */
  public TableName targetTable() {
    return mapping.target();
  }

  /** @return the checks the spec declares for this table (none for an inverse transform) */
  public TableChecks checks() {
    return mapping.checks();
  }

  /**
   * @param sourceColumn a source column name
   * @return its target name, or empty when the spec drops it
   */
  public Optional<String> targetColumn(String sourceColumn) {
    ColumnRule rule = mapping.columns().get(sourceColumn);
    if (rule == null) {
      return Optional.of(sourceColumn);
    }
    return rule.drop() ? Optional.empty() : Optional.of(rule.rename() == null ? sourceColumn : rule.rename());
  }

  /**
   * @param sourceColumns source column names in order
   * @return the target column names of the kept columns, in the same order
   */
  public List<String> targetColumns(List<String> sourceColumns) {
    List<String> out = new ArrayList<>(sourceColumns.size());
    for (String c : sourceColumns) {
      targetColumn(c).ifPresent(out::add);
    }
    return out;
  }

  /**
   * Transforms one row.
   *
   * @param row source column name to text value; may be null
   * @return target column name to text value, in source order less dropped columns; null when
   *     {@code row} is null
   */
  public Map<String, String> apply(Map<String, String> row) {
    if (row == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>(row.size() * 2);
    for (Map.Entry<String, String> e : row.entrySet()) {
      Optional<String> name = targetColumn(e.getKey());
      if (name.isPresent()) {
        out.put(name.get(), e.getValue());
      }
    }
    return out;
  }

  /**
   * Compiles this transform for rows that always carry the same columns in the same order (the
   * bulk snapshot's rows), so that each row is an array lookup away from its result.
   *
   * @param sourceColumns the source columns, in the order the rows carry their values
   * @return the compiled transform
   */
  public Compiled compile(List<String> sourceColumns) {
    List<String> targets = new ArrayList<>();
    int[] from = new int[sourceColumns.size()];
    int n = 0;
    for (int i = 0; i < sourceColumns.size(); i++) {
      Optional<String> t = targetColumn(sourceColumns.get(i));
      if (t.isPresent()) {
        targets.add(t.get());
        from[n++] = i;
      }
    }
    return new Compiled(List.copyOf(targets), java.util.Arrays.copyOf(from, n));
  }

  /** This transform over a fixed list of source columns: see {@link #compile(List)}. */
  public static final class Compiled {
    private final List<String> targetColumns;
    private final int[] sourceIndex;

    private Compiled(List<String> targetColumns, int[] sourceIndex) {
      this.targetColumns = targetColumns;
      this.sourceIndex = sourceIndex;
    }

    /** @return the target columns, in the order of {@link #apply(String[])}'s result */
    public List<String> targetColumns() {
      return targetColumns;
    }

    /**
     * @return when the transform only selects, reorders and renames columns (values untouched), the
     *     source column index of each target column, so that rows can pass as bytes; null when values
     *     must be decoded and transformed with {@link #apply(String[])}. A new array.
     */
    public int[] projection() {
      return sourceIndex.clone();
    }

    /**
     * @param sourceValues one row's values in the compiled source column order, null for NULL
     * @return the row's target values in {@link #targetColumns()} order; a new array
     */
    public String[] apply(String[] sourceValues) {
      String[] out = new String[sourceIndex.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = sourceValues[sourceIndex[i]];
      }
      return out;
    }
  }

  /**
   * Transforms one change event: its table, key and both row images.
   *
   * @param event a change event of {@link #sourceTable()}
   * @return the same change against {@link #targetTable()}
   */
  public ChangeEvent apply(ChangeEvent event) {
    return new ChangeEvent(event.op(), mapping.target(), apply(event.key()), apply(event.before()),
        apply(event.after()), event.lsn(), event.commitTimeMs(), event.lastCommitLsn(), event.txId());
  }

  /** @return the source columns this transform drops (their values cannot flow back on rollback) */
  public List<String> droppedColumns() {
    return mapping.columns().entrySet().stream().filter(e -> e.getValue().drop()).map(Map.Entry::getKey).toList();
  }

  /**
   * @return the inverse mapping, target to source: renames reversed; dropped columns stay absent,
   *     so rows written on the target reach the source with those columns at their default
   */
  public TableMapping inverse() {
    Map<String, ColumnRule> rules = new LinkedHashMap<>();
    mapping.columns().forEach((col, rule) -> {
      if (!rule.drop() && rule.rename() != null) {
        rules.put(rule.rename(), new ColumnRule(col, false));
      }
    });
    return new TableMapping(mapping.target(), mapping.source(), rules);
  }
}
