package io.baton.spec;

import io.baton.event.ChangeEvent;
import io.baton.pg.ColumnInfo;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.spec.cel.CelExpression;
import io.baton.spec.cel.CelValues;
import io.baton.spec.value.RejectedValue;
import io.baton.spec.value.ValueOp;
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
 *
 * <p>Value operations ({@code nullFill}, {@code map}, {@code cast}) apply to each column in that
 * order; a value they reject makes the whole row fail with a {@link RowRejected} naming the table,
 * the column, the value and the rule.
 */
public final class RowTransform {
  private final TableMapping mapping;
  private final Map<String, List<ValueOp>> ops = new LinkedHashMap<>();
  /** Each source column's type after its operations, for CEL; null when the catalog was not given. */
  private final Map<String, String> celTypes;
  /** Each source column's type in the catalog, for the filter; null when the catalog was not given. */
  private final Map<String, String> capturedTypes;
  /** Whether rules or derived columns are CEL expressions over the row after the operations. */
  private final boolean celAfterOperations;

  RowTransform(TableMapping mapping, TableInfo source) {
    this.mapping = mapping;
    mapping.columns().forEach((column, rule) -> {
      if (!rule.ops().isEmpty()) {
        ops.put(column, rule.ops());
      }
    });
    if (source == null) {
      celTypes = null;
      capturedTypes = null;
    } else {
      celTypes = new java.util.HashMap<>();
      capturedTypes = new java.util.HashMap<>();
      for (ColumnInfo c : source.columns()) {
        celTypes.put(c.name(), targetType(c.name(), c.type()));
        capturedTypes.put(c.name(), c.type());
      }
    }
    celAfterOperations = mapping.validate().stream().anyMatch(c -> c.cel() != null)
        || mapping.derive().values().stream().anyMatch(d -> d.cel() != null);
  }

  /**
   * @param row a source row as captured (before the plugin and the operations), by source names
   * @return whether the table's {@code filter} keeps it; true without a filter
   * @throws RowRejected when the filter cannot be evaluated on the row (a column it reads is
   *     missing or a type is wrong)
   */
  public boolean inScope(Map<String, String> row) {
    CelExpression filter = mapping.filter();
    if (filter == null) {
      return true;
    }
    String rule = "filter '" + filter + "'";
    try {
      return filter.test(typed(row, filter, rule, requireTypes(false)), null);
    } catch (CelExpression.Failed e) {
      throw RowRejected.byExpression(mapping.source(), ColumnCheck.ROW, rule, e.getMessage());
    }
  }

  private Map<String, String> requireTypes(boolean afterOperations) {
    if (celTypes == null) {
      throw new IllegalStateException("table " + mapping.source() + ": CEL expressions need the source catalog's column"
          + " types; build the transform with TableMapping.transform(TableInfo)");
    }
    return afterOperations ? celTypes : capturedTypes;
  }

