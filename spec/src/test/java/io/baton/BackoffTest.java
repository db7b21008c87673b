package io.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10));

  @Test
  void shouldDoubleEachRetryUpToTheMaximum() {
    assertThat(backoff.delayMillis(1)).isEqualTo(100);
    assertThat(backoff.delayMillis(2)).isEqualTo(200);
    assertThat(backoff.delayMillis(4)).isEqualTo(800);
    assertThat(backoff.delayMillis(5)).isEqualTo(1000);
    assertThat(backoff.delayMillis(500)).isEqualTo(1000);
  }

  @Test
  void shouldGiveUpOnlyAfterFailingForTheGiveUpTime() {
    assertThat(backoff.exhausted(9_999)).isFalse();
    assertThat(backoff.exhausted(10_000)).isTrue();
  }

  @Test
  void shouldRefuseAMaximumBelowTheFirstWait() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial <= max");
  }
}
