package io.baton.cutover;

import io.baton.pg.ColumnInfo;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.spec.RowTransform;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Copies sequence positions from the side that held traffic to the side that takes it, while
 * writes are paused, so that the next value drawn on the new side never collides with a row the
 * old side wrote. Logical replication does not carry sequences (manual section 31.7,
 * "Restrictions"), hence this step.
 *
 * <p>Sequences are found per column with {@code pg_get_serial_sequence}, which covers serial and
 * identity columns on both sides; the value is set with {@code setval(seq, last_value, is_called)}.
 */
public final class SequenceSync {
  /**
   * A column fed by a sequence on both sides.
   *
   * @param fromTable the table on the side that held traffic, quoted
   * @param fromColumn its column
   * @param toTable the table on the side that takes traffic, quoted
   * @param toColumn its column
   */
  public record Pair(String fromTable, String fromColumn, String toTable, String toColumn) {}

  private final List<Pair> pairs;

  private SequenceSync(List<Pair> pairs) {
    this.pairs = List.copyOf(pairs);
  }

  /**
   * @param tables source tables with their transforms
   * @param forward true to copy source to target, false for target to source
   * @return the sync for every kept column fed by a sequence on the source
   */
  public static SequenceSync of(Map<TableInfo, RowTransform> tables, boolean forward) {
    List<Pair> pairs = new ArrayList<>();
    for (Map.Entry<TableInfo, RowTransform> t : tables.entrySet()) {
      for (ColumnInfo c : t.getKey().columns()) {
        if (c.sequence() == null) {
          continue;
        }
        String src = t.getKey().name().quoted();
        String dst = t.getValue().targetTable().quoted();
        t.getValue().targetColumn(c.name()).ifPresent(tc -> pairs.add(
            forward ? new Pair(src, c.name(), dst, tc) : new Pair(dst, tc, src, c.name())));
      }
    }
    return new SequenceSync(pairs);
  }

  /** @return the number of sequences this sync copies */
  public int size() {
    return pairs.size();
  }

  /**
   * Copies every position.
   *
   * @param from the side that held traffic
   * @param to the side that takes traffic
   * @param timeoutMs how long the statements may take ({@code statement_timeout})
   * @return the number of sequences set
   */
  public int copy(Database from, Database to, long timeoutMs) {
    if (pairs.isEmpty()) {
      return 0;
    }
    try (Connection f = from.connect(); Connection t = to.connect()) {
      StatementTimeout.set(f, timeoutMs);
      StatementTimeout.set(t, timeoutMs);
      for (Pair p : pairs) {
        String fromSeq = serialSequence(f, p.fromTable(), p.fromColumn());
        String toSeq = serialSequence(t, p.toTable(), p.toColumn());
        if (fromSeq == null || toSeq == null) {
          continue;
        }
        long last;
        boolean called;
        try (Statement st = f.createStatement(); ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + fromSeq)) {
          rs.next();
          last = rs.getLong(1);
          called = rs.getBoolean(2);
        }
        try (PreparedStatement ps = t.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
          ps.setString(1, toSeq);
          ps.setLong(2, last);
          ps.setBoolean(3, called);
          ps.executeQuery().close();
        }
      }
      return pairs.size();
    } catch (SQLException e) {
      throw PgErrors.classify("copying sequence positions from " + from + " to " + to, e);
    }
  }

  private static String serialSequence(Connection c, String table, String column) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
      ps.setString(1, table);
      ps.setString(2, column);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
