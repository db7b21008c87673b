package io.baton.cli.plan;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Connections that cannot write. The session is set to
 * {@code default_transaction_read_only = on} before any transaction starts, and the driver also
 * begins every transaction READ ONLY: any statement that would write is refused by PostgreSQL
 * itself (manual, "SET TRANSACTION": a read-only transaction refuses INSERT, UPDATE, DELETE,
 * CREATE, ALTER, DROP and the like on anything but temporary tables). Statements are bounded too,
 * so that the plan never waits long behind a lock: {@code lock_timeout} 10 s,
 * {@code statement_timeout} 5 minutes.
 */
public final class ReadOnlySession {
  private ReadOnlySession() {}

  /**
   * @param db the database
   * @return an open connection, auto-commit off, every transaction read-only
   * @throws BatonException naming the database when it cannot be reached (retriable) or the
   *     session cannot be set up
   */
  public static Connection open(Database db) {
    Connection c = db.connect();
    try {
      try (Statement st = c.createStatement()) {
        // auto-commit is still on: each SET is committed at once, and outlives any rollback later
        st.execute("SET default_transaction_read_only = on");
        st.execute("SET lock_timeout = '10s'");
        st.execute("SET statement_timeout = '5min'");
      }
      c.setAutoCommit(false);
      c.setReadOnly(true);
      return c;
    } catch (SQLException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the first error is the one to report
      }
      throw PgErrors.classify("opening a read-only session on " + db, e);
    }
  }

  /**
   * Ends the current transaction without keeping anything (there is nothing to keep).
   *
   * @param c a connection from {@link #open}
   * @throws BatonException when the server cannot be told
   */
  public static void end(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      throw PgErrors.classify("ending a read-only transaction", e);
    }
  }
}
