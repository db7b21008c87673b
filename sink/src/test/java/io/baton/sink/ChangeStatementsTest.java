package io.baton.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.event.ChangeEvent;
import io.baton.event.ChangeEvent.Op;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeStatementsTest {
  private static final TableName T = TableName.parse("public.accounts");

  private static Map<String, String> row(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static ChangeEvent event(Op op, Map<String, String> key, Map<String, String> before, Map<String, String> after) {
    return new ChangeEvent(op, T, key, before, after, Lsn.parse("0/1"), 0);
  }

  @Test
  void shouldUpsertOnlyTheColumnsReceived() {
    ChangeStatements s = ChangeStatements.of(event(Op.UPDATE, row("aid", "1"), null, row("aid", "1", "balance", "5")));
    assertThat(s.sql()).isEqualTo("INSERT INTO \"public\".\"accounts\" (\"aid\", \"balance\") VALUES (?, ?)"
        + " ON CONFLICT (\"aid\") DO UPDATE SET \"balance\" = EXCLUDED.\"balance\"");
    assertThat(s.values()).containsExactly("1", "5");
  }

  @Test
  void shouldDoNothingOnConflictWhenEveryColumnIsKey() {
    assertThat(ChangeStatements.of(event(Op.CREATE, row("a", "1"), null, row("a", "1"))).sql()).endsWith("DO NOTHING");
  }

  @Test
  void shouldDeleteByKey() {
    ChangeStatements s = ChangeStatements.of(event(Op.DELETE, row("aid", "9", "bid", "2"), row("aid", "9", "bid", "2"), null));
    assertThat(s.sql()).isEqualTo("DELETE FROM \"public\".\"accounts\" WHERE \"aid\"=? AND \"bid\"=?");
    assertThat(s.values()).containsExactly("9", "2");
  }

  @Test
  void shouldChangeExactlyOneMatchingRowOfAKeylessTable() {
    ChangeStatements d = ChangeStatements.of(event(Op.DELETE, null, row("tid", "1", "note", null), null));
    assertThat(d.sql()).isEqualTo("DELETE FROM \"public\".\"accounts\" WHERE ctid = (SELECT ctid FROM \"public\".\"accounts\""
        + " WHERE \"tid\" IS NOT DISTINCT FROM ? AND \"note\" IS NOT DISTINCT FROM ? LIMIT 1)");
    assertThat(d.values()).containsExactly("1", null);
    ChangeStatements u = ChangeStatements.of(event(Op.UPDATE, null, row("tid", "1"), row("tid", "2")));
    assertThat(u.sql()).startsWith("UPDATE \"public\".\"accounts\" SET \"tid\"=? WHERE ctid = (SELECT ctid");
    assertThat(u.values()).isEqualTo(Arrays.asList("2", "1"));
  }

  @Test
  void shouldAppendInsertsIntoAKeylessTable() {
    assertThat(ChangeStatements.of(event(Op.CREATE, null, null, row("tid", "1"))).sql())
        .isEqualTo("INSERT INTO \"public\".\"accounts\" (\"tid\") VALUES (?)");
  }
}
