package io.baton.reconciler;

import io.baton.pg.RowChecksum;
import io.baton.pg.TableName;
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

  RowSummary plus(RowSummary other) {
    return new RowSummary(rows + other.rows, checksum.add(other.checksum));
  }
}