  /**
   * @param row text values by source column name
   * @param expr the expression about to read them
   * @param rule the rule, for the error
   * @param types each column's type
   * @return the row's CEL values ({@link CelValues#of})
   * @throws RowRejected when a column the expression reads is not in the row (an unchanged TOASTed
   *     value that PostgreSQL did not send), naming it and the fix
   */
  private Map<String, Object> typed(Map<String, String> row, CelExpression expr, String rule, Map<String, String> types) {
    List<String> missing = new ArrayList<>();
    for (String c : expr.columns()) {
      if (!row.containsKey(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw RowRejected.byExpression(mapping.source(), ColumnCheck.ROW, rule, "the change does not carry column(s) "
          + String.join(", ", missing) + " (an unchanged TOASTed value is not sent with REPLICA IDENTITY DEFAULT); set"
          + " REPLICA IDENTITY FULL on " + mapping.source() + " so that every change carries every column");
    }
    Map<String, Object> out = new java.util.HashMap<>(row.size() * 2);
    row.forEach((c, v) -> out.put(c, CelValues.of(v, types.get(c))));
    return out;
  }

  /**
   * Runs the CEL rules and derived columns over a row after its operations.
   *
   * @param afterOps text values by source column name, after the plugin and the operations
   * @param derivedOut where the CEL derived columns' values go, by target column name
   * @param problems null to throw the first rejection; otherwise where every rejection goes, each
   *     rule and derived column tried on its own
   * @throws RowRejected when a rule is broken or an expression fails, and {@code problems} is null
   */
  private void applyCel(Map<String, String> afterOps, Map<String, String> derivedOut, List<RowRejected> problems) {
    Map<String, String> types = requireTypes(true);
    Map<String, Object> typed = null;
    for (ColumnCheck c : mapping.validate()) {
      if (c.cel() == null) {
        continue;
      }
      if (c.column() != null && !afterOps.containsKey(c.column())) {
        continue;
      }
      String rule = "validate cel '" + c.cel() + "'";
      try {
        typed = typed != null && c.cel().columns().stream().allMatch(afterOps::containsKey) ? typed
            : typed(afterOps, c.cel(), rule, types);
        String broken;
        try {
          broken = c.celViolation(typed, c.column() == null ? null : typed.get(c.column()));
        } catch (CelExpression.Failed e) {
          throw RowRejected.byExpression(mapping.source(), c.subject(), rule, e.getMessage());
        }
        if (broken != null) {
          throw c.column() == null ? RowRejected.invalidRow(mapping.source(), broken)
              : RowRejected.invalid(mapping.source(), c.column(), broken, afterOps.get(c.column()));
        }
      } catch (RowRejected r) {
        if (problems == null) {
          throw r;
        }
        problems.add(r);
      }
    }
    for (Map.Entry<String, DeriveRule> d : mapping.derive().entrySet()) {
      DeriveRule rule = d.getValue();
      if (rule.cel() == null) {
        continue;
      }
      String name = "derive " + d.getKey() + " cel '" + rule.cel() + "'";
      try {
        typed = typed != null && rule.cel().columns().stream().allMatch(afterOps::containsKey) ? typed
            : typed(afterOps, rule.cel(), name, types);
        String text;
        try {
          text = CelValues.text(rule.cel().evaluate(typed, null));
        } catch (CelExpression.Failed | IllegalArgumentException e) {
          throw RowRejected.byExpression(mapping.source(), d.getKey(), name, e.getMessage());
        }
        try {
          derivedOut.put(d.getKey(), rule.cast().apply(text));
        } catch (RejectedValue e) {
          throw new RowRejected(mapping.source(), d.getKey(), rule.cast(), e);
        }
      } catch (RowRejected r) {
        if (problems == null) {
          throw r;
        }
        problems.add(r);
      }
    }
  }

  /**
   * Tries every CEL rule and derived column of the table on a row, each on its own, for a dry run.
   *
   * @param afterOps the row's text values by source column name, after the plugin and the operations
   * @return a rejection per rule broken or expression failed; empty when the row passes them all
   */
  public List<RowRejected> celRejections(Map<String, String> afterOps) {
    List<RowRejected> out = new ArrayList<>();
    if (celAfterOperations) {
      applyCel(afterOps, new LinkedHashMap<>(), out);
    }
    return out;
  }

  /** @return whether any column's value is changed on the way (not only renamed or dropped) */
  public boolean changesValues() {
    return !ops.isEmpty();
  }

  /** @return what happens to a row the spec rejects */
  public TableMapping.OnInvalid onInvalid() {
    return mapping.onInvalid();
  }

  /**
   * @return whether the source's rows must be read and transformed outside the database to say what
   *     the target should hold: values change, or rules may set rows aside
   */
  public boolean needsRowByRow() {
    return changesValues() || !mapping.validate().isEmpty() || !mapping.derive().isEmpty() || mapping.plugin() != null
        || mapping.filter() != null;
  }

  /**
   * Runs the table's row plugin on the kept columns of a row.
   *
   * @param row a row by this transform's source names; not changed
   * @return a copy with the plugin's changes, or {@code row} itself when there is no plugin
   * @throws RowRejected when the plugin rejects the row
   */
  Map<String, String> plugged(Map<String, String> row) {
    PluginRule rule = mapping.plugin();
    if (rule == null || row == null) {
      return row;
    }
    Map<String, String> kept = new LinkedHashMap<>();
    row.forEach((c, v) -> {
      if (targetColumn(c).isPresent()) {
        kept.put(c, v);
      }
    });
    try {
      rule.plugin().apply(mapping.source(), kept);
    } catch (RejectedValue e) {
      throw RowRejected.byPlugin(mapping.source(), rule.plugin().name(), e);
    }
    Map<String, String> out = new LinkedHashMap<>(row);
    out.putAll(kept);
    return out;
  }

  /** @return the target columns computed from source columns, in spec order; they follow the kept columns */
  public List<String> derivedColumns() {
    return List.copyOf(mapping.derive().keySet());
  }

  /**
   * @param targetColumn a derived column
   * @return its type on the target
   */
  public String derivedType(String targetColumn) {
    return mapping.derive().get(targetColumn).type();
  }

  /**
   * @param targetColumn a derived column
   * @return its constraint when the spec creates the target table: {@code " NOT NULL UNIQUE"} for a
   *     surrogate key, or empty
   */
  public String derivedConstraint(String targetColumn) {
    return mapping.derive().get(targetColumn).constraint();
  }

  /** @return the surrogate keys' values for a row that carries their source columns; others are left out */
  private void putDerived(Map<String, String> sourceRow, Map<String, String> out) {
    for (Map.Entry<String, DeriveRule> d : mapping.derive().entrySet()) {
      if (d.getValue().uuid5() == null) {
        continue;
      }
      List<String> from = d.getValue().uuid5().from();
      if (sourceRow.keySet().containsAll(from)) {
        List<String> values = new ArrayList<>(from.size());
        for (String f : from) {
          values.add(sourceRow.get(f));
        }
        out.put(d.getKey(), uuid5(d.getValue(), values));
      }
    }
  }

  private static String uuid5(DeriveRule rule, List<String> values) {
    return io.baton.spec.value.Uuid5.of(rule.uuid5().namespace(), io.baton.spec.value.Uuid5.name(values)).toString();
  }

  /**
   * @param row a source row, by source names; not changed
   * @return the row after the table's plugin, or the row itself without one; the plugin's rejection
   *     as a {@link RowRejected}
   */
  public Map<String, String> beforeOperations(Map<String, String> row) {
    return mapping.plugin() != null && !mapping.plugin().afterOperations() ? plugged(row) : row;
  }

  /** Runs the row plugin on an array row: names and values in the same order; a new array. */
  private String[] plugged(String[] names, String[] values) {
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      row.put(names[i], values[i]);
    }
    Map<String, String> changed = plugged(row);
    String[] out = new String[values.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = changed.get(names[i]);
    }
    return out;
  }

  /** @return the validation rules every row's after image must pass */
  public List<ColumnCheck> checksPerRow() {
    return mapping.validate();
  }

  /**
   * Checks one row against the table's validation rules.
   *
   * @param column a source column
   * @param value its value after the column's operations, or null for NULL
   * @throws RowRejected naming the first rule the value breaks
   */
  private void validate(String column, String value) {
    for (ColumnCheck c : mapping.validate()) {
      if (column.equals(c.column())) {
        String broken = c.violation(value);
        if (broken != null) {
          throw RowRejected.invalid(mapping.source(), column, broken, value);
        }
      }
    }
  }

  /** @return the source columns whose values are changed on the way, in spec order */
  public List<String> changedColumns() {
    return List.copyOf(ops.keySet());
  }

  /**
   * @param sourceColumn a kept source column
   * @param sourceType its type ({@code format_type} text)
   * @return the target column's type: the source type, or what the column's cast makes it
   */
  public String targetType(String sourceColumn, String sourceType) {
    String type = sourceType;
    for (ValueOp op : ops.getOrDefault(sourceColumn, List.of())) {
      type = op.resultType(type);
    }
    return type;
  }

  /**
   * @param sourceColumn a source column
   * @param value its value, or null for NULL
   * @return the value after the column's operations
   * @throws RowRejected when one of them rejects it
   */
  public String applyValue(String sourceColumn, String value) {
    List<ValueOp> list = ops.get(sourceColumn);
    return list == null ? value : applyOps(mapping.source(), sourceColumn, list, value);
  }

  private static String applyOps(TableName table, String column, List<ValueOp> list, String value) {
    String v = value;
    for (ValueOp op : list) {
      try {
        v = op.apply(v);
      } catch (RejectedValue e) {
        throw new RowRejected(table, column, op, e);
      }
    }
    return v;
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
    Map<String, String> out = columnsOf(row);
    if (out != null) {
      putDerived(row, out);
      if (celAfterOperations) {
        Map<String, String> afterOps = new LinkedHashMap<>(row);
        ops.keySet().forEach(c -> {
          if (row.containsKey(c)) {
            afterOps.put(c, applyValue(c, row.get(c)));
          }
        });
        Map<String, String> derived = new LinkedHashMap<>();
        applyCel(afterOps, derived, null);
        out.putAll(derived);
      }
    }
    return out;
  }

  /** The row's columns mapped, without derived columns (a key stays the source's key). */
  private Map<String, String> columnsOf(Map<String, String> row) {
    if (row == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>(row.size() * 2);
    for (Map.Entry<String, String> e : row.entrySet()) {
      Optional<String> name = targetColumn(e.getKey());
      if (name.isPresent()) {
        out.put(name.get(), applyValue(e.getKey(), e.getValue()));
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
    List<String> kept = new ArrayList<>();
    int[] from = new int[sourceColumns.size()];
    int n = 0;
    for (int i = 0; i < sourceColumns.size(); i++) {
      Optional<String> t = targetColumn(sourceColumns.get(i));
      if (t.isPresent()) {
        targets.add(t.get());
        kept.add(sourceColumns.get(i));
        from[n++] = i;
      }
    }
    targets.addAll(mapping.derive().keySet());
    List<int[]> derivedFrom = new ArrayList<>();
    for (DeriveRule d : mapping.derive().values()) {
      if (d.uuid5() == null) {
        derivedFrom.add(null);
        continue;
      }
      int[] idx = new int[d.uuid5().from().size()];
      for (int k = 0; k < idx.length; k++) {
        idx[k] = sourceColumns.indexOf(d.uuid5().from().get(k));
        if (idx[k] < 0) {
          throw new IllegalArgumentException("derived column reads " + d.uuid5().from().get(k) + ", not among " + sourceColumns);
        }
      }
      derivedFrom.add(idx);
    }
    return new Compiled(this, List.copyOf(targets), List.copyOf(kept), java.util.Arrays.copyOf(from, n), derivedFrom,
        List.copyOf(sourceColumns));
  }

  /** This transform over a fixed list of source columns: see {@link #compile(List)}. */
  public static final class Compiled {
    private final List<String> targetColumns;
    private final int[] sourceIndex;
    private final TableName table;
    private final String[] sourceNames;
    private final List<List<ValueOp>> ops;
    private final boolean changesValues;
    private final RowTransform transform;
    private final boolean validates;

    private final List<int[]> derivedFrom;
    private final List<DeriveRule> derived;
    private final List<String> allSource;

    private Compiled(RowTransform transform, List<String> targetColumns, List<String> keptSource, int[] sourceIndex,
        List<int[]> derivedFrom, List<String> allSource) {
      this.allSource = allSource;
      this.derivedFrom = derivedFrom;
      this.derived = List.copyOf(transform.mapping.derive().values());
      this.targetColumns = targetColumns;
      this.sourceIndex = sourceIndex;
      this.table = transform.sourceTable();
      this.sourceNames = keptSource.toArray(new String[0]);
      this.ops = keptSource.stream().map(c -> transform.ops.getOrDefault(c, List.of())).toList();
      this.changesValues = ops.stream().anyMatch(l -> !l.isEmpty());
      this.transform = transform;
      this.validates = !transform.mapping.validate().isEmpty();
    }

    /** @return a row's values by source column name, in the compiled order; a new map */
    private Map<String, String> byName(String[] sourceValues) {
      Map<String, String> row = new LinkedHashMap<>(allSource.size() * 2);
      for (int i = 0; i < allSource.size(); i++) {
        row.put(allSource.get(i), sourceValues[i]);
      }
      return row;
    }

    /** @return the target columns (the kept ones, then the derived ones), in the order of {@link #apply(String[])}'s result */
    public List<String> targetColumns() {
      return targetColumns;
    }

    /**
     * @return when the transform only selects, reorders and renames columns (values untouched), the
     *     source column index of each target column, so that rows can pass as bytes; null when values
     *     must be decoded and transformed with {@link #apply(String[])}. A new array.
     */
    public int[] projection() {
      return transform.needsRowByRow() ? null : sourceIndex.clone();
    }

    /**
     * @param sourceValues one row's values in the compiled source column order, null for NULL
     * @return the row's target values in {@link #targetColumns()} order, a new array; null when the
     *     table's filter leaves the row out
     * @throws RowRejected when a value operation rejects a value, the row breaks a validation rule,
     *     or an expression fails
     */
    public String[] apply(String[] sourceValues) {
      if (transform.mapping.filter() != null && !transform.inScope(byName(sourceValues))) {
        return null;
      }
      String[] out = new String[sourceIndex.length + derived.size()];
      PluginRule plugin = transform.mapping.plugin();
      String[] in = new String[sourceIndex.length];
      for (int i = 0; i < in.length; i++) {
        in[i] = sourceValues[sourceIndex[i]];
      }
      if (plugin != null && !plugin.afterOperations()) {
        in = transform.plugged(sourceNames, in);
      }
      for (int i = 0; i < sourceIndex.length; i++) {
        String v = in[i];
        out[i] = changesValues && !ops.get(i).isEmpty() ? applyOps(table, sourceNames[i], ops.get(i), v) : v;
        if (validates) {
          transform.validate(sourceNames[i], out[i]);
        }
      }
      if (transform.celAfterOperations) {
        Map<String, String> afterOps = byName(sourceValues);
        for (int i = 0; i < sourceIndex.length; i++) {
          afterOps.put(sourceNames[i], out[i]);
        }
        Map<String, String> celDerived = new LinkedHashMap<>();
        transform.applyCel(afterOps, celDerived, null);
        for (int d = 0; d < derived.size(); d++) {
          if (derived.get(d).cel() != null) {
            out[sourceIndex.length + d] = celDerived.get(targetColumns.get(sourceIndex.length + d));
          }
        }
      }
      for (int d = 0; d < derived.size(); d++) {
        int[] idx = derivedFrom.get(d);
        if (idx == null) {
          continue;
        }
        List<String> values = new ArrayList<>(idx.length);
        for (int k : idx) {
          values.add(sourceValues[k]);
        }
        out[sourceIndex.length + d] = uuid5(derived.get(d), values);
      }
      if (plugin != null && plugin.afterOperations()) {
        String[] names = targetColumns.toArray(new String[0]);
        out = transform.plugged(names, out);
      }
      return out;
    }
  }

  /**
   * Transforms one change event: its table, key and both row images.
   *
   * @param event a change event of {@link #sourceTable()}
   * @return the same change against {@link #targetTable()}; for a row the table's filter leaves out,
   *     a delete of its key ({@link #withdrawn}), so that an update that takes a row out of scope
   *     removes it from the target
   * @throws RowRejected when the spec rejects the row
   * @throws SchemaDrift when the transform was built from the catalog and the row has a column the
   *     catalog has not (a column added on the source since)
   */
  public ChangeEvent apply(ChangeEvent event) {
    if (capturedTypes != null && event.after() != null
        && (event.op() == ChangeEvent.Op.CREATE || event.op() == ChangeEvent.Op.UPDATE)) {
      SchemaDrift.check(mapping.source(), capturedTypes.keySet(), event.after(), "LSN " + event.lsn());
    }
    if (event.after() != null && event.op() != ChangeEvent.Op.MARKER && !inScope(event.after())) {
      ChangeEvent gone = withdrawn(event);
      if (gone == null) {
        throw new IllegalStateException("table " + mapping.source() + ": a filter needs a primary key");
      }
      return gone;
    }
    boolean pluginFirst = mapping.plugin() != null && !mapping.plugin().afterOperations();
    Map<String, String> after = pluginFirst && event.op() != ChangeEvent.Op.MARKER ? plugged(event.after()) : event.after();
    if (pluginFirst && after != null && event.key() != null) {
      for (Map.Entry<String, String> k : event.key().entrySet()) {
        if (after.containsKey(k.getKey()) && !java.util.Objects.equals(after.get(k.getKey()), k.getValue())) {
          throw RowRejected.byPlugin(mapping.source(), mapping.plugin().plugin().name(),
              new RejectedValue(after.get(k.getKey()), "the plugin changed key column " + k.getKey() + " (was '"
                  + k.getValue() + "')"));
        }
      }
    }
    if (after != null && !mapping.validate().isEmpty()) {
      for (ColumnCheck c : mapping.validate()) {
        if (after.containsKey(c.column())) {
          validate(c.column(), applyValue(c.column(), after.get(c.column())));
        }
      }
    }
    Map<String, String> out = event.op() == ChangeEvent.Op.MARKER ? columnsOf(after) : apply(after);
    if (mapping.plugin() != null && mapping.plugin().afterOperations() && event.op() != ChangeEvent.Op.MARKER) {
      out = plugged(out);
    }
    return new ChangeEvent(event.op(), mapping.target(), columnsOf(event.key()), columnsOf(before(event)),
        out, event.lsn(), event.commitTimeMs(), event.lastCommitLsn(), event.txId());
  }

  /**
   * @param rejected a change of this table that the spec set aside
   * @return a delete of the row's key on the target, so that the target does not keep an older
   *     version of a row whose current one is in quarantine; null when the change has no key (a
   *     table without a primary key) or deletes nothing new (a delete, a marker)
   */
  public ChangeEvent withdrawn(ChangeEvent rejected) {
    if (rejected.key() == null || rejected.key().isEmpty() || rejected.op() == ChangeEvent.Op.DELETE
        || rejected.op() == ChangeEvent.Op.MARKER) {
      return null;
    }
    Map<String, String> key = columnsOf(rejected.key());
    return new ChangeEvent(ChangeEvent.Op.DELETE, mapping.target(), key, key, null, rejected.lsn(), rejected.commitTimeMs(),
        rejected.lastCommitLsn(), rejected.txId());
  }

  /**
   * The before image to carry: for a keyed event only its key columns, since the target finds the
   * row by its key, and a delete's key-only before image (REPLICA IDENTITY DEFAULT) arrives with the
   * other NOT NULL columns filled by Debezium with placeholders ({@code ''}, 0), not the row's values,
   * which a value operation must not read.
   */
  private static Map<String, String> before(ChangeEvent event) {
    if (event.before() == null || event.key() == null || event.key().isEmpty()) {
      return event.before();
    }
    Map<String, String> keyOnly = new LinkedHashMap<>();
    for (String k : event.key().keySet()) {
      if (event.before().containsKey(k)) {
        keyOnly.put(k, event.before().get(k));
      }
    }
    return keyOnly;
  }

  /** @return the source columns this transform drops (their values cannot flow back on rollback) */
  public List<String> droppedColumns() {
    return mapping.columns().entrySet().stream().filter(e -> e.getValue().drop()).map(Map.Entry::getKey).toList();
  }

  /**
   * @param source the source table as the catalog describes it (its column types decide how casts
   *     are undone)
   * @return the inverse mapping, target to source: renames reversed, each column's value operations
   *     undone in reverse order or replaced by its {@code reverse} rule; dropped columns stay
   *     absent, so rows written on the target reach the source with those columns at their default
   * @throws SpecException naming every column whose operations cannot be undone and that has no
   *     {@code reverse} rule
   */
  public TableMapping inverse(TableInfo source) {
    List<String> lossy = lossyColumns(source);
    if (!lossy.isEmpty()) {
      throw new SpecException("reverse", "table " + mapping.source() + ": rollback would lose values: "
          + String.join("; ", lossy) + ". Give each such column a reverse rule (reverse: { keep: true } to write the"
          + " target's value back as it is, or reverse: { map: ... } / { cast: ... })");
    }
    Map<String, ColumnRule> rules = new LinkedHashMap<>();
    for (String derived : mapping.derive().keySet()) {
      rules.put(derived, new ColumnRule(null, true));
    }
    mapping.columns().forEach((col, rule) -> {
      if (rule.drop()) {
        return;
      }
      String targetName = rule.rename() == null ? col : rule.rename();
      List<ValueOp> back = rule.reverse() != null ? rule.reverse().ops() : undo(rule.ops(), sourceType(source, col)).orElseThrow();
      if (rule.rename() != null || !back.isEmpty()) {
        rules.put(targetName, new ColumnRule(rule.rename() == null ? null : col, false, back, null));
      }
    });
    PluginRule plugin = mapping.plugin();
    PluginRule back = plugin == null || plugin.keepOnReverse() ? null
        : new PluginRule(plugin.plugin().inverse(), false, true);
    return new TableMapping(mapping.target(), mapping.source(), rules, TableChecks.NONE, List.of(),
        TableMapping.OnInvalid.HALT, Map.of(), back, null);
  }

  /**
   * @param source the source table as the catalog describes it
   * @return one line per column whose value operations cannot be undone and that has no
   *     {@code reverse} rule: the column and the operation that loses values; empty when rollback
   *     loses nothing the spec has not accepted
   */
  public List<String> lossyColumns(TableInfo source) {
    List<String> out = new ArrayList<>();
    PluginRule plugin = mapping.plugin();
    if (plugin != null && !plugin.keepOnReverse() && plugin.plugin().inverse() == null) {
      out.add("plugin " + plugin.plugin().name() + " cannot be undone (it has no inverse; plugin.reverse: keep accepts"
          + " the target's rows as they are)");
    }
    mapping.columns().forEach((col, rule) -> {
      if (!rule.ops().isEmpty() && rule.reverse() == null) {
        String type = sourceType(source, col);
        String type0 = type;
        for (ValueOp op : rule.ops()) {
          if (op.inverse(type0).isEmpty()) {
            out.add("column " + col + ": " + op.describe() + " cannot be undone");
            break;
          }
          type0 = op.resultType(type0);
        }
      }
    });
    return out;
  }

  /**
   * @param source the source table as the catalog describes it
   * @return one line per column whose {@code reverse} rule accepts a loss or replaces the inverse,
   *     for the plan
   */
  public List<String> reverseRules(TableInfo source) {
    List<String> out = new ArrayList<>();
    if (mapping.plugin() != null) {
      out.add("plugin " + mapping.plugin().plugin().name() + ": " + (mapping.plugin().keepOnReverse()
          ? "the target's rows go back as they are" : "undone by its inverse"));
    }
    mapping.columns().forEach((col, rule) -> {
      if (rule.reverse() != null) {
        out.add("column " + col + ": " + (rule.reverse().keep() ? "the target's value goes back as it is"
            : String.join(", then ", rule.reverse().ops().stream().map(ValueOp::describe).toList())));
      }
    });
    return out;
  }

  /**
   * @param source the source table as the catalog describes it
   * @return one line per column whose operations produce values longer than the column's type
   *     holds ({@code character(4)} mapped to six-letter codes): the target would refuse them
   */
  public List<String> typeProblems(TableInfo source) {
    List<String> out = new ArrayList<>();
    ops.forEach((col, list) -> {
      String type = targetType(col, sourceType(source, col));
      int limit = lengthLimit(type);
      // a cast checks lengths itself, value by value; what reaches the column unchecked is what
      // the operations after the last cast produce
      for (int i = list.size() - 1; i >= 0 && !(list.get(i) instanceof io.baton.spec.value.CastOp); i--) {
        ValueOp op = list.get(i);
        if (limit >= 0 && op.longestOutput() > limit) {
          out.add("column " + col + ": " + op.describe() + " gives values of up to " + op.longestOutput()
              + " characters, but the column is " + type + "; add cast: { to: text } (or a longer varchar)");
        }
      }
    });
    return out;
  }

  private static final java.util.regex.Pattern LENGTH =
      java.util.regex.Pattern.compile("(?:character varying|varchar|character|char|bpchar)\\((\\d+)\\)");

  /** @return n of char(n) or varchar(n); -1 for a type without a length */
  private static int lengthLimit(String type) {
    java.util.regex.Matcher m = LENGTH.matcher(type.trim().toLowerCase(java.util.Locale.ROOT));
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** The operations that undo {@code forward}, last first; empty when one cannot be undone. */
  private static Optional<List<ValueOp>> undo(List<ValueOp> forward, String sourceType) {
    List<String> typeBefore = new ArrayList<>();
    String type = sourceType;
    for (ValueOp op : forward) {
      typeBefore.add(type);
      type = op.resultType(type);
    }
    List<ValueOp> back = new ArrayList<>();
    for (int i = forward.size() - 1; i >= 0; i--) {
      Optional<ValueOp> inv = forward.get(i).inverse(typeBefore.get(i));
      if (inv.isEmpty()) {
        return Optional.empty();
      }
      back.add(inv.get());
    }
    return Optional.of(back);
  }

  private static String sourceType(TableInfo source, String column) {
    return source.column(column).map(ColumnInfo::type).orElse("text");
  }
}
