package io.baton.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LsnTest {
  @Test
  void shouldParseAndFormatLikePostgres() {
    Lsn lsn = Lsn.parse("16/B374D848");
    assertThat(lsn.value()).isEqualTo(0x16B374D848L);
    assertThat(lsn).hasToString("16/B374D848");
    assertThat(Lsn.parse("0/0")).isEqualTo(Lsn.ZERO);
  }

  @Test
  void shouldOrderUnsigned() {
    assertThat(Lsn.parse("FFFFFFFF/0")).isGreaterThan(Lsn.parse("1/0"));
    assertThat(Lsn.parse("0/20").bytesSince(Lsn.parse("0/10"))).isEqualTo(16);
  }

  @Test
  void shouldRejectGarbageNamingIt() {
    assertThatThrownBy(() -> Lsn.parse("12345")).hasMessageContaining("not an LSN: '12345'");
    assertThatThrownBy(() -> Lsn.parse("0/xyz")).hasMessageContaining("not an LSN");
  }
}
