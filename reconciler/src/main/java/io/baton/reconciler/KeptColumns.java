package io.baton.reconciler;

import io.baton.pg.Database;
import io.baton.pg.TableInfo;
import io.baton.spec.RowTransform;
import java.util.ArrayList;
import java.util.List;

/**
 * The columns the spec keeps of one table, by source and by target name, in the same order: what
 * the reconciler hashes and compares on each side.
 *
 * @param source the kept columns by source name, in the source table's column order
 * @param target the same columns by target name, then the spec's derived columns
 * @param transform the table's transform when it changes values or has validation rules (the
 *     source side is then hashed here, after the transform, leaving out the rows the spec sets
 *     aside), else null (both sides are hashed inside their databases)
 * @param read the source columns read to compute the target's rows: every column of the table when
 *     there is a transform (a filter or a CEL expression may read a column the spec drops), else
 *     {@code source}
 */
record KeptColumns(List<String> source, List<String> target, RowTransform transform, List<String> read) {
  static KeptColumns of(TableInfo table, RowTransform transform) {
    List<String> source = new ArrayList<>();
    List<String> target = new ArrayList<>();
    for (String c : table.columnNames()) {
      transform.targetColumn(c).ifPresent(t -> {
        source.add(c);
        target.add(t);
      });
    }
    target.addAll(transform.derivedColumns());
    boolean rowByRow = transform.needsRowByRow();
    return new KeptColumns(List.copyOf(source), List.copyOf(target), rowByRow ? transform : null,
        rowByRow ? table.columnNames() : List.copyOf(source));
  }

  /**
   * @param i a position in a transformed row (the order of {@link #target})
   * @return the name a difference at that position is reported under: the source's name of a kept
   *     column, the target's name of a derived one
   */
  String reportedName(int i) {
    return i < source.size() ? source.get(i) : target.get(i);
  }

  RowDiff.Side sourceSide(Database db, TableInfo table) {
    return sourceSide(db, table, "true");
  }

  RowDiff.Side targetSide(Database db, TableInfo table, RowTransform transform) {
    return targetSide(db, table, transform, "true");
  }

  /** @param where a condition on the source table's rows, by source names */
  RowDiff.Side sourceSide(Database db, TableInfo table, String where) {
    return new RowDiff.Side(db, table.name(), table.primaryKey(), read, where, transform);
  }

  /** @param where a condition on the target table's rows, by target names */
  RowDiff.Side targetSide(Database db, TableInfo table, RowTransform transform, String where) {
    return new RowDiff.Side(db, transform.targetTable(), transform.targetColumns(table.primaryKey()), target, where);
  }

  /**
   * @param c a connection to the source, in the transaction the caller chose
   * @param table the source table
   * @param where a condition on its rows, by source names
   * @return the summary of spec(rows), as the target's summary of the same rows reads
   * @throws SQLException when the database refuses the query
   */
  RowSummary sourceSummary(java.sql.Connection c, io.baton.pg.TableName table, String where) throws java.sql.SQLException {
    return transform == null ? RowSummary.read(c, table, source, where)
        : RowSummary.readTransformed(c, table, read, transform, where);
  }
}
