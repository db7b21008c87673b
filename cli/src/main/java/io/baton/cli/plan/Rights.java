package io.baton.cli.plan;

import io.baton.BatonException;
import io.baton.cli.plan.PreflightPlan.SchemaAccess;
import io.baton.cli.plan.PreflightPlan.ServerReport;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One server's replication settings and what the migration user may do there, read without
 * changing anything:
 *
 * <ul>
 *   <li>{@code wal_level} (manual 19.5.1, "Settings" of "Write Ahead Log"; numbering of PostgreSQL 17);
 *   <li>{@code max_replication_slots} against the rows of the view {@code pg_replication_slots},
 *       {@code max_wal_senders} against the running WAL senders ({@code pg_stat_activity},
 *       {@code backend_type = 'walsender'}), and {@code max_slot_wal_keep_size} (manual 19.6.1,
 *       "Sending Servers");
 *   <li>the role's attributes ({@code pg_roles}: SUPERUSER, REPLICATION, CREATEROLE, CREATEDB,
 *       BYPASSRLS; manual, "Role Attributes"), and whether it is the bootstrap superuser (oid 10);
 *   <li>whether it may set {@code session_replication_role}: a superuser, or on PostgreSQL 15 and
 *       later {@code has_parameter_privilege(user, 'session_replication_role', 'SET')} (manual,
 *       "Access Privilege Inquiry Functions");
 *   <li>CREATE on the database ({@code has_database_privilege}) and on each schema the migration
 *       creates objects in ({@code has_schema_privilege}).
 * </ul>
 *
 * <p>The {@code reverse} cutover gate checks the target the same way when a cutover is near
 * ({@link io.baton.cutover.ReverseReadiness}); the plan does it before the migration starts.
 */
public final class Rights {
  private Rights() {}

  /**
   * @param conn a read-only connection
   * @param db the database it is connected to, for the URL shown
   * @param schemas on the target, the schemas the migration creates objects in, each with its
   *     purpose ({@code tables} or {@code state}), in order; empty on the source
   * @return the server's report
   * @throws BatonException when the catalog cannot be read
   */
  public static ServerReport read(Connection conn, Database db, Map<String, String> schemas) {
    try {
      ServerReport base;
      try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user, current_database(),"
          + " current_setting('server_version_num')::int, current_setting('server_version'), current_setting('wal_level'),"
          + " current_setting('max_replication_slots')::int, (SELECT count(*) FROM pg_replication_slots)::int,"
          + " current_setting('max_wal_senders')::int,"
          + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender')::int,"
          + " coalesce((SELECT setting::bigint FROM pg_settings WHERE name = 'max_slot_wal_keep_size'), -1),"
          + " r.rolsuper, r.rolreplication, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,"
          + " has_database_privilege(current_database(), 'CREATE'), r.oid = 10"
          + " FROM pg_roles r WHERE r.rolname = current_user")) {
        rs.next();
        base = new ServerReport(db.toString(), rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
            rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getLong(10), rs.getBoolean(11),
            rs.getBoolean(17), rs.getBoolean(12), rs.getBoolean(13), rs.getBoolean(14), rs.getBoolean(15), false, rs.getBoolean(16), List.of());
      }
      boolean replicaRole = base.superuser();
      if (!replicaRole && base.versionNum() >= 150000) {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
            "SELECT has_parameter_privilege(current_user, 'session_replication_role', 'SET')")) {
          rs.next();
          replicaRole = rs.getBoolean(1);
        }
      }
      List<SchemaAccess> access = new ArrayList<>();
      for (Map.Entry<String, String> s : schemas.entrySet()) {
        try (PreparedStatement ps = conn.prepareStatement(
            "SELECT has_schema_privilege(oid, 'CREATE') FROM pg_namespace WHERE nspname = ?")) {
          ps.setString(1, s.getKey());
          try (ResultSet rs = ps.executeQuery()) {
            boolean exists = rs.next();
            access.add(new SchemaAccess(s.getKey(), exists, exists && rs.getBoolean(1), s.getValue()));
          }
        }
      }
      return new ServerReport(base.url(), base.user(), base.database(), base.versionNum(), base.version(), base.walLevel(),
          base.maxReplicationSlots(), base.replicationSlotsUsed(), base.maxWalSenders(), base.walSendersUsed(),
          base.maxSlotWalKeepSizeMb(), base.superuser(), base.bootstrapUser(), base.replication(), base.createRole(), base.createDb(),
          base.bypassRls(), replicaRole, base.canCreateInDatabase(), access);
    } catch (SQLException e) {
      throw PgErrors.classify("reading the settings and rights on " + db, e);
    }
  }
}
