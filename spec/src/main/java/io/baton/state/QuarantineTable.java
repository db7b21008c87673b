package io.baton.state;

import io.baton.pg.PgErrors;
import io.baton.pg.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes {@code baton.quarantine} (see {@link StateSchema}): the rows a migration's spec
 * set aside.
 */
public final class QuarantineTable {
  private QuarantineTable() {}

  /**
   * Records rows, in the caller's transaction; a row already recorded (same migration, table, key
   * and LSN) is left as it is.
   *
   * @param conn a connection to the destination, in the transaction that must record them
   * @param rows the rows; may be empty
   * @throws SQLException when the database refuses them
   */
  public static void insert(Connection conn, List<QuarantinedRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO baton.quarantine (migration, source_table, source_key,"
        + " lsn, column_name, rule, reason, row_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (QuarantinedRow r : rows) {
        int i = 1;
        for (String v : r.columns().values()) {
          ps.setString(i++, v);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * @param conn a connection to the database holding the state schema
   * @param migration the migration's name
   * @param limit how many rows at most, newest first
   * @return the rows, newest first; empty when there are none or no state schema yet
   * @throws io.baton.BatonException when the table cannot be read
   */
  public static List<QuarantinedRow> list(Connection conn, String migration, int limit) {
    List<QuarantinedRow> out = new ArrayList<>();
    try {
      if (!exists(conn)) {
        return out;
      }
      try (PreparedStatement ps = conn.prepareStatement("SELECT migration, source_table, source_key, lsn, column_name, rule,"
          + " reason, row_values FROM baton.quarantine WHERE migration = ? ORDER BY quarantined_at DESC, lsn DESC LIMIT ?")) {
        ps.setString(1, migration);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new QuarantinedRow(rs.getString(1), TableName.parse(rs.getString(2)), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)));
          }
        }
      }
    } catch (SQLException e) {
      throw PgErrors.classify("reading baton.quarantine", e);
    }
    return out;
  }

  /**
   * @param conn a connection to the database holding the state schema
   * @param migration the migration's name
   * @return how many rows it holds for the migration; 0 when there is no state schema yet
   * @throws io.baton.BatonException when the table cannot be read
   */
  public static long count(Connection conn, String migration) {
    try {
      if (!exists(conn)) {
        return 0;
      }
      try (PreparedStatement ps = conn.prepareStatement("SELECT count(*) FROM baton.quarantine WHERE migration = ?")) {
        ps.setString(1, migration);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    } catch (SQLException e) {
      throw PgErrors.classify("counting baton.quarantine", e);
    }
  }

  private static boolean exists(Connection conn) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT to_regclass('baton.quarantine') IS NOT NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
