package io.baton.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowDiffTest {
  @Test
  void shouldOrderKeysByTheirUtf8BytesAsPostgresCollateCDoes() {
    // Java's own order compares UTF-16 units and puts the emoji (a surrogate pair) first
    assertThat("\uD83D\uDE00".compareTo("\uFFFD")).isNegative();
    assertThat(RowDiff.compareUtf8("\uD83D\uDE00", "\uFFFD")).isPositive();
    assertThat(RowDiff.compareUtf8("(1001)", "(3)")).isNegative();
    assertThat(RowDiff.compareUtf8("(a)", "(a)")).isZero();
    assertThat(RowDiff.compareUtf8("(B)", "(a)")).as("upper case first, unlike most locales").isNegative();
  }

  @Test
  void shouldSayWhatDiffersInOneLine() {
    RowDifference d = new RowDifference(RowDifference.Kind.DIFFERING, Map.of("id", "7"),
        List.of(new RowDifference.ColumnDifference("note", null, "")));
    assertThat(d).hasToString("differing: key {id=7} [note NULL on the source, '' on the target]");
    assertThat(new RowDifference(RowDifference.Kind.MISSING_IN_TARGET, Map.of("id", "3"), List.of()))
        .hasToString("missing in target: key {id=3}");
  }

  @Test
  void shouldCutLongValuesAroundTheirFirstDifference() {
    String a = "a".repeat(5000) + "XYZ" + "b".repeat(1000);
    String b = "a".repeat(5000) + "xyz" + "b".repeat(1000);
    int from = RowDiff.firstDifference(a, b);
    assertThat(from).isEqualTo(5000);
    assertThat(RowDiff.cut(a, from)).startsWith("(from character 4981) ...aaaaaaaaaaaaaaaaaaaaXYZbbb").endsWith("... (6003 characters)");
    assertThat(RowDiff.cut("short", 0)).isEqualTo("short");
    assertThat(RowDiff.cut(null, 0)).isNull();
    assertThat(RowDiff.firstDifference(null, "x")).isZero();
  }
}
