package io.baton.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TableNameTest {
  @Test
  void shouldDefaultToPublicAndQuoteBothParts() {
    assertThat(TableName.parse("orders").quoted()).isEqualTo("\"public\".\"orders\"");
  }

  @Test
  void shouldParseQuotedPartsWithDotsAndQuotes() {
    TableName t = TableName.parse("\"my.schema\".\"Ta\"\"ble\"");
    assertThat(t.schema()).isEqualTo("my.schema");
    assertThat(t.name()).isEqualTo("Ta\"ble");
    assertThat(t.quoted()).isEqualTo("\"my.schema\".\"Ta\"\"ble\"");
  }

  @Test
  void shouldRejectThreeParts() {
    assertThatThrownBy(() -> TableName.parse("a.b.c")).hasMessageContaining("not a table name: 'a.b.c'");
  }

  @Test
  void shouldPrintPlainNamesAsTheyAreAndQuoteOnlyPartsThatNeedIt() {
    assertThat(new TableName("public", "Mixed Case ı").toString()).isEqualTo("public.Mixed Case ı");
    assertThat(new TableName("Sales \"Q1\".EU", "order").toString()).isEqualTo("\"Sales \"\"Q1\"\".EU\".order");
  }

  @ParameterizedTest(name = "{0}.{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {"a.b|c", "a|b.c", "\"|\"\"", "x\"y|z", "'; DROP TABLE x; --|$$", "ş ı|order"})
  void shouldReadItsOwnTextFormBack(String schema, String name) {
    TableName t = new TableName(schema, name);
    assertThat(TableName.parse(t.toString())).isEqualTo(t);
    assertThat(TableName.parse(t.quoted())).isEqualTo(t);
  }
}
