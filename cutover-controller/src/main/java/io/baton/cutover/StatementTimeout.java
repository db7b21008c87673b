package io.baton.cutover;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Bounds the statements run inside a write pause by the time left before its deadline, with
 * PostgreSQL's {@code statement_timeout} (manual section 19.11.1, "Statement Behavior").
 */
public final class StatementTimeout {
  private StatementTimeout() {}

  /**
   * @param conn a connection used inside the pause
   * @param timeoutMs the time left, milliseconds (at least 1 is used)
   * @throws SQLException when the setting cannot be made
   */
  public static void set(Connection conn, long timeoutMs) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute("SET statement_timeout = " + Math.max(1, timeoutMs));
    }
  }
}
