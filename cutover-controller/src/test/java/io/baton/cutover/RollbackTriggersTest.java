package io.baton.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.spec.RollbackSettings;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RollbackTriggersTest {
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final RollbackSettings settings = new RollbackSettings(true, 0.001, 10_000, 3, 5,
      new RollbackSettings.PrometheusTrigger("http://prometheus:9090", "errors", 5));
  private final RollbackTriggers triggers = new RollbackTriggers(settings, clock::get);

  private static RollbackTriggers.Observation calm() {
    return new RollbackTriggers.Observation(null, 200, 0, 1000, 0);
  }

  /** Checks once a second for the given seconds; returns the last answer. */
  private String checkFor(int seconds, RollbackTriggers.Observation o) {
    String fired = null;
    for (int i = 0; i <= seconds; i++) {
      fired = triggers.check(o);
      if (fired != null) {
        return fired;
      }
      clock.addAndGet(1000);
    }
    return fired;
  }

  @Test
  void shouldStayQuietWhileEverythingIsWithinItsLimits() {
    triggers.rearm(1000);
    assertThat(checkFor(60, calm())).isNull();
    assertThat(checkFor(60, new RollbackTriggers.Observation(null, 10_000, 0.001, 3000, 5))).isNull();
  }

  @Test
  void shouldFireAtOnceWhenReverseReplicationStopsOrRowsDiffer() {
    triggers.rearm(1000);
    assertThat(triggers.check(new RollbackTriggers.Observation("sink failed: disk full", 0, 0, 1000, 0)))
        .isEqualTo("reverse replication stopped: sink failed: disk full");
    assertThat(triggers.check(new RollbackTriggers.Observation(null, 0, 0.002, 1000, 0)))
        .contains("0.2000% of rows different").contains("rollback.maxMismatchRatio 0.1000%");
  }

  @Test
  void shouldFireOnLagOnlyWhenItHoldsForTheWholeDurationWithoutABreak() {
    triggers.rearm(1000);
    RollbackTriggers.Observation lagging = new RollbackTriggers.Observation(null, 10_001, 0, 1000, 0);
    assertThat(checkFor(4, lagging)).isNull();
    assertThat(triggers.check(calm())).isNull();
    assertThat(checkFor(4, lagging)).isNull();
    clock.addAndGet(1000);
    assertThat(triggers.check(lagging)).contains("reverse replication lagged 10,001 ms").contains("for 5 s");
  }

  @Test
  void shouldCompareLatencyWithTheBaselineTakenBeforeTheCutover() {
    triggers.rearm(1000);
    assertThat(checkFor(10, new RollbackTriggers.Observation(null, 0, 0, 2900, 0))).isNull();
    assertThat(checkFor(10, new RollbackTriggers.Observation(null, 0, 0, 3500, 0)))
        .contains("3.5 times as long").contains("3500 µs against 1000 µs");
    triggers.rearm(Double.NaN);
    assertThat(checkFor(10, new RollbackTriggers.Observation(null, 0, 0, 1_000_000, 0))).as("no baseline: off").isNull();
  }

  @Test
  void shouldFireOnThePrometheusValueAndNeverWhenNotAutomatic() {
    triggers.rearm(1000);
    assertThat(checkFor(10, new RollbackTriggers.Observation(null, 0, 0, 1000, 7))).contains("Prometheus query errors was 7.0");
    RollbackTriggers manual = new RollbackTriggers(new RollbackSettings(false, 0.001, 1, 3, 1, null), clock::get);
    manual.rearm(1);
    assertThat(manual.check(new RollbackTriggers.Observation("broken", 100, 1, 100, 100))).isNull();
  }

  @Test
  void shouldFireAtOnceWhenTheFinalVerificationFoundADifference() {
    triggers.rearm(1000);
    assertThat(triggers.check(new RollbackTriggers.Observation(null, 0, 0, 1000, 0,
        "at freeze LSN 0/16B3748: 1 of 4 tables differ: public.t (10 rows on the source, 9 on the target)")))
        .startsWith("the cutover's final verification found the target different").contains("public.t (10 rows");
    RollbackTriggers manual = new RollbackTriggers(new RollbackSettings(false, 0.001, 10_000, 3, 5, null), clock::get);
    assertThat(manual.check(new RollbackTriggers.Observation(null, 0, 0, 1000, 0, "differs"))).isNull();
  }
}
