package io.baton.capture;

import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.TxSnapshot;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A snapshot of the source taken now and exported ({@code pg_export_snapshot()}, manual section
 * "Snapshot Synchronization Functions"), held open so that parallel chunk copies can import it.
 * A restarted bulk snapshot reads its missing chunks under one of these, since the slot's own
 * exported snapshot ended with the process that created the slot.
 *
 * @param connection the connection whose open transaction keeps the snapshot importable
 * @param snapshotName the name to pass to {@code SET TRANSACTION SNAPSHOT}
 * @param visibility which transactions the snapshot sees
 */
public record HeldSnapshot(Connection connection, String snapshotName, TxSnapshot visibility) implements AutoCloseable {
  /**
   * @param source the source database
   * @return a held snapshot; close it when every chunk that reads under it is done
   * @throws io.baton.BatonException when the source cannot be reached
   */
  public static HeldSnapshot take(Database source) {
    Connection conn = source.connect();
    try {
      conn.setAutoCommit(false);
      try (Statement st = conn.createStatement()) {
        st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot(), pg_current_snapshot()::text")) {
          rs.next();
          return new HeldSnapshot(conn, rs.getString(1), TxSnapshot.parse(rs.getString(2)));
        }
      }
    } catch (SQLException e) {
      try {
        conn.close();
      } catch (SQLException ignored) {
        // the export failed; that is the error to report
      }
      throw PgErrors.classify("exporting a snapshot of the source", e);
    }
  }

  /** Ends the transaction; the snapshot can no longer be imported. */
  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // a read-only transaction has nothing to lose
    }
  }
}
