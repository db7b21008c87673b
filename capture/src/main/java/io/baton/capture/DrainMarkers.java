package io.baton.capture;

import io.baton.pg.Lsn;
import io.baton.pg.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Drain markers: transactional logical decoding messages ({@code pg_logical_emit_message}, manual
 * section 9.28.6, "Replication Management Functions") that Baton writes into a captured database's
 * WAL. Decoding delivers a transactional message in commit order, so when a sink has applied a
 * marker it has applied every change committed before it: that is how a cutover knows the pipeline
 * is drained up to the frozen LSN.
 */
public final class DrainMarkers {
  /** The message prefix Baton uses; the capture only forwards messages with this prefix. */
  public static final String PREFIX = "baton_drain";

  private DrainMarkers() {}

  /**
   * A marker written into the WAL.
   *
   * @param id its unique id
   * @param lsn where it was written
   */
  public record Marker(String id, Lsn lsn) {}

  /**
   * Writes a marker, in its own transaction.
   *
   * @param conn an auto-commit connection to the captured database (directly, not through a pooler
   *     that may be paused)
   * @return the marker
   */
  public static Marker emit(Connection conn) {
    return emit(conn, UUID.randomUUID().toString());
  }

  /**
   * Writes a marker with a given id, in its own transaction.
   *
   * @param conn an auto-commit connection to the captured database
   * @param id the marker's id, unique
   * @return the marker
   */
  public static Marker emit(Connection conn, String id) {
    try (PreparedStatement ps = conn.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?)")) {
      ps.setString(1, PREFIX);
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Marker(id, Lsn.parse(rs.getString(1)));
      }
    } catch (SQLException e) {
      throw PgErrors.classify("writing a drain marker", e);
    }
  }
}
