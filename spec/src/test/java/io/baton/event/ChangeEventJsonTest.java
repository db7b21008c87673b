package io.baton.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeEventJsonTest {
  @Test
  void shouldCarryEveryFieldAndValueThroughJsonInColumnOrder() {
    Map<String, String> after = new LinkedHashMap<>();
    after.put("z_last_in_name", "first");
    after.put("text", "emoji \uD83D\uDE00, \u05E9\u05DC\u05D5\u05DD, e\u0301, \"quoted\" \\ back\nline\ttab");
    after.put("empty", "");
    after.put("nothing", null);
    after.put("a", "1");
    ChangeEvent e = new ChangeEvent(ChangeEvent.Op.UPDATE, new TableName("My Schema", "tab.le\""), Rows.of("a", "1"),
        Rows.of("a", "0"), after, Lsn.parse("1/A0"), 1732200000123L, Lsn.parse("1/9F"), 4_000_000_000L);

    ChangeEvent back = ChangeEventJson.parse(ChangeEventJson.value(e));

    assertThat(back).isEqualTo(e);
    assertThat(back.after().keySet()).containsExactly("z_last_in_name", "text", "empty", "nothing", "a");
    assertThat(back.after()).containsEntry("empty", "").containsEntry("nothing", null);
  }

  @Test
  void shouldWriteNullRowsAndKeysAsJsonNull() {
    ChangeEvent truncate = new ChangeEvent(ChangeEvent.Op.TRUNCATE, TableName.parse("t"), null, null, null, Lsn.parse("0/1"), 0);

    ChangeEvent back = ChangeEventJson.parse(ChangeEventJson.value(truncate));

    assertThat(back.key()).isNull();
    assertThat(back.before()).isNull();
    assertThat(back.after()).isNull();
    assertThat(back.lastCommitLsn()).isNull();
    assertThat(ChangeEventJson.key(null)).isNull();
    assertThat(new String(ChangeEventJson.key(Rows.of("id", "7", "region", "eu")), StandardCharsets.UTF_8))
        .isEqualTo("{\"id\":\"7\",\"region\":\"eu\"}");
  }

  @Test
  void shouldIgnoreFieldsItDoesNotKnowAndRefuseWhatIsNotAnEvent() {
    byte[] withExtra = ("{\"op\":\"c\",\"future\":{\"x\":[1,2]},\"schema\":\"public\",\"name\":\"t\",\"lsn\":\"0/10\","
        + "\"ts\":5,\"key\":null,\"before\":null,\"after\":{\"a\":\"1\"}}").getBytes(StandardCharsets.UTF_8);
    assertThat(ChangeEventJson.parse(withExtra).after()).isEqualTo(Rows.of("a", "1"));

    assertThatThrownBy(() -> ChangeEventJson.parse("{\"op\":\"c\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(BatonException.class).hasMessageContaining("not a Baton change event: {\"op\":\"c\"}");
    assertThatThrownBy(() -> ChangeEventJson.parse("[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(BatonException.class);
    assertThatThrownBy(() -> ChangeEventJson.parse(("{\"op\":\"c\",\"schema\":\"s\",\"name\":\"t\",\"lsn\":\"0/1\","
        + "\"after\":[\"a\"]}").getBytes(StandardCharsets.UTF_8))).isInstanceOf(BatonException.class);
  }
}
