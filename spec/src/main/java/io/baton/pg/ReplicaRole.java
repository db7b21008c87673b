package io.baton.pg;

import io.baton.BatonException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Puts a writing session in {@code session_replication_role = replica}, as PostgreSQL's own logical
 * replication workers do (manual, "Logical Replication", section "Triggers"): ordinary triggers,
 * including the ones that check foreign keys, do not fire. Baton applies each table's changes in
 * source order, but different tables travel on different partitions, so a child row can arrive
 * before its parent; only the end state of a transaction is consistent.
 *
 * <p>Setting it needs a superuser, or on PostgreSQL 15 and later a role granted
 * {@code SET ON PARAMETER session_replication_role} (manual, GRANT).
 */
public final class ReplicaRole {
  private ReplicaRole() {}

  /**
   * @param conn an open session
   * @param db the database, for the message
   * @throws BatonException naming the grant that is missing when the role may not set the parameter
   */
  public static void enter(Connection conn, Database db) {
    try (Statement st = conn.createStatement()) {
      st.execute("SET session_replication_role = replica");
    } catch (SQLException e) {
      if ("42501".equals(e.getSQLState())) {
        throw new BatonException("user " + db.user() + " may not set session_replication_role on " + db
            + ", which Baton needs to write changes whose foreign keys arrive out of order. Fix (as a superuser):"
            + " GRANT SET ON PARAMETER session_replication_role TO " + Sql.ident(db.user())
            + " (PostgreSQL 15 and later), or make the user a superuser", e);
      }
      throw PgErrors.classify("setting session_replication_role on " + db, e);
    }
  }

  /**
   * Checks, without changing anything, that the database's user may enter the replica role.
   *
   * @param db the database
   * @throws BatonException as {@link #enter}
   */
  public static void check(Database db) {
    try (Connection c = db.connect()) {
      enter(c, db);
    } catch (SQLException e) {
      throw PgErrors.classify("connecting to " + db, e);
    }
  }
}
