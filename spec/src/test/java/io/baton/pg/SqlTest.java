package io.baton.pg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlTest {
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"date", "numeric(12,2)", "numeric ( 12 , 2 )", "double precision", "varchar(40)",
      "character varying(40)", "timestamp(3) with time zone", "interval day to second(3)", "text[]", "int[3][]",
      "pg_catalog.int4", "\"My Schema\".\"Mood\"[]", "\"a\"\"b; DROP TABLE x; --\"", "müşterı_tipi", "bit varying(5)"})
  void shouldAcceptTypeNames(String type) {
    assertThat(Sql.isTypeName(type)).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"text); DROP TABLE x; --", "text; DROP TABLE x", "text -- comment", "text /* c */",
      "numeric(12,2) DEFAULT 'x'", "\"unterminated", "int[1; DROP]", "$$x$$", "", "  ", "text)", "varchar('1')"})
  void shouldRefuseAnythingElse(String type) {
    assertThat(Sql.isTypeName(type)).isFalse();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"plain", "Mixed Case", "a\"b.c", "'; DROP TABLE x; --", "\"); DROP TABLE x; --", "$$", "c\\d"})
  void shouldQuoteIdentifiersSoThatTheyReadBackVerbatim(String name) {
    String quoted = Sql.ident(name);
    assertThat(quoted).startsWith("\"").endsWith("\"");
    assertThat(quoted.substring(1, quoted.length() - 1).replace("\"\"", "\"")).isEqualTo(name);
    assertThat(quoted.substring(1, quoted.length() - 1).replace("\"\"", "")).doesNotContain("\"");
  }
}
