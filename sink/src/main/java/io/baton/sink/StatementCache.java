package io.baton.sink;

import io.baton.event.ChangeEvent;
import io.baton.pg.TableName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of {@link ChangeStatements} by the shape of a change (table, operation, and the column
 * names of its key and row images), so that a stream of like changes builds its statement text once.
 * One per sink thread: not thread-safe. Its size is bounded by the distinct shapes seen, a handful
 * per table (every insert carries all columns; an update leaves out unchanged TOASTed ones).
 */
final class StatementCache {
  private record Shape(TableName table, ChangeEvent.Op op, List<String> key, List<String> before, List<String> after) {}

  private final Map<Shape, String> sql = new HashMap<>();

  /**
   * @param e a change event of a target table (not a marker)
   * @return the statement that applies it, as {@link ChangeStatements#of} would build it
   */
  ChangeStatements of(ChangeEvent e) {
    Shape shape = new Shape(e.table(), e.op(), columns(e.key()), columns(e.before()), columns(e.after()));
    String text = sql.computeIfAbsent(shape, s -> ChangeStatements.sql(e));
    return new ChangeStatements(text, ChangeStatements.values(e));
  }

  private static List<String> columns(Map<String, String> row) {
    return row == null ? null : List.copyOf(row.keySet());
  }
}
