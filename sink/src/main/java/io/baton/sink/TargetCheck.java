package io.baton.sink;

import io.baton.pg.Catalog;
import io.baton.pg.ColumnInfo;
import io.baton.pg.PgErrors;
import io.baton.pg.Sql;
import io.baton.pg.TableInfo;
import io.baton.spec.RowTransform;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks target tables that the operator created ({@code schema: existing}) against the spec,
 * before anything is written, and reports every problem at once, each with where it is in the spec
 * and its fix:
 *
 * <ul>
 *   <li>a target table or a mapped column that does not exist;
 *   <li>a column whose type is not the source's nor a widening that holds every value with the
 *       same text form (smallint to integer to bigint to numeric; numeric(p,s) to a wider precision
 *       with the same scale or to numeric; varchar(n) to a longer varchar or text). The text form
 *       matters because the reconciler compares values as text: real to double precision, or date
 *       to timestamp, hold every value but print it differently, and are refused;
 *   <li>a NOT NULL target column without a default that no source column fills (every insert would
 *       fail);
 *   <li>a table whose mapped primary key has no primary key or unique index on the target (the
 *       stream's upserts, {@code INSERT ... ON CONFLICT}, need one).
 * </ul>
 */
public final class TargetCheck {
  /** Widenings accepted: source type to the target types that hold every value with the same text form. */
  private static final Map<String, Set<String>> WIDENINGS = Map.of(
      "smallint", Set.of("integer", "bigint", "numeric"),
      "integer", Set.of("bigint", "numeric"),
      "bigint", Set.of("numeric"),
      "character varying", Set.of("text"),
      "text", Set.of("character varying"));

  private TargetCheck() {}

  /**
   * @param target an open connection to the target database
   * @param tables source tables with their transforms, in spec order
   * @return every problem found, each naming the spec entry, the table and column, and the fix;
   *     empty when the target fits the spec
   * @throws io.baton.BatonException when the catalog cannot be read
   */
  public static List<String> problems(Connection target, Map<TableInfo, RowTransform> tables) {
    List<String> problems = new ArrayList<>();
    int i = 0;
    for (Map.Entry<TableInfo, RowTransform> t : tables.entrySet()) {
      String where = "spec tables[" + i++ + "]";
      TableInfo source = t.getKey();
      RowTransform transform = t.getValue();
      if (!Catalog.exists(target, transform.targetTable())) {
        problems.add(where + ": target table " + transform.targetTable() + " does not exist and the spec says schema:"
            + " existing. Fix: create it, or set schema: create");
        continue;
      }
      TableInfo existing = Catalog.describe(target, transform.targetTable());
      Set<String> filled = new HashSet<>();
      for (ColumnInfo c : source.columns()) {
        transform.targetColumn(c.name()).ifPresent(name -> {
          filled.add(name);
          ColumnInfo there = existing.column(name).orElse(null);
          String type = transform.targetType(c.name(), c.type());
          if (there == null) {
            problems.add(where + ".columns." + c.name() + ": target table " + transform.targetTable() + " has no column '"
                + name + "' (columns: " + String.join(", ", existing.columnNames()) + "). Fix: ALTER TABLE "
                + transform.targetTable().quoted() + " ADD COLUMN " + Sql.ident(name) + " " + type
                + ", or map the column to an existing one with rename");
          } else if (!fits(type, there.type())) {
            problems.add(where + ".columns." + c.name() + ": column " + transform.targetTable() + "." + name + " is "
                + there.type() + " but the source's " + c.name() + " arrives as " + type + ", and not every value fits."
                + " Fix: ALTER TABLE " + transform.targetTable().quoted() + " ALTER COLUMN " + Sql.ident(name) + " TYPE "
                + type);
          }
        });
      }
      for (String derived : transform.derivedColumns()) {
        filled.add(derived);
        if (existing.column(derived).isEmpty()) {
          problems.add(where + ".derive." + derived + ": target table " + transform.targetTable() + " has no column '"
              + derived + "'. Fix: ALTER TABLE " + transform.targetTable().quoted() + " ADD COLUMN " + Sql.ident(derived) + " "
              + transform.derivedType(derived) + transform.derivedConstraint(derived).replace(" NOT NULL", ""));
        }
      }
      for (ColumnInfo there : existing.columns()) {
        if (there.notNull() && there.defaultExpression() == null && (there.identity() == null || there.identity().isEmpty())
            && !filled.contains(there.name())) {
          problems.add(where + ": target column " + transform.targetTable() + "." + there.name() + " is NOT NULL without"
              + " a default and no source column fills it, so every insert would fail. Fix: give it a default, drop NOT"
              + " NULL, or map a source column to it");
        }
      }
      List<String> key = transform.targetColumns(source.primaryKey());
      if (!key.isEmpty() && !hasUniqueIndex(target, transform, key)) {
        problems.add(where + ": target table " + transform.targetTable() + " has no primary key or unique index on ("
            + String.join(", ", key) + "), which the stream's upserts need. Fix: ALTER TABLE "
            + transform.targetTable().quoted() + " ADD PRIMARY KEY (" + Sql.idents(key) + ")");
      }
    }
    return problems;
  }

  /**
   * @param sourceType a source column's type as {@code format_type} prints it
   * @param targetType the target column's
   * @return true when every value of the source type is a value of the target type
   */
  static boolean fits(String sourceType, String targetType) {
    if (sourceType.equals(targetType)) {
      return true;
    }
    String s = base(sourceType);
    String t = base(targetType);
    if (s.equals("character varying") && t.equals("character varying")) {
      return length(targetType) < 0 || length(sourceType) >= 0 && length(sourceType) <= length(targetType);
    }
    if (s.equals("numeric") && t.equals("numeric")) {
      int[] from = precisionAndScale(sourceType);
      int[] to = precisionAndScale(targetType);
      return to == null || from != null && from[1] == to[1] && from[0] <= to[0];
    }
    if (t.equals("numeric") && targetType.contains("(")) {
      return false;
    }
    if (s.equals("text") && t.equals("character varying")) {
      return length(targetType) < 0;
    }
    return WIDENINGS.getOrDefault(s, Set.of()).contains(t);
  }

  private static String base(String type) {
    int paren = type.indexOf('(');
    return (paren < 0 ? type : type.substring(0, paren)).trim();
  }

  /** @return precision and scale of {@code numeric(p,s)}, or null for a plain numeric */
  private static int[] precisionAndScale(String type) {
    int open = type.indexOf('(');
    if (open < 0) {
      return null;
    }
    String[] parts = type.substring(open + 1, type.indexOf(')', open)).split(",");
    return new int[] {Integer.parseInt(parts[0].trim()), parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 0};
  }

  /** @return the length modifier of {@code varchar(n)}, -1 for none */
  private static int length(String type) {
    int open = type.indexOf('(');
    return open < 0 ? -1 : Integer.parseInt(type.substring(open + 1, type.indexOf(')', open)).trim());
  }

  private static boolean hasUniqueIndex(Connection target, RowTransform transform, List<String> key) {
    try (PreparedStatement ps = target.prepareStatement("SELECT array_agg(a.attname::text ORDER BY a.attname)"
        + " FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) AS k(attnum)"
        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
        + " WHERE i.indrelid = ?::regclass AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL"
        + " GROUP BY i.indexrelid")) {
      ps.setString(1, transform.targetTable().quoted());
      Set<String> wanted = new HashSet<>(key);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Set<String> cols = new HashSet<>(List.of((String[]) rs.getArray(1).getArray()));
          if (cols.equals(wanted)) {
            return true;
          }
        }
      }
      return false;
    } catch (SQLException e) {
      throw PgErrors.classify("reading the indexes of " + transform.targetTable(), e);
    }
  }
}
