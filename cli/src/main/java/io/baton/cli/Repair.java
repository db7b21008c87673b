package io.baton.cli;

import io.baton.event.ChangeEvent;
import io.baton.pg.Database;
import io.baton.pg.Lsn;
import io.baton.pg.PgErrors;
import io.baton.pg.ReplicaRole;
import io.baton.pg.Sql;
import io.baton.pg.TableInfo;
import io.baton.reconciler.Reconciler;
import io.baton.reconciler.RowDifference;
import io.baton.sink.ChangeStatements;
import io.baton.spec.RowTransform;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Repairs the rows of a keyed table where the target differs from spec(source): each row missing
 * or differing on the target is read again from the source, passed through the spec's transform
 * and upserted; each row the target has in excess is deleted. The repairs are change events applied
 * with the sink's own statements ({@link ChangeStatements}), in the replica role, in transactions of
 * {@value #BATCH} rows; only the rows found different are touched.
 *
 * <p>The source is read row by row by key after the comparison: a row changed on the source in
 * between is repaired to its newer value, which the stream would bring anyway. Repair while the
 * stream is stopped or idle, then verify again.
 */
final class Repair {
  static final int BATCH = 1000;

  private final Database source;
  private final Database target;
  private final TableInfo table;
  private final RowTransform transform;
  private final List<RowDifference> pending = new ArrayList<>();
  private long repaired;

  private Repair(Database source, Database target, TableInfo table, RowTransform transform) {
    this.source = source;
    this.target = target;
    this.table = table;
    this.transform = transform;
  }

  /**
   * @param source the source database
   * @param target the target database
   * @param table a source table with a primary key
   * @param transform its transform
   * @return the rows repaired
   * @throws io.baton.BatonException when a side cannot be read or a repair is refused (the batch
   *     in progress is rolled back)
   */
  static long table(Database source, Database target, TableInfo table, RowTransform transform) {
    Repair r = new Repair(source, target, table, transform);
    Reconciler.forEachMismatch(source, target, table, transform, d -> {
      r.pending.add(d);
      if (r.pending.size() >= BATCH) {
        r.flush();
      }
    });
    r.flush();
    return r.repaired;
  }

  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    try (Connection s = source.connect(); Connection t = target.connect()) {
      ReplicaRole.enter(t, target);
      t.setAutoCommit(false);
      for (RowDifference d : pending) {
        ChangeEvent sourceEvent = d.kind() == RowDifference.Kind.EXTRA_IN_TARGET ? null : read(s, d.key());
        ChangeEvent change = sourceEvent == null
            ? deletion(d.key())
            : transform.apply(sourceEvent);
        ChangeStatements st = ChangeStatements.of(change);
        try (PreparedStatement ps = t.prepareStatement(st.sql())) {
          for (int i = 0; i < st.values().size(); i++) {
            ps.setObject(i + 1, st.values().get(i), Types.OTHER);
          }
          ps.executeUpdate();
        }
      }
      t.commit();
      repaired += pending.size();
      pending.clear();
    } catch (SQLException e) {
      throw PgErrors.classify("repairing " + pending.size() + " rows of " + transform.targetTable() + " (first key "
          + pending.get(0).key() + "); none of them was written", e);
    }
  }

  /** @return the source row as an insert event of the source table, or null when the row is gone */
  private ChangeEvent read(Connection s, Map<String, String> key) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ");
    List<String> columns = table.columnNames();
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(Sql.ident(columns.get(i))).append("::text");
    }
    sql.append(" FROM ").append(table.name().quoted()).append(" WHERE ");
    int i = 0;
    for (String k : key.keySet()) {
      sql.append(i++ == 0 ? "" : " AND ").append(Sql.ident(k)).append(" = ?");
    }
    try (PreparedStatement ps = s.prepareStatement(sql.toString())) {
      int p = 1;
      for (String v : key.values()) {
        ps.setObject(p++, v, Types.OTHER);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
          row.put(columns.get(c), rs.getString(c + 1));
        }
        return new ChangeEvent(ChangeEvent.Op.READ, table.name(), key, null, row, Lsn.ZERO, 0);
      }
    }
  }

  /** @return a delete of the target row with this source key */
  private ChangeEvent deletion(Map<String, String> sourceKey) {
    Map<String, String> key = transform.apply(sourceKey);
    return new ChangeEvent(ChangeEvent.Op.DELETE, transform.targetTable(), key, key, null, Lsn.ZERO, 0);
  }
}
