package io.baton.reconciler;

import io.baton.pg.ColumnInfo;
import io.baton.pg.PgErrors;
import io.baton.pg.Sql;
import io.baton.pg.TableInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Profiles source tables column by column, so that an operator sees the data before writing the
 * spec's casts, maps and rules: per column the type, null count, distinct values, minimum and
 * maximum, text length range, the most common values and the most common value patterns.
 *
 * <p>A table larger than the sample size is profiled on a {@code TABLESAMPLE BERNOULLI} sample
 * (every row with the same chance, repeatable with a fixed seed; manual section "SELECT",
 * "TABLESAMPLE"), and says so. Minimum and maximum use the type's own ordering; a type without one
 * (for example {@code point}) has none. A pattern replaces digits by {@code 9}, upper-case letters by
 * {@code A} and lower-case letters by {@code a}, over the first 64 characters of the text form.
 */
public final class SourceProfiler {
  /** How many values and patterns are listed per column. */
  static final int TOP = 5;

  private SourceProfiler() {}

  /**
   * A value (or pattern) and how many rows have it.
   *
   * @param value the text form
   * @param rows how many profiled rows have it
   */
  public record ValueCount(String value, long rows) {}

  /**
   * One column's profile, over the profiled rows.
   *
   * @param column the column name
   * @param type its SQL type
   * @param nulls rows where it is NULL
   * @param distinct distinct non-NULL values
   * @param min the smallest value as text, null when the type has no ordering or every value is NULL
   * @param max the largest, likewise
   * @param minLength the shortest text form, 0 when every value is NULL
   * @param maxLength the longest
   * @param common the most common values, most frequent first
   * @param patterns the most common patterns, most frequent first
   */
  public record ColumnProfile(String column, String type, long nulls, long distinct, String min, String max,
      int minLength, int maxLength, List<ValueCount> common, List<ValueCount> patterns) {}

  /**
   * One table's profile.
   *
   * @param table the table
   * @param estimatedRows the planner's row estimate ({@code pg_class.reltuples}); -1 when unknown
   * @param profiledRows rows profiled
   * @param sampled true when they are a sample
   * @param columns one profile per column, in column order
   */
  public record TableProfile(String table, long estimatedRows, long profiledRows, boolean sampled,
      List<ColumnProfile> columns) {}

  /**
   * @param conn a source connection; used in one read-only transaction, rolled back at the end
   * @param table the table
   * @param sampleRows the most rows profiled before sampling, at least 1
   * @return the profile
   * @throws io.baton.BatonException when the table cannot be read
   */
  public static TableProfile profile(Connection conn, TableInfo table, long sampleRows) {
    try {
      conn.setAutoCommit(false);
      conn.setReadOnly(true);
      long estimate = estimate(conn, table);
      boolean sampled = estimate > sampleRows;
      String from = table.name().quoted()
          + (sampled ? " TABLESAMPLE BERNOULLI (" + Math.max(0.0001, 100.0 * sampleRows / estimate) + ") REPEATABLE (7)" : "");
      String rel = "(SELECT * FROM " + from + ") s";
      long rows = single(conn, "SELECT count(*) FROM " + rel);
      List<ColumnProfile> columns = new ArrayList<>();
      for (ColumnInfo c : table.columns()) {
        columns.add(column(conn, rel, c));
      }
      conn.rollback();
      return new TableProfile(table.name().toString(), estimate, rows, sampled, columns);
    } catch (SQLException e) {
      throw PgErrors.classify("profiling " + table.name(), e);
    }
  }

  private static ColumnProfile column(Connection conn, String rel, ColumnInfo c) throws SQLException {
    String col = Sql.ident(c.name());
    long nulls;
    long distinct;
    int minLength;
    int maxLength;
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) - count(" + col + "),"
        + " count(DISTINCT " + col + "::text), coalesce(min(length(" + col + "::text)), 0),"
        + " coalesce(max(length(" + col + "::text)), 0) FROM " + rel)) {
      rs.next();
      nulls = rs.getLong(1);
      distinct = rs.getLong(2);
      minLength = rs.getInt(3);
      maxLength = rs.getInt(4);
    }
    String[] range = range(conn, rel, col);
    String pattern = "regexp_replace(regexp_replace(regexp_replace(left(" + col + "::text, 64), '[[:digit:]]', '9', 'g'),"
        + " '[[:upper:]]', 'A', 'g'), '[[:lower:]]', 'a', 'g')";
    return new ColumnProfile(c.name(), c.type(), nulls, distinct, range[0], range[1], minLength, maxLength,
        top(conn, col + "::text", rel, col), top(conn, pattern, rel, col));
  }

  /** @return min and max by the type's ordering, or nulls when it has none */
  private static String[] range(Connection conn, String rel, String col) throws SQLException {
    Savepoint sp = conn.setSavepoint();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT min(" + col + ")::text, max(" + col + ")::text FROM " + rel)) {
      rs.next();
      return new String[] {rs.getString(1), rs.getString(2)};
    } catch (SQLException e) {
      // 42883 undefined_function: no ordering for this type
      conn.rollback(sp);
      if (!"42883".equals(e.getSQLState())) {
        throw e;
      }
      return new String[2];
    }
  }

  private static List<ValueCount> top(Connection conn, String expression, String rel, String col) throws SQLException {
    List<ValueCount> out = new ArrayList<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT " + expression + ", count(*) FROM "
        + rel + " WHERE " + col + " IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT " + TOP)) {
      while (rs.next()) {
        out.add(new ValueCount(RowDiff.cut(rs.getString(1), 0), rs.getLong(2)));
      }
    }
    return out;
  }

  private static long estimate(Connection conn, TableInfo table) throws SQLException {
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT reltuples::bigint FROM pg_class WHERE oid = " + Sql.literal(table.name().quoted()) + "::regclass")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long single(Connection conn, String sql) throws SQLException {
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
