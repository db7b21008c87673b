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
 * @param target the same columns by target name
 */
record KeptColumns(List<String> source, List<String> target) {
  static KeptColumns of(TableInfo table, RowTransform transform) {
    List<String> source = new ArrayList<>();
    List<String> target = new ArrayList<>();
    for (String c : table.columnNames()) {
      transform.targetColumn(c).ifPresent(t -> {
        source.add(c);
        target.add(t);
      });
    }
    return new KeptColumns(List.copyOf(source), List.copyOf(target));
  }

  RowDiff.Side sourceSide(Database db, TableInfo table) {
    return sourceSide(db, table, "true");
  }

  RowDiff.Side targetSide(Database db, TableInfo table, RowTransform transform) {
    return targetSide(db, table, transform, "true");
  }

  /** @param where a condition on the source table's rows, by source names */
  RowDiff.Side sourceSide(Database db, TableInfo table, String where) {
    return new RowDiff.Side(db, table.name(), table.primaryKey(), source, where);
  }

  /** @param where a condition on the target table's rows, by target names */
  RowDiff.Side targetSide(Database db, TableInfo table, RowTransform transform, String where) {
    return new RowDiff.Side(db, transform.targetTable(), transform.targetColumns(table.primaryKey()), target, where);
  }
}
