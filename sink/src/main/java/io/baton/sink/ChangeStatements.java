package io.baton.sink;

import io.baton.event.ChangeEvent;
import io.baton.pg.Sql;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SQL that applies one change event to its table, with the values to bind in order.
 *
 * <ul>
 *   <li>insert, update and snapshot read on a table with a primary key: an upsert
 *       ({@code INSERT ... ON CONFLICT (key) DO UPDATE}) of the columns received, so a replayed
 *       change converges and an unchanged TOASTed column (absent) keeps its value;
 *   <li>delete with a key: {@code DELETE ... WHERE key = ...};
 *   <li>truncate: {@code TRUNCATE} of the target table;
 *   <li>a table without a key (REPLICA IDENTITY FULL): inserts append; an update or delete changes
 *       exactly one row whose every column equals the old row image ({@code IS NOT DISTINCT FROM}),
 *       which is correct even with duplicate rows.
 * </ul>
 *
 * @param sql the statement, with one {@code ?} per value
 * @param values the values, PostgreSQL text forms or null, bound as untyped parameters
 */
public record ChangeStatements(String sql, List<String> values) {
  /**
   * Inserts carry the origin's values even into {@code GENERATED ALWAYS} identity columns (the
   * reverse path writes into the source, whose identity columns may be ALWAYS); PostgreSQL's
   * INSERT, "OVERRIDING SYSTEM VALUE". Without identity columns the clause has no effect.
   */
  private static final String OVERRIDING = " OVERRIDING SYSTEM VALUE ";

  /**
   * @param e a change event of a target table (not a marker)
   * @return the statement that applies it
   */
  public static ChangeStatements of(ChangeEvent e) {
    return new ChangeStatements(sql(e), values(e));
  }

  /**
   * @param e a change event of a target table (not a marker)
   * @return the SQL alone: the same for every event of the same table, operation and column names
   *     ({@link StatementCache} relies on this)
   */
  static String sql(ChangeEvent e) {
    String table = e.table().quoted();
    switch (e.op()) {
      case TRUNCATE -> {
        return "TRUNCATE " + table;
      }
      case DELETE -> {
        if (keyed(e)) {
          return "DELETE FROM " + table + " WHERE " + equalities(e.key().keySet(), " AND ", "=");
        }
        return oneMatch("DELETE FROM " + table, table, e.before());
      }
      case CREATE, READ, UPDATE -> {
        if (keyed(e)) {
          return upsert(table, e.key(), e.after());
        }
        if (keylessUpdate(e)) {
          return oneMatch("UPDATE " + table + " SET " + equalities(e.after().keySet(), ", ", "="), table, e.before());
        }
        return insert(table, e.after());
      }
      default -> throw new IllegalArgumentException("no statement for op " + e.op());
    }
  }

  /**
   * @param e a change event of a target table (not a marker)
   * @return the values to bind to {@link #sql(ChangeEvent)}, in order
   */
  static List<String> values(ChangeEvent e) {
    switch (e.op()) {
      case TRUNCATE -> {
        return List.of();
      }
      case DELETE -> {
        return new ArrayList<>(keyed(e) ? e.key().values() : e.before().values());
      }
      case CREATE, READ, UPDATE -> {
        List<String> values = new ArrayList<>(e.after().values());
        if (!keyed(e) && keylessUpdate(e)) {
          values.addAll(e.before().values());
        }
        return values;
      }
      default -> throw new IllegalArgumentException("no statement for op " + e.op());
    }
  }

  private static boolean keyed(ChangeEvent e) {
    return e.key() != null && !e.key().isEmpty();
  }

  private static boolean keylessUpdate(ChangeEvent e) {
    return e.op() == ChangeEvent.Op.UPDATE && e.before() != null;
  }

  private static String upsert(String table, Map<String, String> key, Map<String, String> after) {
    List<String> cols = new ArrayList<>(after.keySet());
    String sql = "INSERT INTO " + table + " (" + Sql.idents(cols) + ")" + OVERRIDING + "VALUES (" + marks(cols.size()) + ")"
        + " ON CONFLICT (" + Sql.idents(new ArrayList<>(key.keySet())) + ") DO ";
    List<String> updates = cols.stream().filter(c -> !key.containsKey(c)).toList();
    sql += updates.isEmpty() ? "NOTHING"
        : "UPDATE SET " + updates.stream().map(c -> Sql.ident(c) + " = EXCLUDED." + Sql.ident(c)).collect(Collectors.joining(", "));
    return sql;
  }

  private static String insert(String table, Map<String, String> after) {
    List<String> cols = new ArrayList<>(after.keySet());
    return "INSERT INTO " + table + " (" + Sql.idents(cols) + ")" + OVERRIDING + "VALUES (" + marks(cols.size()) + ")";
  }

  private static String oneMatch(String head, String table, Map<String, String> before) {
    return head + " WHERE ctid = (SELECT ctid FROM " + table + " WHERE "
        + equalities(before.keySet(), " AND ", " IS NOT DISTINCT FROM ") + " LIMIT 1)";
  }

  private static String equalities(java.util.Collection<String> cols, String joiner, String op) {
    return cols.stream().map(c -> Sql.ident(c) + op + "?").collect(Collectors.joining(joiner));
  }

  private static String marks(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }
}
