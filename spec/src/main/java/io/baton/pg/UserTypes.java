package io.baton.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The user-defined enums and domains that tables' columns use (directly, as array elements, or as
 * a domain's base type), read from the catalog ({@code pg_type}, {@code pg_enum},
 * {@code pg_constraint}), so that the target can get them before its tables.
 */
public final class UserTypes {
  private UserTypes() {}

  /**
   * One type and the statements that create it.
   *
   * @param name the type, schema-qualified and quoted
   * @param statements the DDL, in order
   */
  public record UserType(String name, List<String> statements) {
    public UserType {
      statements = List.copyOf(statements);
    }
  }

  /**
   * @param conn a connection to the database that holds the tables
   * @param tables the tables
   * @return the types they use, each after the types it depends on
   * @throws io.baton.BatonException when the catalog cannot be read
   */
  public static List<UserType> usedBy(Connection conn, Collection<TableInfo> tables) {
    try {
      List<Long> columnTypes = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT DISTINCT a.atttypid FROM pg_attribute a"
          + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped")) {
        for (TableInfo t : tables) {
          ps.setString(1, t.name().quoted());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              columnTypes.add(rs.getLong(1));
            }
          }
        }
      }
      Map<Long, UserType> found = new LinkedHashMap<>();
      Set<Long> visited = new HashSet<>();
      for (long oid : columnTypes) {
        visit(conn, oid, visited, found);
      }
      return List.copyOf(found.values());
    } catch (SQLException e) {
      throw PgErrors.classify("reading the enums and domains the tables use", e);
    }
  }

  /** Depth first, dependencies before dependents. */
  private static void visit(Connection conn, long oid, Set<Long> visited, Map<Long, UserType> found) throws SQLException {
    if (!visited.add(oid)) {
      return;
    }
    TypeRow row = typeRow(conn, oid);
    if (row == null) {
      return;
    }
    if (row.element != 0) {
      visit(conn, row.element, visited, found);
      return;
    }
    if (row.base != 0) {
      visit(conn, row.base, visited, found);
    }
    if (row.kind == 'e') {
      found.put(oid, enumType(conn, oid, row));
    } else if (row.kind == 'd') {
      found.put(oid, domain(conn, oid, row));
    }
  }

  private record TypeRow(String name, char kind, long element, long base, String baseType, boolean notNull, String defaultExpr,
      String schema) {}

  private static TypeRow typeRow(Connection conn, long oid) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT quote_ident(n.nspname) || '.' || quote_ident(t.typname),"
        + " t.typtype, CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE 0 END, t.typbasetype,"
        + " format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, quote_ident(n.nspname)"
        + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        + " WHERE t.oid = ? AND n.nspname NOT IN ('pg_catalog', 'information_schema')")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new TypeRow(rs.getString(1), rs.getString(2).charAt(0), rs.getLong(3), rs.getLong(4), rs.getString(5),
            rs.getBoolean(6), rs.getString(7), rs.getString(8));
      }
    }
  }

  private static UserType enumType(Connection conn, long oid, TypeRow row) throws SQLException {
    List<String> labels = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT enumlabel FROM pg_enum WHERE enumtypid = ? ORDER BY enumsortorder")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          labels.add(Sql.literal(rs.getString(1)));
        }
      }
    }
    return new UserType(row.name, List.of("CREATE SCHEMA IF NOT EXISTS " + row.schema,
        "CREATE TYPE " + row.name + " AS ENUM (" + String.join(", ", labels) + ")"));
  }

  private static UserType domain(Connection conn, long oid, TypeRow row) throws SQLException {
    StringBuilder ddl = new StringBuilder("CREATE DOMAIN " + row.name + " AS " + row.baseType);
    if (row.defaultExpr != null) {
      ddl.append(" DEFAULT ").append(row.defaultExpr);
    }
    if (row.notNull) {
      ddl.append(" NOT NULL");
    }
    try (PreparedStatement ps = conn.prepareStatement("SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint"
        + " WHERE contypid = ? AND contype = 'c' ORDER BY conname")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ddl.append(" CONSTRAINT ").append(rs.getString(1)).append(' ').append(rs.getString(2));
        }
      }
    }
    return new UserType(row.name, List.of("CREATE SCHEMA IF NOT EXISTS " + row.schema, ddl.toString()));
  }
}
