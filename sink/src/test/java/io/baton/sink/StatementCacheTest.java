package io.baton.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.event.ChangeEvent;
import io.baton.event.ChangeEvent.Op;
import io.baton.event.Rows;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatementCacheTest {
  private static ChangeEvent event(String table, Op op, Map<String, String> key, Map<String, String> before,
      Map<String, String> after) {
    return new ChangeEvent(op, TableName.parse(table), key, before, after, Lsn.parse("0/1"), 0);
  }

  @Test
  void shouldGiveWhatChangeStatementsBuildsForEveryShapeInAnyOrder() {
    List<ChangeEvent> events = List.of(
        event("a", Op.UPDATE, Rows.of("id", "1"), null, Rows.of("id", "1", "v", "x", "big", "y")),
        // the same table without the unchanged TOASTed column: another statement
        event("a", Op.UPDATE, Rows.of("id", "2"), null, Rows.of("id", "2", "v", "z")),
        event("a", Op.UPDATE, Rows.of("id", "3"), null, Rows.of("id", "3", "v", "x", "big", "w")),
        event("b", Op.UPDATE, Rows.of("id", "1"), null, Rows.of("id", "1", "v", "x", "big", "y")),
        event("a", Op.DELETE, Rows.of("id", "1"), Rows.of("id", "1"), null),
        event("nokey", Op.UPDATE, null, Rows.of("v", "1", "w", null), Rows.of("v", "2", "w", "3")),
        event("nokey", Op.CREATE, null, null, Rows.of("v", "2", "w", "3")),
        event("nokey", Op.DELETE, null, Rows.of("v", "2", "w", "3"), null),
        event("a", Op.TRUNCATE, null, null, null),
        event("a", Op.UPDATE, Rows.of("id", "1"), null, Rows.of("id", "1", "v", "x", "big", "y")));
    StatementCache cache = new StatementCache();

    for (ChangeEvent e : events) {
      assertThat(cache.of(e)).as(e.toString()).isEqualTo(ChangeStatements.of(e));
    }
  }
}
