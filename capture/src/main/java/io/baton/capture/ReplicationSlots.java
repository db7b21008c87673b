package io.baton.capture;

import io.baton.BatonException;
import io.baton.pg.Lsn;
import io.baton.pg.PgErrors;
import io.baton.pg.Sql;
import io.baton.pg.TableName;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Properties;
import java.util.stream.Collectors;
import org.postgresql.PGProperty;

/**
 * Publications and logical replication slots (pgoutput) on a database that Baton captures.
 *
 * <p>See the manual's chapter 49, "Logical Decoding", and section 53.4, "Streaming Replication
 * Protocol" ({@code CREATE_REPLICATION_SLOT ... LOGICAL pgoutput (SNAPSHOT 'export')}).
 */
public final class ReplicationSlots {
  private ReplicationSlots() {}

  /**
   * Creates the publication, or replaces its table list when it exists.
   *
   * @param conn a connection to the captured database
   * @param publication the publication name
   * @param tables the tables to publish
   */
  public static void createPublication(Connection conn, String publication, Collection<TableName> tables) {
    String list = tables.stream().map(TableName::quoted).collect(Collectors.joining(", "));
    try (Statement st = conn.createStatement()) {
      if (publicationExists(conn, publication)) {
        st.execute("ALTER PUBLICATION " + Sql.ident(publication) + " SET TABLE " + list);
      } else {
        // changes of a partitioned table's partitions are published under the table's own name
        st.execute("CREATE PUBLICATION " + Sql.ident(publication) + " FOR TABLE " + list
            + " WITH (publish_via_partition_root = true)");
      }
    } catch (SQLException e) {
      throw PgErrors.classify("creating publication " + publication, e);
    }
  }

  /**
   * Creates a logical slot with the pgoutput plugin over SQL, without exporting a snapshot.
   *
   * @param conn a connection to the captured database
   * @param slot the slot name
   * @return the slot's consistent point: changes committed after it will be streamed
   */
  public static Lsn createSlot(Connection conn, String slot) {
    try (PreparedStatement ps = conn.prepareStatement("SELECT lsn FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Lsn.parse(rs.getString(1));
      }
    } catch (SQLException e) {
      throw PgErrors.classify("creating replication slot " + slot, e);
    }
  }

  /**
   * Creates a logical slot over the replication protocol and exports its snapshot. The snapshot
   * stays importable ({@code SET TRANSACTION SNAPSHOT}) until the returned handle is closed.
   *
   * @param jdbcUrl the JDBC URL of the captured database
   * @param props connection properties (user, password)
   * @param slot the slot name
   * @return the open handle with the snapshot's name and consistent point
   */
  public static ExportedSnapshot createSlotExportingSnapshot(String jdbcUrl, Properties props, String slot) {
    Properties p = new Properties();
    p.putAll(props);
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
    PGProperty.REPLICATION.set(p, "database");
    PGProperty.PREFER_QUERY_MODE.set(p, "simple");
    try {
      Connection repl = DriverManager.getConnection(jdbcUrl, p);
      try (Statement st = repl.createStatement();
          ResultSet rs = st.executeQuery("CREATE_REPLICATION_SLOT " + Sql.ident(slot) + " LOGICAL pgoutput (SNAPSHOT 'export')")) {
        rs.next();
        return new ExportedSnapshot(repl, slot, Lsn.parse(rs.getString("consistent_point")), rs.getString("snapshot_name"));
      } catch (SQLException e) {
        repl.close();
        throw e;
      }
    } catch (SQLException e) {
      throw PgErrors.classify("creating replication slot " + slot + " with an exported snapshot", e);
    }
  }

  /**
   * Drops the slot if it exists; a slot still active (a consumer attached) is waited for up to 10 s.
   *
   * @param conn a connection to the captured database
   * @param slot the slot name
   * @return true when a slot was dropped
   */
  public static boolean dropSlot(Connection conn, String slot) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
        ps.setString(1, slot);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return true;
          }
        }
        if (!slotExists(conn, slot)) {
          return false;
        }
        if (System.currentTimeMillis() > deadline) {
          throw new BatonException("replication slot " + slot + " is still in use after 10 s; stop its consumer"
              + " (SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + slot + "') and drop it");
        }
        Thread.sleep(100);
      } catch (SQLException e) {
        throw PgErrors.classify("dropping replication slot " + slot, e);
      } catch (InterruptedException e) {
        throw new BatonException("interrupted while dropping replication slot " + slot, e);
      }
    }
  }

  /**
   * @param conn a connection to the captured database
   * @param publication the publication name
   */
  public static void dropPublication(Connection conn, String publication) {
    try (Statement st = conn.createStatement()) {
      st.execute("DROP PUBLICATION IF EXISTS " + Sql.ident(publication));
    } catch (SQLException e) {
      throw PgErrors.classify("dropping publication " + publication, e);
    }
  }

  /**
   * @param conn a connection to the captured database
   * @param slot the slot name
   * @return true when the slot exists
   */
  public static boolean slotExists(Connection conn, String slot) {
    try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw PgErrors.classify("looking up replication slot " + slot, e);
    }
  }

  private static boolean publicationExists(Connection conn, String publication) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * A slot just created with an exported snapshot; holds the replication connection open.
   *
   * @param connection the replication connection that must stay open and idle
   * @param slot the slot name
   * @param consistentPoint the LSN from which the slot streams changes
   * @param snapshotName the name to pass to {@code SET TRANSACTION SNAPSHOT}
   */
  public record ExportedSnapshot(Connection connection, String slot, Lsn consistentPoint, String snapshotName)
      implements AutoCloseable {
    /** Closes the replication connection; the snapshot can no longer be imported. */
    @Override
    public void close() {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing a replication connection that already failed has nothing left to release
      }
    }
  }
}
