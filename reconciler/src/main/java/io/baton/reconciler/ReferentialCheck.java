package io.baton.reconciler;

import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.Sql;
import io.baton.pg.TableName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Referential integrity on the target: for every foreign key declared on the given tables, the
 * rows whose key has no parent. The apply runs in the replica role, which does not check foreign
 * keys (as PostgreSQL's own logical replication), so a parent lost on the way would go unnoticed
 * otherwise.
 *
 * <p>Rows are checked as the constraint's match type says (PostgreSQL's CREATE TABLE,
 * "REFERENCES"): with MATCH SIMPLE, the default, a row with any NULL in the key is not checked;
 * with MATCH FULL, a row with some but not all of the key NULL is an orphan too.
 */
public final class ReferentialCheck {
  /** How many orphan keys are quoted per foreign key. */
  public static final int SAMPLE = 5;

  /**
   * The orphans of one foreign key.
   *
   * @param constraint the constraint's name
   * @param child the referencing table
   * @param columns its key columns
   * @param parent the referenced table
   * @param rows how many rows have no parent; 0 when the key holds
   * @param sample up to {@link #SAMPLE} of their keys, as record text
   */
  public record ForeignKey(String constraint, TableName child, List<String> columns, TableName parent, long rows,
      List<String> sample) {}

  private ReferentialCheck() {}

  /**
   * @param db the database to check (the target)
   * @param tables the referencing tables to check
   * @return one entry per foreign key of those tables, by constraint name
   * @throws io.baton.BatonException when the database cannot be read
   */
  public static List<ForeignKey> check(Database db, Collection<TableName> tables) {
    Set<TableName> wanted = Set.copyOf(tables);
    List<ForeignKey> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      List<Declared> keys = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT c.conname, cn.nspname, cl.relname, pn.nspname, pl.relname, c.confmatchtype,"
          + " array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)"
          + "   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o),"
          + " array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o)"
          + "   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o)"
          + " FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = cl.relnamespace"
          + " JOIN pg_class pl ON pl.oid = c.confrelid JOIN pg_namespace pn ON pn.oid = pl.relnamespace"
          + " WHERE c.contype = 'f' ORDER BY c.conname")) {
        while (rs.next()) {
          TableName child = new TableName(rs.getString(2), rs.getString(3));
          if (wanted.contains(child)) {
            keys.add(new Declared(rs.getString(1), child, new TableName(rs.getString(4), rs.getString(5)),
                "f".equals(rs.getString(6)), Arrays.asList((String[]) rs.getArray(7).getArray()),
                Arrays.asList((String[]) rs.getArray(8).getArray())));
          }
        }
      }
      for (Declared k : keys) {
        out.add(orphans(st, k));
      }
      return out;
    } catch (SQLException e) {
      throw PgErrors.classify("checking the foreign keys of " + tables + " on " + db, e);
    }
  }

  /** A foreign key as the catalog declares it. */
  private record Declared(String name, TableName child, TableName parent, boolean matchFull, List<String> columns,
      List<String> parentColumns) {}

  private static ForeignKey orphans(Statement st, Declared k) throws SQLException {
    List<String> columns = k.columns();
    List<String> parentColumns = k.parentColumns();
    TableName child = k.child();
    TableName parent = k.parent();
    boolean matchFull = k.matchFull();
    List<String> match = new ArrayList<>();
    List<String> allSet = new ArrayList<>();
    List<String> anySet = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      match.add("p." + Sql.ident(parentColumns.get(i)) + " = c." + Sql.ident(columns.get(i)));
      allSet.add("c." + Sql.ident(columns.get(i)) + " IS NOT NULL");
      anySet.add("c." + Sql.ident(columns.get(i)) + " IS NOT NULL");
    }
    String missingParent = "(" + String.join(" AND ", allSet) + " AND NOT EXISTS (SELECT 1 FROM " + parent.quoted()
        + " p WHERE " + String.join(" AND ", match) + "))";
    String where = matchFull
        ? missingParent + " OR (NOT (" + String.join(" AND ", allSet) + ") AND (" + String.join(" OR ", anySet) + "))"
        : missingParent;
    String from = " FROM " + child.quoted() + " c WHERE " + where;
    long rows;
    try (ResultSet rs = st.executeQuery("SELECT count(*)" + from)) {
      rs.next();
      rows = rs.getLong(1);
    }
    List<String> sample = new ArrayList<>();
    if (rows > 0) {
      try (ResultSet rs = st.executeQuery("SELECT ROW(" + String.join(", ", columns.stream().map(col -> "c." + Sql.ident(col)).toList())
          + ")::text" + from + " LIMIT " + SAMPLE)) {
        while (rs.next()) {
          sample.add(rs.getString(1));
        }
      }
    }
    return new ForeignKey(k.name(), child, columns, parent, rows, sample);
  }
}
