package io.baton.pg;

import io.baton.BatonException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads table definitions from PostgreSQL's system catalogs ({@code pg_class}, {@code pg_attribute},
 * {@code pg_index}, {@code pg_depend}; see the manual's chapter "System Catalogs").
 */
public final class Catalog {
  private Catalog() {}

  /**
   * Describes one table.
   *
   * @param conn an open connection to the database that holds the table
   * @param table the table
   * @return its columns, primary key and replica identity
   * @throws BatonException when the table does not exist (the message names it) or the catalog
   *     cannot be read
   */
  public static TableInfo describe(Connection conn, TableName table) {
    try {
      Long oid = relationOid(conn, table);
      if (oid == null) {
        throw new BatonException("table " + table + " does not exist in database " + conn.getCatalog());
      }
      List<ColumnInfo> columns = new ArrayList<>();
      List<TableInfo.GeneratedColumn> generated = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,"
              + " (SELECT quote_ident(sn.nspname) || '.' || quote_ident(s.relname) FROM pg_depend d"
              + "   JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
              + "   JOIN pg_namespace sn ON sn.oid = s.relnamespace"
              + "  WHERE d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.classid = 'pg_class'::regclass"
              + "    AND d.deptype IN ('a', 'i') LIMIT 1),"
              + " pg_get_expr(ad.adbin, ad.adrelid), a.attgenerated"
              + " FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
              + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
        ps.setLong(1, oid);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if ("s".equals(rs.getString(7))) {
              generated.add(new TableInfo.GeneratedColumn(rs.getString(1), rs.getString(2), rs.getString(6)));
            } else {
              columns.add(new ColumnInfo(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(5), rs.getString(4),
                  rs.getString(6)));
            }
          }
        }
      }
      List<String> pk = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
              + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
              + " WHERE i.indrelid = ? AND i.indisprimary ORDER BY k.ord")) {
        ps.setLong(1, oid);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            pk.add(rs.getString(1));
          }
        }
      }
      char identity;
      try (PreparedStatement ps = conn.prepareStatement("SELECT relreplident FROM pg_class WHERE oid = ?")) {
        ps.setLong(1, oid);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          identity = rs.getString(1).charAt(0);
        }
      }
      return new TableInfo(table, columns, pk, identity, generated);
    } catch (SQLException e) {
      throw PgErrors.classify("reading the catalog for table " + table, e);
    }
  }

  /**
   * @param conn an open connection
   * @param table the table
   * @return true when an ordinary or partitioned table of that name exists
   */
  public static boolean exists(Connection conn, TableName table) {
    try {
      return relationOid(conn, table) != null;
    } catch (SQLException e) {
      throw PgErrors.classify("looking up table " + table, e);
    }
  }

  private static Long relationOid(Connection conn, TableName table) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')")) {
      ps.setString(1, table.schema());
      ps.setString(2, table.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }
}
