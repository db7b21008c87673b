package io.baton.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyLineTest {
  private static final List<String> VALUES = Arrays.asList("1", null, "", "tab\there, (comma)", "back\\slash \"q\"",
      "ünï😀", "line\nbreak\r", "\\N", "x\u000By\fz\b");

  @Test
  void shouldSelectAndReorderFieldsWithoutDecodingThem() {
    CopyLine line = new CopyLine(VALUES.size());
    line.parse(CopyText.encode(VALUES));
    CopyLine.Bytes out = new CopyLine.Bytes(8);
    line.writeFields(new int[] {6, 0, 1, 3}, out);
    byte[] row = Arrays.copyOf(out.array(), out.size());
    assertThat(CopyText.decode(row, 4)).containsExactly(VALUES.get(6), "1", null, VALUES.get(3));
  }

  @Test
  void shouldHashFieldsExactlyAsTheDecodedValues() {
    CopyLine line = new CopyLine(VALUES.size());
    line.parse(CopyText.encode(VALUES));
    int[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    RowChecksum.Sum fromFields = new RowChecksum.Sum();
    fromFields.addCopyRow(line, all);
    RowChecksum.Sum fromValues = new RowChecksum.Sum();
    fromValues.addRow(VALUES);
    assertThat(fromFields.checksum()).isEqualTo(fromValues.checksum());
  }

  @Test
  void shouldHashOctalAndHexEscapesAsTheirBytes() {
    CopyLine line = new CopyLine(2);
    line.parse("a\\101\\x42\t\\N\n".getBytes(StandardCharsets.UTF_8));
    assertThat(line.isNull(1)).isTrue();
    RowChecksum.Sum fromFields = new RowChecksum.Sum();
    fromFields.addCopyRow(line, new int[] {0, 1});
    RowChecksum.Sum fromValues = new RowChecksum.Sum();
    fromValues.addRow(Arrays.asList("aAB", null));
    assertThat(fromFields.checksum()).isEqualTo(fromValues.checksum());
  }

  @Test
  void shouldRefuseARowWithOtherColumnCounts() {
    CopyLine line = new CopyLine(3);
    assertThatThrownBy(() -> line.parse("a\tb\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(BatonException.class).hasMessageContaining("COPY row has 2 columns, expected 3");
    assertThatThrownBy(() -> line.parse("a\tb\tc\td".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(BatonException.class).hasMessageContaining("more than 3 columns");
  }
}
