package io.baton.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CopyTextTest {
  @ParameterizedTest(name = "round trip of [{0}]")
  @ValueSource(strings = {"", "plain", "tab\there", "new\nline", "back\\slash", "cr\rlf", "\\N", "ünïcødé ı 😀", "a\\tb"})
  void shouldRoundTripAnyText(String value) {
    List<String> row = Arrays.asList(value, null, "x");
    assertThat(CopyText.decode(CopyText.encode(row), 3)).containsExactly(value, null, "x");
  }

  @Test
  void shouldDecodeServerEscapes() {
    byte[] line = "a\\x41\\101\\b\\f\\v\t\\N\n".getBytes(StandardCharsets.UTF_8);
    assertThat(CopyText.decode(line, 2)).containsExactly("aAA\b\f\u000B", null);
  }

  @Test
  void shouldDistinguishNullFromEmpty() {
    assertThat(CopyText.decode("\t\\N\n".getBytes(StandardCharsets.UTF_8), 2)).containsExactly("", null);
  }

  @Test
  void shouldRejectWrongColumnCount() {
    assertThatThrownBy(() -> CopyText.decode("a\tb\n".getBytes(StandardCharsets.UTF_8), 3))
        .hasMessageContaining("2 columns, expected 3");
  }

  @Test
  void shouldRefuseInvalidUtf8RatherThanReplaceIt() {
    // 7, a Latin-1 e acute (0xE9: no UTF-8), and an escaped 0xFF byte
    byte[] row = {'7', '\t', 'c', 'a', 'f', (byte) 0xE9, '\t', '\\', 'x', 'f', 'f', '\n'};
    assertThatThrownBy(() -> CopyText.decode(row, 3)).isInstanceOfSatisfying(CopyText.InvalidUtf8.class, e -> {
      assertThat(e.column()).isEqualTo(1);
      assertThat(e.values()).containsExactly("7", null, null);
      assertThat(e).hasMessageContaining("field 2").hasMessageContaining("not valid UTF-8");
    });
  }

  @Test
  void shouldKeepEveryUnicodeCharacterIncludingAGenuineReplacementCharacter() {
    String text = "👩‍👩‍👧 e\u0301 שלום \u202E \uFEFF \uFFFD 𝄞";
    assertThat(CopyText.decode(CopyText.encode(List.of(text)), 1)).containsExactly(text);
  }
}
