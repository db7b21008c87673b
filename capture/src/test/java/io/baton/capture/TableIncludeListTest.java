package io.baton.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.pg.TableName;
import io.debezium.util.Strings;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TableIncludeListTest {
  private static final List<TableName> TABLES = List.of(new TableName("public", "a,b"), new TableName("s.x", "t"),
      new TableName("Sales \"Q1\"", "order"), new TableName("x", "\\E.*"), new TableName("müşterı", "ı,,"),
      new TableName("public", "plain"));

  @Test
  void shouldMatchEachTableExactlyAfterDebeziumSplitsTheList() {
    Set<Pattern> patterns = Strings.setOfRegex(TableIncludeList.of(TABLES));
    assertThat(patterns).hasSize(TABLES.size());
    for (TableName t : TABLES) {
      String id = t.schema() + "." + t.name();
      assertThat(patterns.stream().filter(p -> p.matcher(id).matches())).as(id).hasSize(1);
    }
    for (String other : List.of("public.a", "b", "sAx.t", "x.anything", "public.plainx", "publicXplain")) {
      assertThat(patterns.stream().noneMatch(p -> p.matcher(other).matches())).as(other).isTrue();
    }
  }
}
