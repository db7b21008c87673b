package io.baton.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.event.ChangeEvent;
import io.baton.event.Rows;
import io.baton.event.ChangeEvent.Op;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeStatementsTest {
  private static final TableName T = TableName.parse("public.accounts");


  private static ChangeEvent event(Op op, Map<String, String> key, Map<String, String> before, Map<String, String> after) {
    return new ChangeEvent(op, T, key, before, after, Lsn.parse("0/1"), 0);
  }

  @Test
  void shouldUpsertOnlyTheColumnsReceived() {
    ChangeStatements s = ChangeStatements.of(event(Op.UPDATE, Rows.of("aid", "1"), null, Rows.of("aid", "1", "balance", "5")));
    assertThat(s.sql()).isEqualTo("INSERT INTO \"public\".\"accounts\" (\"aid\", \"balance\") OVERRIDING SYSTEM VALUE VALUES (?, ?)"
        + " ON CONFLICT (\"aid\") DO UPDATE SET \"balance\" = EXCLUDED.\"balance\"");
    assertThat(s.values()).containsExactly("1", "5");
  }

  @Test
  void shouldDoNothingOnConflictWhenEveryColumnIsKey() {
    assertThat(ChangeStatements.of(event(Op.CREATE, Rows.of("a", "1"), null, Rows.of("a", "1"))).sql()).endsWith("DO NOTHING");
  }

  @Test
  void shouldDeleteByKey() {
    ChangeStatements s = ChangeStatements.of(event(Op.DELETE, Rows.of("aid", "9", "bid", "2"), Rows.of("aid", "9", "bid", "2"), null));
    assertThat(s.sql()).isEqualTo("DELETE FROM \"public\".\"accounts\" WHERE \"aid\"=? AND \"bid\"=?");
    assertThat(s.values()).containsExactly("9", "2");
  }

  @Test
  void shouldChangeExactlyOneMatchingRowOfAKeylessTable() {
    ChangeStatements d = ChangeStatements.of(event(Op.DELETE, null, Rows.of("tid", "1", "note", null), null));
    assertThat(d.sql()).isEqualTo("DELETE FROM \"public\".\"accounts\" WHERE ctid = (SELECT ctid FROM \"public\".\"accounts\""
        + " WHERE \"tid\" IS NOT DISTINCT FROM ? AND \"note\" IS NOT DISTINCT FROM ? LIMIT 1)");
    assertThat(d.values()).containsExactly("1", null);
    ChangeStatements u = ChangeStatements.of(event(Op.UPDATE, null, Rows.of("tid", "1"), Rows.of("tid", "2")));
    assertThat(u.sql()).startsWith("UPDATE \"public\".\"accounts\" SET \"tid\"=? WHERE ctid = (SELECT ctid");
    assertThat(u.values()).isEqualTo(Arrays.asList("2", "1"));
  }

  @Test
  void shouldTruncateTheTargetTable() {
    ChangeStatements s = ChangeStatements.of(event(Op.TRUNCATE, null, null, null));
    assertThat(s.sql()).isEqualTo("TRUNCATE \"public\".\"accounts\"");
    assertThat(s.values()).isEmpty();
  }

  @Test
  void shouldAppendInsertsIntoAKeylessTable() {
    assertThat(ChangeStatements.of(event(Op.CREATE, null, null, Rows.of("tid", "1"))).sql())
        .isEqualTo("INSERT INTO \"public\".\"accounts\" (\"tid\") OVERRIDING SYSTEM VALUE VALUES (?)");
  }
}
