package io.baton.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

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
}
