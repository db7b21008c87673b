package io.baton.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.pg.TableName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicsTest {
  private static final Pattern KAFKA_LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** Tables whose names collided before: kept verbatim versus rewritten, '.' versus '_', case, odd letters. */
  private static final List<TableName> TABLES = List.of(
      new TableName("public", "a_b"), new TableName("public_a", "b"), new TableName("public", "a.b"),
      new TableName("public", "a-b"), new TableName("public", "a b"), new TableName("public.a", "b"),
      new TableName("public", "A_b"), new TableName("Public", "a_b"), new TableName("public", "müşterı"),
      new TableName("public", "mus_ter-" + "0".repeat(16)), new TableName("public", "x'; DROP TABLE x; --"),
      new TableName("public", "\"); DROP TABLE x; --"), new TableName("s", "ı".repeat(31) + "t"),
      new TableName("s", "ş".repeat(63)), new TableName("s", "ş".repeat(62) + "x"),
      new TableName("s", "a".repeat(60)), new TableName("s", "a".repeat(61)), new TableName("s", "a".repeat(63)),
      new TableName("a_b", "c"), new TableName("a", "b_c"), new TableName("a-b", "c"), new TableName("a", "b-c"));

  @Test
  void shouldKeepPlainNamesAsTheyAre() {
    assertThat(Topics.source("shop", TableName.parse("public.pgbench_accounts"))).isEqualTo("baton.shop.source.public.pgbench_accounts");
    assertThat(Topics.target("shop", TableName.parse("sales.Orders2"))).isEqualTo("baton.shop.target.sales.Orders2");
  }

  @Test
  void shouldGiveEveryTableItsOwnTopicEvenWhenKafkaReadsDotsAsUnderscores() {
    Map<String, TableName> seen = new HashMap<>();
    for (TableName t : TABLES) {
      String topic = Topics.source("m_1", t);
      assertThat(topic).as("%s", t).matches(KAFKA_LEGAL);
      TableName before = seen.put(topic.replace('.', '_'), t);
      assertThat(before).as("%s and %s share topic %s", before, t, topic).isNull();
    }
  }

  @ParameterizedTest(name = "{0}.{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {"my_schema|orders|baton.m.source.my-schema-", "public|my-table|baton.m.source.public.my_table-",
      "public|x'; DROP TABLE x; --|baton.m.source.public.x___DROP_TABLE_x____-"})
  void shouldRewriteOtherNamesReadablyWithADigest(String schema, String table, String prefix) {
    String topic = Topics.source("m", new TableName(schema, table));
    assertThat(topic).startsWith(prefix).containsPattern("-[0-9a-f]{16}").matches(KAFKA_LEGAL);
    assertThat(Topics.source("m", new TableName(schema, table))).as("stable").isEqualTo(topic);
  }

  @Test
  void shouldStayWithinKafkasLengthForTheLongestNames() {
    String migration = "m".repeat(40);
    TableName longest = new TableName("ş".repeat(63), "ı".repeat(63));
    assertThat(Topics.target(migration, longest)).matches(KAFKA_LEGAL).hasSizeLessThanOrEqualTo(175);
    assertThat(Topics.target(migration, new TableName("s".repeat(60), "t".repeat(60)))).hasSize(175);
  }
}
