package io.baton.pg;

import io.baton.BatonException;
import java.sql.SQLException;

/**
 * The one place that decides whether a PostgreSQL error is retriable or permanent.
 *
 * <p>The decision follows the SQLSTATE classes of PostgreSQL's "Appendix A. PostgreSQL Error
 * Codes": class 08 (connection exception), 40 (transaction rollback: serialization failure,
 * deadlock), 53 (insufficient resources), 57P01-57P03 (admin shutdown, crash shutdown, cannot
 * connect now) and 55P03 (lock not available) are retriable; everything else (constraint
 * violations, syntax, privileges, data exceptions) is permanent.
 */
public final class PgErrors {
  private PgErrors() {}

  /**
   * Tells whether an SQL error is worth retrying.
   *
   * @param e the error; never null
   * @return true for connection loss, serialization failures, deadlocks, shutdowns and resource
   *     shortages; false otherwise
   */
  public static boolean isRetriable(SQLException e) {
    String state = e.getSQLState();
    if (state == null) {
      return e.getCause() instanceof java.io.IOException;
    }
    return state.startsWith("08")
        || state.startsWith("40")
        || state.startsWith("53")
        || state.equals("57P01")
        || state.equals("57P02")
        || state.equals("57P03")
        || state.equals("55P03");
  }

  /**
   * Wraps an SQL error into a {@link BatonException} whose message names what was being done and
   * carries the SQLSTATE.
   *
   * @param what what Baton was doing, for example "COPY public.pgbench_accounts from source"
   * @param e the error; never null
   * @return an exception to throw, retriable as {@link #isRetriable} decides
   */
  public static BatonException classify(String what, SQLException e) {
    return new BatonException(
        what + " failed: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e, isRetriable(e));
  }
}
