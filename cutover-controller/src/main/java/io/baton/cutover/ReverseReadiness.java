package io.baton.cutover;

import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.Sql;
import io.baton.pg.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Whether reverse replication can start on a database: the checks behind the {@code reverse}
 * cutover gate, read-only. Logical decoding needs {@code wal_level = logical}, a free slot under
 * {@code max_replication_slots} and a free sender under {@code max_wal_senders} (manual section
 * 19.6, "Replication"); creating a slot needs the REPLICATION attribute or superuser, and a
 * publication the CREATE privilege on the database and ownership of each of its tables (manual,
 * CREATE PUBLICATION: membership in the owning role is enough).
 */
public final class ReverseReadiness {
  private ReverseReadiness() {}

  /**
   * @param db the database that would hold the reverse slot (the target, for a cutover)
   * @param tables the tables the reverse publication would hold, on {@code db}; one missing there
   *     is not reported here (the apply would have failed on it long before)
   * @return every reason the slot and publication could not be created there, empty when they can
   */
  public static List<String> problems(Database db, Collection<TableName> tables) {
    List<String> problems = new ArrayList<>();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('wal_level'),"
            + " current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots),"
            + " current_setting('max_wal_senders')::int - (SELECT count(*) FROM pg_stat_replication),"
            + " (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user),"
            + " has_database_privilege(current_database(), 'CREATE')")) {
      rs.next();
      if (!"logical".equals(rs.getString(1))) {
        problems.add("wal_level is " + rs.getString(1) + " on " + db + " (set wal_level = logical and restart it)");
      }
      if (rs.getInt(2) < 1) {
        problems.add("no free replication slot on " + db + " (raise max_replication_slots)");
      }
      if (rs.getInt(3) < 1) {
        problems.add("no free WAL sender on " + db + " (raise max_wal_senders)");
      }
      if (!rs.getBoolean(4)) {
        problems.add("user " + db.user() + " has neither REPLICATION nor superuser on " + db
            + " (ALTER ROLE " + db.user() + " REPLICATION)");
      }
      if (!rs.getBoolean(5)) {
        problems.add("user " + db.user() + " cannot create a publication in " + db.database() + " (GRANT CREATE ON DATABASE "
            + db.database() + " TO " + db.user() + ")");
      }
      notOwned(c, db, tables, problems);
    } catch (SQLException e) {
      problems.add(PgErrors.classify("checking reverse replication on " + db, e).getMessage());
    } catch (io.baton.BatonException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }

  /** Adds a problem for each table whose owner the user is not (nor a member of it, nor superuser). */
  private static void notOwned(Connection c, Database db, Collection<TableName> tables, List<String> problems)
      throws SQLException {
    if (tables.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT x.name, pg_get_userbyid(r.relowner)"
        + " FROM unnest(?::text[]) WITH ORDINALITY AS x(name, n) JOIN pg_class r ON r.oid = to_regclass(x.name)"
        + " WHERE NOT pg_has_role(r.relowner, 'USAGE') ORDER BY x.n")) {
      ps.setArray(1, c.createArrayOf("text", tables.stream().map(TableName::quoted).toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          problems.add("user " + db.user() + " does not own table " + rs.getString(1) + " on " + db + " (its owner is "
              + rs.getString(2) + "), and only a table's owner may add it to the reverse publication (GRANT "
              + Sql.ident(rs.getString(2)) + " TO " + Sql.ident(db.user()) + ")");
        }
      }
    }
  }
}
