package io.baton.reconciler;

import io.baton.pg.RowChecksum;
import io.baton.pg.TableName;
import io.baton.spec.RowTransform;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A set of rows summarised by {@link RowChecksum}: the row count and the sum of the row hashes.
 * Summaries of disjoint sets add up to the summary of their union.
 *
 * @param rows the row count
 * @param checksum the sum of the 64-bit row hashes
 */
record RowSummary(long rows, BigInteger checksum) {
  static final RowSummary EMPTY = new RowSummary(0, BigInteger.ZERO);

  /**
   * Reads a summary inside the database, so that only two numbers cross the network.
   *
   * @param c the connection, in whatever transaction the caller chose
   * @param table the table
   * @param columns the hashed columns, in order
   * @param where a condition on the rows ({@code true} for all)
   * @return the summary
   * @throws SQLException when the database refuses the query
   */
  static RowSummary read(Connection c, TableName table, List<String> columns, String where) throws SQLException {
    String sql = "SELECT " + RowChecksum.sqlSummary(columns) + " FROM " + table.quoted() + " WHERE " + where;
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return new RowSummary(rs.getLong(1), new BigInteger(rs.getString(2)));
    }
  }

  /**
   * Reads a summary of spec(rows): the rows are read as text and transformed here, for a transform
   * that changes values (which the database cannot repeat).
   *
   * @param c the connection, in whatever transaction the caller chose
   * @param table the source table
   * @param kept the kept columns, by source name
   * @param transform the table's transform
   * @param where a condition on the rows ({@code true} for all)
   * @return the summary of the transformed rows the spec accepts, as the target's would read (rows
   *     it sets aside are left out)
   * @throws SQLException when the database refuses the query
   * @throws io.baton.spec.RowRejected when the spec rejects a row
   */
  static RowSummary readTransformed(Connection c, TableName table, List<String> kept, RowTransform transform, String where)
      throws SQLException {
    RowChecksum.Sum sum = new RowChecksum.Sum();
    boolean auto = c.getAutoCommit();
    if (auto) {
      c.setAutoCommit(false);
    }
    try (Statement st = c.createStatement()) {
      st.setFetchSize(10_000);
      try (ResultSet rs = st.executeQuery("SELECT " + textColumns(kept) + " FROM " + table.quoted() + " WHERE " + where)) {
        RowTransform.Compiled compiled = transform.compile(kept);
        String[] values = new String[kept.size()];
        while (rs.next()) {
          for (int i = 0; i < values.length; i++) {
            values[i] = rs.getString(i + 1);
          }
          String[] accepted = accepted(compiled, transform, values);
          if (accepted != null) {
            sum.addRow(java.util.Arrays.asList(accepted));
          }
        }
      }
    } finally {
      if (auto) {
        c.commit();
        c.setAutoCommit(true);
      }
    }
    return new RowSummary(sum.rows(), new BigInteger(sum.checksum()));
  }

  /**
   * @param transform the table's transform
   * @param kept the kept source columns the values are in
   * @param values one row's source values
   * @return the row as the target should hold it, or null when the spec sets it aside
   * @throws io.baton.spec.RowRejected when the spec rejects it and the table halts on that
   */
  static String[] accepted(RowTransform transform, List<String> kept, String[] values) {
    return accepted(transform.compile(kept), transform, values);
  }

  private static String[] accepted(RowTransform.Compiled compiled, RowTransform transform, String[] values) {
    try {
      return compiled.apply(values);
    } catch (io.baton.spec.RowRejected r) {
      if (transform.onInvalid() == io.baton.spec.TableMapping.OnInvalid.QUARANTINE) {
        return null;
      }
      throw r;
    }
  }

  /** @return the columns as a select list of their text forms */
  static String textColumns(List<String> columns) {
    StringBuilder sb = new StringBuilder();
    for (String col : columns) {
      sb.append(sb.length() == 0 ? "" : ", ").append(io.baton.pg.Sql.ident(col)).append("::text");
    }
    return sb.toString();
  }

  RowSummary plus(RowSummary other) {
    return new RowSummary(rows + other.rows, checksum.add(other.checksum));
  }
}
