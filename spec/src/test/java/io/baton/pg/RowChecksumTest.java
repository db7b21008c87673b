package io.baton.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RowChecksumTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "plain            | abc        | (abc,x)",
      "empty            | ''         | (\"\",x)",
      "comma            | a,b        | (\"a,b\",x)",
      "parenthesis      | f(x)       | (\"f(x)\",x)",
      "double quote     | say \"hi\" | (\"say \"\"hi\"\"\",x)",
      "backslash        | a\\b       | (\"a\\\\b\",x)",
      "space            | a b        | (\"a b\",x)",
      "non-ASCII        | ünï😀       | (ünï😀,x)",
  })
  void shouldPrintRecordsAsRecordOutDoes(String name, String value, String expected) {
    assertThat(RowChecksum.recordText(Arrays.asList(value, "x"))).isEqualTo(expected);
  }

  @Test
  void shouldPrintNullAsNothingAndQuoteOtherWhiteSpace() {
    assertThat(RowChecksum.recordText(Arrays.asList(null, "a\tb", "a\nb", null))).isEqualTo("(,\"a\tb\",\"a\nb\",)");
  }

  @Test
  void shouldMatchPostgresMd5PrefixAndSumWithoutOverflow() {
    // md5('(1)') = 7acce3193127d4b7..., whose first 64 bits are 8848697065214563511
    RowChecksum.Sum one = new RowChecksum.Sum();
    one.addRow(List.of("1"));
    long h = Long.parseLong(one.checksum());
    assertThat(h).isEqualTo(8848697065214563511L);
    RowChecksum.Sum many = new RowChecksum.Sum();
    for (int i = 0; i < 1000; i++) {
      many.addRow(List.of("1"));
    }
    assertThat(many.rows()).isEqualTo(1000);
    assertThat(many.checksum()).isEqualTo(java.math.BigInteger.valueOf(h).multiply(java.math.BigInteger.valueOf(1000)).toString());
  }

  @Test
  void shouldAddSumsInAnyOrder() {
    RowChecksum.Sum a = new RowChecksum.Sum();
    RowChecksum.Sum b = new RowChecksum.Sum();
    RowChecksum.Sum all = new RowChecksum.Sum();
    for (int i = 0; i < 50; i++) {
      List<String> row = Arrays.asList(Integer.toString(i), i % 3 == 0 ? null : "v" + i);
      (i % 2 == 0 ? a : b).addRow(row);
      all.addRow(row);
    }
    b.add(a);
    assertThat(b.checksum()).isEqualTo(all.checksum());
    assertThat(b.rows()).isEqualTo(50);
  }

  @Test
  void shouldWriteTheSqlOfTheSameRule() {
    assertThat(RowChecksum.sqlSummary(List.of("id", "Name")))
        .isEqualTo("count(*), coalesce(sum(('x' || left(md5(ROW(\"id\", \"Name\")::text), 16))::bit(64)::bigint::numeric), 0)");
  }
}
