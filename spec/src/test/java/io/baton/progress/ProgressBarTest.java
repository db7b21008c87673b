package io.baton.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void shouldDrawTheBarWithRowsRateAndTimeLeft() {
    assertThat(ProgressBar.render("snapshot", 0.5, 10, 1234, 456, 3))
        .isEqualTo("snapshot [#####-----]  50% 1,234 rows 456 rows/s ETA 3 s");
    assertThat(ProgressBar.render("final verification", 1, 4, 2_000_000, 1_000_000, 0))
        .isEqualTo("final verification [####] 100% 2,000,000 rows 1,000,000 rows/s ETA 0 s");
  }

  @Test
  void shouldShowAnUnknownTimeLeftAsAQuestionMarkAndClampTheFraction() {
    assertThat(ProgressBar.render("reconcile", 0, 5, 0, 0, -1)).isEqualTo("reconcile [-----]   0% 0 rows 0 rows/s ETA ?");
    assertThat(ProgressBar.render("reconcile", 1.7, 5, 1, 1, 0)).startsWith("reconcile [#####] 100%");
    assertThat(ProgressBar.render("reconcile", -0.2, 5, 1, 1, 0)).startsWith("reconcile [-----]   0%");
    assertThat(ProgressBar.render("reconcile", Double.NaN, 5, 1, 1, 0)).startsWith("reconcile [-----]   0%");
  }

  @Test
  void shouldSayTheTimeLeftInLogLines() {
    assertThat(ProgressBar.eta(12)).isEqualTo("12 s");
    assertThat(ProgressBar.eta(-1)).isEqualTo("unknown");
  }

  @Test
  void shouldRefuseABarWithoutWidth() {
    assertThatThrownBy(() -> ProgressBar.render("x", 0.5, 0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("width of at least 1, not 0");
  }
}
