package io.baton.sink;

import io.baton.pg.PgErrors;
import io.baton.pg.Sql;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.spec.RowTransform;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, after the bulk snapshot, what {@link TargetSchema} leaves out so that the copy runs fast:
 * the source tables' secondary indexes, unique and exclusion constraints, check constraints and
 * foreign keys (those between tables in scope), through the spec's table and column renames.
 * Loading into a table with only its primary key and indexing afterwards is much faster than
 * maintaining every index row by row (manual, "Populating a Database", 14.4.3 "Remove Indexes").
 *
 * <p>Definitions come from the source catalog ({@code pg_get_indexdef}, {@code pg_get_constraintdef},
 * {@code pg_constraint}). An object that uses a column the spec drops is left out, with a warning.
 * Column renames inside index expressions and constraint definitions are applied to identifiers
 * that are not function calls. Every statement is skipped when its object already exists, so a
 * restart after a crash finishes the job.
 */
public final class TargetConstraints {
  private static final Logger LOG = LoggerFactory.getLogger(TargetConstraints.class);

  private TargetConstraints() {}

  /**
   * One object to build.
   *
   * @param name the object's name (index or constraint), unquoted
   * @param table the target table it belongs to
   * @param sql the statement that builds it
   */
  public record Definition(String name, TableName table, String sql) {}

  /**
   * Reads what to build.
   *
   * @param source a connection to the source
   * @param tables the source tables and their transforms
   * @return the statements, indexes first, then check and unique constraints, then foreign keys
   */
  public static List<Definition> read(Connection source, Map<TableInfo, RowTransform> tables) {
    Map<TableName, RowTransform> byTable = new HashMap<>();
    tables.forEach((t, r) -> byTable.put(t.name(), r));
    List<Definition> indexes = new ArrayList<>();
    List<Definition> constraints = new ArrayList<>();
    List<Definition> foreignKeys = new ArrayList<>();
    try {
      for (var e : tables.entrySet()) {
        readIndexes(source, e.getKey(), e.getValue(), indexes);
        readConstraints(source, e.getKey(), e.getValue(), byTable, constraints, foreignKeys);
      }
    } catch (SQLException e) {
      throw PgErrors.classify("reading indexes and constraints of the source tables", e);
    }
    List<Definition> out = new ArrayList<>(indexes);
    out.addAll(constraints);
    out.addAll(foreignKeys);
    return out;
  }

  /**
   * Builds every definition that does not exist yet, one statement at a time.
   *
   * @param target a connection to the target, in auto-commit mode
   * @param definitions from {@link #read}
   * @return how many were built
   */
  public static int build(Connection target, List<Definition> definitions) {
    int built = 0;
    for (Definition d : definitions) {
      try {
        if (exists(target, d)) {
          continue;
        }
        long start = System.nanoTime();
        try (Statement st = target.createStatement()) {
          st.execute(d.sql());
        }
        built++;
        LOG.info("built {} on {} in {} ms", d.name(), d.table(), (System.nanoTime() - start) / 1_000_000);
      } catch (SQLException e) {
        throw PgErrors.classify("building " + d.name() + " on target table " + d.table() + " (" + d.sql() + ")", e);
      }
    }
    return built;
  }

  private static boolean exists(Connection target, Definition d) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ? AND c.relname = ? UNION ALL SELECT 1 FROM pg_constraint WHERE conrelid = ?::regclass AND conname = ?")) {
      ps.setString(1, d.table().schema());
      ps.setString(2, d.name());
      ps.setString(3, d.table().quoted());
      ps.setString(4, d.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void readIndexes(Connection source, TableInfo table, RowTransform transform, List<Definition> out)
      throws SQLException {
    try (PreparedStatement ps = source.prepareStatement("SELECT c.relname, i.indisunique, pg_get_indexdef(i.indexrelid),"
        + " ARRAY(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        + "   UNION SELECT a.attname FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum > 0"
        + "   AND (pg_get_expr(i.indexprs, i.indrelid) LIKE '%' || a.attname || '%'"
        + "     OR pg_get_expr(i.indpred, i.indrelid) LIKE '%' || a.attname || '%'))"
        + " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        + " WHERE i.indrelid = ?::regclass AND NOT i.indisprimary"
        + " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))"
        + " ORDER BY c.relname")) {
      ps.setString(1, table.name().quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          String def = rs.getString(3);
          if (usesDroppedColumn(table, transform, name, columns(rs.getArray(4)))) {
            continue;
          }
          int using = def.indexOf(" USING ");
          String sql = "CREATE " + (rs.getBoolean(2) ? "UNIQUE " : "") + "INDEX " + Sql.ident(name) + " ON "
              + transform.targetTable().quoted() + renameColumns(def.substring(using), transform);
          out.add(new Definition(name, transform.targetTable(), sql));
        }
      }
    }
  }

