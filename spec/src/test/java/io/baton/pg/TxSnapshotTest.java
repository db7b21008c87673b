package io.baton.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import org.junit.jupiter.api.Test;

class TxSnapshotTest {
  @Test
  void shouldSeeCommittedBeforeXminAndNotInProgressOrLater() {
    TxSnapshot s = TxSnapshot.parse("100:105:101,103");
    assertThat(s.sees(99)).isTrue();
    assertThat(s.sees(100)).as("xmin itself is below xmax and not listed").isTrue();
    assertThat(s.sees(101)).isFalse();
    assertThat(s.sees(102)).isTrue();
    assertThat(s.sees(103)).isFalse();
    assertThat(s.sees(104)).isTrue();
    assertThat(s.sees(105)).isFalse();
    assertThat(s.sees(1000)).isFalse();
  }

  @Test
  void shouldCompareThirtyTwoBitIdsAcrossAnEpochBoundary() {
    long epoch = 1L << 32;
    TxSnapshot s = TxSnapshot.parse((epoch + 10) + ":" + (epoch + 20) + ":");
    assertThat(s.sees(5)).isTrue();
    assertThat(s.sees(15)).isTrue();
    assertThat(s.sees(25)).isFalse();
    assertThat(s.sees(0xFFFF_FFF0L)).as("just before the wrap, in the previous epoch").isTrue();
  }

  @Test
  void shouldRoundTripItsText() {
    assertThat(TxSnapshot.parse("7:9:8").toString()).isEqualTo("7:9:8");
    assertThat(TxSnapshot.parse("7:7:")).isEqualTo(TxSnapshot.parse("7:7:"));
  }

  @Test
  void shouldRejectOtherText() {
    assertThatThrownBy(() -> TxSnapshot.parse("7:9")).isInstanceOf(BatonException.class).hasMessageContaining("'7:9'");
  }
}
