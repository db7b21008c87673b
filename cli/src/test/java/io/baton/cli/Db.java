package io.baton.cli;

import io.baton.pg.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** SQL shortcuts for integration tests. */
final class Db {
  private Db() {}

  /** Runs one or more statements (simple protocol: several separated by semicolons). */
  static void exec(Database db, String sql) throws SQLException {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** @return each row's columns as text joined by {@code |} */
  static List<String> query(Database db, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          sb.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        rows.add(sb.toString());
      }
    }
    return rows;
  }

  /** @return the single value of a one-row, one-column query */
  static String value(Database db, String sql) throws SQLException {
    List<String> rows = query(db, sql);
    if (rows.size() != 1) {
      throw new AssertionError("expected one row from " + sql + ", got " + rows);
    }
    return rows.get(0);
  }
}