  private static void readConstraints(Connection source, TableInfo table, RowTransform transform,
      Map<TableName, RowTransform> inScope, List<Definition> constraints, List<Definition> foreignKeys) throws SQLException {
    try (PreparedStatement ps = source.prepareStatement("SELECT k.conname, k.contype, pg_get_constraintdef(k.oid),"
        + " ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, o)"
        + "   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o),"
        + " rn.nspname, r.relname,"
        + " ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, o)"
        + "   JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o),"
        + " k.confupdtype, k.confdeltype, k.confmatchtype, k.condeferrable, k.condeferred"
        + " FROM pg_constraint k LEFT JOIN pg_class r ON r.oid = k.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace"
        + " WHERE k.conrelid = ?::regclass AND k.contype IN ('c', 'u', 'x', 'f') AND k.conparentid = 0 ORDER BY k.conname")) {
      ps.setString(1, table.name().quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          char type = rs.getString(2).charAt(0);
          List<String> cols = columns(rs.getArray(4));
          if (usesDroppedColumn(table, transform, name, cols)) {
            continue;
          }
          String alter = "ALTER TABLE " + transform.targetTable().quoted() + " ADD CONSTRAINT " + Sql.ident(name) + " ";
          if (type != 'f') {
            constraints.add(new Definition(name, transform.targetTable(), alter + renameColumns(rs.getString(3), transform)));
            continue;
          }
          TableName referenced = new TableName(rs.getString(5), rs.getString(6));
          RowTransform ref = inScope.get(referenced);
          if (ref == null) {
            LOG.warn("foreign key {} of {} is not built on the target: it references {}, which the spec does not migrate",
                name, table.name(), referenced);
            continue;
          }
          List<String> refCols = columns(rs.getArray(7));
          if (refCols.stream().anyMatch(c -> ref.targetColumn(c).isEmpty())) {
            LOG.warn("foreign key {} of {} is not built on the target: the spec drops a referenced column", name, table.name());
            continue;
          }
          String sql = alter + "FOREIGN KEY (" + Sql.idents(transform.targetColumns(cols)) + ") REFERENCES "
              + ref.targetTable().quoted() + " (" + Sql.idents(ref.targetColumns(refCols)) + ")"
              + match(rs.getString(10)) + " ON UPDATE " + action(rs.getString(8)) + " ON DELETE " + action(rs.getString(9))
              + (rs.getBoolean(11) ? " DEFERRABLE" + (rs.getBoolean(12) ? " INITIALLY DEFERRED" : "") : "");
          foreignKeys.add(new Definition(name, transform.targetTable(), sql));
        }
      }
    }
  }

  private static boolean usesDroppedColumn(TableInfo table, RowTransform transform, String name, List<String> columns) {
    Optional<String> dropped = columns.stream().filter(c -> transform.targetColumn(c).isEmpty()).findFirst();
    dropped.ifPresent(c -> LOG.warn("{} of {} is not built on the target: it uses column {}, which the spec drops",
        name, table.name(), c));
    return dropped.isPresent();
  }

  private static List<String> columns(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }

  /** pg_constraint.confmatchtype: f full, p partial, s simple (the default, printed as nothing). */
  private static String match(String code) {
    return switch (code) {
      case "f" -> " MATCH FULL";
      case "p" -> " MATCH PARTIAL";
      default -> "";
    };
  }

  /** pg_constraint.confupdtype and confdeltype. */
  private static String action(String code) {
    return switch (code) {
      case "r" -> "RESTRICT";
      case "c" -> "CASCADE";
      case "n" -> "SET NULL";
      case "d" -> "SET DEFAULT";
      default -> "NO ACTION";
    };
  }

  /**
   * Renames the transform's renamed columns inside a definition: identifiers, quoted or not, that
   * are not string literals and not followed by an opening parenthesis (a function call).
   *
   * @param sql a definition as the catalog prints it
   * @param transform the table's transform
   * @return the definition with target column names
   */
  static String renameColumns(String sql, RowTransform transform) {
    StringBuilder out = new StringBuilder(sql.length() + 16);
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'') {
        int end = i + 1;
        while (end < sql.length() && !(sql.charAt(end) == '\'' && (end + 1 >= sql.length() || sql.charAt(end + 1) != '\''))) {
          end += sql.charAt(end) == '\'' ? 2 : 1;
        }
        out.append(sql, i, Math.min(end + 1, sql.length()));
        i = end + 1;
      } else if (c == '"' || Character.isLetter(c) || c == '_') {
        int end;
        String ident;
        if (c == '"') {
          StringBuilder b = new StringBuilder();
          end = i + 1;
          while (end < sql.length()) {
            if (sql.charAt(end) == '"') {
              if (end + 1 < sql.length() && sql.charAt(end + 1) == '"') {
                b.append('"');
                end += 2;
                continue;
              }
              break;
            }
            b.append(sql.charAt(end++));
          }
          end++;
          ident = b.toString();
        } else {
          end = i;
          while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_' || sql.charAt(end) == '$')) {
            end++;
          }
          ident = sql.substring(i, end);
        }
        int next = end;
        while (next < sql.length() && sql.charAt(next) == ' ') {
          next++;
        }
        boolean call = next < sql.length() && sql.charAt(next) == '(';
        Optional<String> renamed = call ? Optional.empty() : transform.targetColumn(ident).filter(t -> !t.equals(ident));
        out.append(renamed.map(Sql::ident).orElse(sql.substring(i, Math.min(end, sql.length()))));
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
