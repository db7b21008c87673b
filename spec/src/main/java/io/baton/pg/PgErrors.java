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
 * violations, syntax, privileges, data exceptions) is permanent. A connection that fails its TLS
 * handshake or certificate check ({@link #isTlsFailure}) is permanent although pgJDBC reports it in
 * class 08: a certificate does not become valid by trying again.
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
    if (isTlsFailure(e)) {
      return false;
    }
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

  /**
   * Tells whether a connection failed on TLS: the handshake or the server certificate's check
   * failed (a CA that did not sign it, a name that does not match the host, an unreadable
   * {@code sslrootcert}), or the server refused TLS that the sslmode requires. A connection cut
   * during a handshake (an end of stream or a socket error underneath) is not counted: that is a
   * lost connection.
   *
   * @param e the error; never null
   * @return true for a TLS failure that trying again cannot mend
   */
  public static boolean isTlsFailure(SQLException e) {
    boolean handshake = false;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.io.EOFException || t instanceof java.net.SocketException) {
        return false;
      }
      if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof java.security.GeneralSecurityException) {
        handshake = true;
      }
    }
    String m = e.getMessage() == null ? "" : e.getMessage();
    return handshake || (e.getSQLState() != null && e.getSQLState().startsWith("08")
        && (m.contains("SSL") || m.contains("hostnameverifier")));
  }
}
