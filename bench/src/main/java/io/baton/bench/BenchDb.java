package io.baton.bench;

import io.baton.BatonException;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.Pgbench;
import io.baton.embedded.PostgresServer;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The pgbench databases the benchmarks copy and replicate, and SQL shortcuts for them. */
final class BenchDb {
  /** pgbench's tables. */
  static final List<String> TABLES = List.of("pgbench_accounts", "pgbench_branches", "pgbench_tellers", "pgbench_history");

  private BenchDb() {}

  /**
   * Creates pgbench's data on the source; {@code pgbench_history}, which has no key, gets
   * REPLICA IDENTITY FULL so that every contender can replicate it.
   *
   * @return the source database
   */
  static Database initializeSource(EmbeddedEnvironment env, int scale, Path log) {
    Database source = database(env.source(), env.sourceDatabase());
    Pgbench.initialize(source, scale, log);
    exec(source, "ALTER TABLE pgbench_history REPLICA IDENTITY FULL");
    exec(source, "VACUUM ANALYZE");
    return source;
  }

  /** @return a new database on the target server with pgbench's empty tables and primary keys */
  static Database emptyTarget(EmbeddedEnvironment env, String name, int scale, Path log) {
    env.target().createDatabase(name);
    Database db = database(env.target(), name);
    Pgbench.initialize(db, scale, "dtp", log);
    return db;
  }

  /** @return a new, empty database on the target server */
  static Database emptyDatabase(EmbeddedEnvironment env, String name) {
    env.target().createDatabase(name);
    return database(env.target(), name);
  }

  static Database database(PostgresServer server, String name) {
    return new Database(server.host(), server.port(), name, server.user(), null);
  }

  /** @return rows in all of pgbench's tables */
  static long rows(Database db) {
    long rows = 0;
    for (String t : TABLES) {
      rows += Long.parseLong(query(db, "SELECT count(*) FROM " + t));
    }
    return rows;
  }

  /** @throws BatonException naming the table when a table's row count differs */
  static void checkCounts(Database source, Database target, String which) {
    for (String t : TABLES) {
      String s = query(source, "SELECT count(*) FROM " + t);
      String d = query(target, "SELECT count(*) FROM " + t);
      if (!s.equals(d)) {
        throw new BatonException(which + " has " + d + " rows of " + t + ", the source " + s);
      }
    }
  }

  static void exec(Database db, String sql) {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw PgErrors.classify(sql, e);
    }
  }

  /** @return the first column of the first row */
  static String query(Database db, String sql) {
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw PgErrors.classify(sql, e);
    }
  }
}
