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
   * Whether a slot can still stream every change since the position its consumer last stored.
   *
   * <p>A slot is lost when it is gone (dropped behind Baton's back), invalidated, or recreated:
   * <ul>
   *   <li>invalidated: PostgreSQL removed WAL it still needed because it exceeded
   *       {@code max_slot_wal_keep_size} ({@code wal_status = 'lost'}, PostgreSQL documentation,
   *       "pg_replication_slots"), or, from PostgreSQL 17, for another reason given in
   *       {@code invalidation_reason} ({@code wal_removed}, {@code rows_removed},
   *       {@code wal_level_insufficient});</li>
   *   <li>recreated: dropped and created again under the same name, by hand or by a connector
   *       that found it missing. A new slot keeps WAL only from its creation on, so its
   *       {@code restart_lsn} is past every position the old one streamed; a slot that streamed
   *       on has a {@code restart_lsn} at or before what its consumer confirmed, and Debezium
   *       confirms only what it stored first ({@link StoredOffsets}). So a {@code restart_lsn}
   *       past the stored position means a new slot.</li>
   * </ul>
   * Either way the changes after the stored position can no longer be read: streaming on would
   * leave a gap.
   *
   * @param exists whether the slot exists
   * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}; null
   *     when the slot does not exist or the server does not say
   * @param invalidationReason why the slot was invalidated (PostgreSQL 17 and later), else null
   * @param confirmedFlush the last position its consumer confirmed, or null
   * @param restartLsn the oldest WAL position the slot keeps, or null (an invalidated slot)
   * @param storedPosition the position its consumer stored ({@link StoredOffsets#position}), or null
   *     when none is stored (a slot just created for a fresh capture)
   */
  public record SlotHealth(boolean exists, String walStatus, String invalidationReason, Lsn confirmedFlush,
      Lsn restartLsn, Lsn storedPosition) {
    /** @return true when the slot can stream on from where its consumer stopped */
    public boolean usable() {
      return exists && !"lost".equals(walStatus) && invalidationReason == null && !recreated();
    }

    /** @return true when the slot keeps WAL only from past the stored position: it is a new slot */
    public boolean recreated() {
      return exists && storedPosition != null && restartLsn != null && restartLsn.compareTo(storedPosition) > 0;
    }

    /**
     * @param slot the slot's name
     * @param database where it is, for the message
     * @return what happened to the slot, for an operator; empty when it is usable
     */
    public String problem(String slot, String database) {
      if (usable()) {
        return "";
      }
      if (!exists) {
        return "replication slot " + slot + " is gone from " + database + " (dropped behind Baton's back)";
      }
      if (recreated()) {
        return "replication slot " + slot + " on " + database + " was dropped and created again behind Baton's back: it"
            + " keeps WAL from LSN " + restartLsn + " on, but Baton's capture stored its position at LSN " + storedPosition
            + ", so the changes between can no longer be read";
      }
      return "replication slot " + slot + " on " + database + " was invalidated by the server ("
          + (invalidationReason != null ? invalidationReason : "wal_status " + walStatus)
          + ": WAL it still needed was removed, see max_slot_wal_keep_size); the changes after LSN "
          + confirmedFlush + " can no longer be read";
    }
  }

  /**
   * Reads a slot's health (see {@link SlotHealth}); works on PostgreSQL 13 and later.
   *
   * @param conn a connection to the captured database
   * @param slot the slot name
   * @param storedPosition the position the slot's consumer stored ({@link StoredOffsets#position}),
   *     or null when it stored none
   * @return its health; {@code exists} false when there is no such slot
   * @throws BatonException when the catalog cannot be read
   */
  public static SlotHealth health(Connection conn, String slot, Lsn storedPosition) {
    // invalidation_reason exists from PostgreSQL 17 only: read it through the row's JSON form
    try (PreparedStatement ps = conn.prepareStatement("SELECT s.wal_status, to_jsonb(s) ->> 'invalidation_reason',"
        + " s.confirmed_flush_lsn::text, s.restart_lsn::text FROM pg_replication_slots s WHERE s.slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return new SlotHealth(false, null, null, null, null, storedPosition);
        }
        return new SlotHealth(true, rs.getString(1), rs.getString(2), lsnOrNull(rs.getString(3)),
            lsnOrNull(rs.getString(4)), storedPosition);
      }
    } catch (SQLException e) {
      throw PgErrors.classify("reading the health of replication slot " + slot, e);
    }
  }

  private static Lsn lsnOrNull(String text) {
    return text == null ? null : Lsn.parse(text);
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
