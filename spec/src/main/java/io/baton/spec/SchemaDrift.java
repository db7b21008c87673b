package io.baton.spec;

import io.baton.BatonException;
import io.baton.pg.TableName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A source table's columns changed after the migration read its catalog: a column added, dropped
 * or given another type by DDL on the source while changes stream. Logical decoding carries no
 * DDL (PostgreSQL documentation, "Logical Replication Restrictions": "The database schema and DDL
 * commands are not replicated"), so the stream would apply rows of a new shape to a target of the
 * old one; Baton halts instead, at the first change of the new shape, and nothing after it is
 * applied. Always permanent: the fix is on the target (and in the spec), then {@code baton run}
 * again.
 */
public final class SchemaDrift extends BatonException {
  private static final long serialVersionUID = 1L;
  private final TableName table;
  private final List<String> added;
  private final List<String> dropped;

  private SchemaDrift(String message, TableName table, List<String> added, List<String> dropped) {
    super(message);
    this.table = table;
    this.added = List.copyOf(added);
    this.dropped = List.copyOf(dropped);
  }

  /**
   * Checks that a row image from the stream has no column the catalog the migration started from
   * does not know. A missing column proves nothing (an update omits an unchanged TOASTed value, and
   * changes made before a column was added lack it); dropped and retyped columns are found in the
   * catalog instead ({@link #between}).
   *
   * @param table the source table
   * @param known its columns in that catalog (stored generated columns excluded: logical decoding
   *     does not send them)
   * @param row a change's new row image, by source column name
   * @param where where the change is, for the message (for example "LSN 0/16B3748")
   * @throws SchemaDrift when the row has a column the catalog does not
   */
  public static void check(TableName table, Set<String> known, Map<String, String> row, String where) {
    if (!known.containsAll(row.keySet())) {
      Set<String> seenAndKnown = new java.util.HashSet<>(known);
      seenAndKnown.retainAll(row.keySet());
      throw of(table, row.keySet(), seenAndKnown, " at " + where);
    }
  }

  /**
   * Compares a source table's catalog now with the one the migration started from.
   *
   * @param was the table when the migration read it
   * @param now the same table now
   * @return the drift, or null when the columns and their types are the same
   */
  public static SchemaDrift between(io.baton.pg.TableInfo was, io.baton.pg.TableInfo now) {
    Map<String, String> before = new java.util.LinkedHashMap<>();
    was.columns().forEach(c -> before.put(c.name(), c.type()));
    Map<String, String> after = new java.util.LinkedHashMap<>();
    now.columns().forEach(c -> after.put(c.name(), c.type()));
    if (!before.keySet().equals(after.keySet())) {
      return of(was.name(), after.keySet(), before.keySet(), null);
    }
    for (Map.Entry<String, String> c : before.entrySet()) {
      if (!c.getValue().equals(after.get(c.getKey()))) {
        return retyped(was.name(), c.getKey(), c.getValue(), after.get(c.getKey()));
      }
    }
    return null;
  }

  /**
   * @param atChange " at LSN ..." when a change showed the drift; null when the catalog did
   */
  private static SchemaDrift of(TableName table, Set<String> seen, Set<String> known, String atChange) {
    List<String> added = new ArrayList<>(new TreeSet<>(seen));
    added.removeAll(known);
    List<String> dropped = new ArrayList<>(new TreeSet<>(known));
    dropped.removeAll(seen);
    StringBuilder m = new StringBuilder("schema drift on source table ").append(table)
        .append(atChange == null ? "" : atChange).append(": ");
    if (!added.isEmpty()) {
      m.append("column(s) ").append(quoted(added)).append(" added");
    }
    if (!dropped.isEmpty()) {
      m.append(added.isEmpty() ? "" : " and ").append("column(s) ").append(quoted(dropped)).append(" dropped");
    }
    m.append(" on the source after the migration started. ").append(atChange == null
        ? "The pipeline halted (found in the source catalog). Fix: "
        : "The pipeline halts here: nothing from this change on is applied. Fix: ");
    if (!added.isEmpty()) {
      m.append("add the column(s) to the target table (with schema: create Baton adds them itself when run again)");
    }
    if (!dropped.isEmpty()) {
      m.append(added.isEmpty() ? "" : "; ").append("drop them from the target table, or make them nullable, and from"
          + " the spec");
    }
    m.append(atChange == null ? ", then run baton run again" : ", then run baton run again: it resumes at this change");
    return new SchemaDrift(m.toString(), table, added, dropped);
  }

  /**
   * @param table the source table
   * @param column the column whose type changed
   * @param was its type when the migration started
   * @param now its type now
   * @return the error for a column whose type changed on the source
   */
  public static SchemaDrift retyped(TableName table, String column, String was, String now) {
    return new SchemaDrift("schema drift on source table " + table + ": column \"" + column + "\" changed type from " + was
        + " to " + now + " on the source after the migration started. The pipeline halted. Fix: change the target"
        + " column (and any cast in the spec) to match, then run baton run again", table, List.of(), List.of());
  }

  /**
   * @param failure what stopped a stage (a stage wraps what it caught); may be null
   * @return the schema drift in its cause chain, or null when there is none
   */
  public static SchemaDrift in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SchemaDrift d) {
        return d;
      }
    }
    return null;
  }

  /** @return true when columns were only added (none dropped, none retyped): a target can follow by DDL */
  public boolean onlyAdded() {
    return !added.isEmpty() && dropped.isEmpty();
  }

  private static String quoted(Collection<String> names) {
    return String.join(", ", names.stream().map(n -> "\"" + n + "\"").toList());
  }

  /** @return the source table */
  public TableName table() {
    return table;
  }

  /** @return columns the stream has and the catalog had not, sorted; empty for a retype */
  public List<String> added() {
    return added;
  }

  /** @return columns the catalog had and the stream has not, sorted */
  public List<String> dropped() {
    return dropped;
  }
}
