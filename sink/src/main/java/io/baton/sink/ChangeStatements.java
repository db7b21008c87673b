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
    String table = e.table().quoted();
    boolean keyed = e.key() != null && !e.key().isEmpty();
    switch (e.op()) {
      case TRUNCATE -> {
        return new ChangeStatements("TRUNCATE " + table, List.of());
      }
      case DELETE -> {
        if (keyed) {
          return new ChangeStatements("DELETE FROM " + table + " WHERE " + equalities(e.key().keySet(), " AND ", "="),
              new ArrayList<>(e.key().values()));
        }
        return oneMatch("DELETE FROM " + table, table, e.before(), List.of());
      }
      case CREATE, READ, UPDATE -> {
        if (keyed) {
          return upsert(table, e.key(), e.after());
        }
        if (e.op() == ChangeEvent.Op.UPDATE && e.before() != null) {
          List<String> set = new ArrayList<>(e.after().values());
          return oneMatch("UPDATE " + table + " SET " + equalities(e.after().keySet(), ", ", "="), table, e.before(), set);
        }
        return insert(table, e.after());
      }
      default -> throw new IllegalArgumentException("no statement for op " + e.op());
    }
  }

  private static ChangeStatements upsert(String table, Map<String, String> key, Map<String, String> after) {
    List<String> cols = new ArrayList<>(after.keySet());
    String sql = "INSERT INTO " + table + " (" + Sql.idents(cols) + ")" + OVERRIDING + "VALUES (" + marks(cols.size()) + ")"
        + " ON CONFLICT (" + Sql.idents(new ArrayList<>(key.keySet())) + ") DO ";
    List<String> updates = cols.stream().filter(c -> !key.containsKey(c)).toList();
    sql += updates.isEmpty() ? "NOTHING"
        : "UPDATE SET " + updates.stream().map(c -> Sql.ident(c) + " = EXCLUDED." + Sql.ident(c)).collect(Collectors.joining(", "));
    return new ChangeStatements(sql, new ArrayList<>(after.values()));
  }

  private static ChangeStatements insert(String table, Map<String, String> after) {
    List<String> cols = new ArrayList<>(after.keySet());
    return new ChangeStatements("INSERT INTO " + table + " (" + Sql.idents(cols) + ")" + OVERRIDING + "VALUES (" + marks(cols.size()) + ")",
        new ArrayList<>(after.values()));
  }

  private static ChangeStatements oneMatch(String head, String table, Map<String, String> before, List<String> leading) {
    String sql = head + " WHERE ctid = (SELECT ctid FROM " + table + " WHERE "
        + equalities(before.keySet(), " AND ", " IS NOT DISTINCT FROM ") + " LIMIT 1)";
    List<String> values = new ArrayList<>(leading);
    values.addAll(before.values());
    return new ChangeStatements(sql, values);
  }

  private static String equalities(java.util.Collection<String> cols, String joiner, String op) {
    return cols.stream().map(c -> Sql.ident(c) + op + "?").collect(Collectors.joining(joiner));
  }

  private static String marks(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }
}
