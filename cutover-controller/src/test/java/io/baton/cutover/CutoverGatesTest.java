package io.baton.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.spec.CutoverWindow;
import io.baton.spec.GateSettings;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CutoverGatesTest {
  private static final long T0 = Instant.parse("2026-11-22T01:30:00Z").toEpochMilli();
  private final AtomicLong clock = new AtomicLong(T0);
  private final GateSettings settings = new GateSettings(1000, 500, 10, true, 0.001, 0, 2, null);
  private final CutoverGates gates = new CutoverGates(settings, 5000, clock::get);

  private static GateObservation healthy() {
    return new GateObservation(true, T0 - 5000, 0, 0, List.of(), null, null, 300);
  }

  private GateResult gate(GateReport r, String name) {
    return r.gates().stream().filter(g -> g.gate().equals(name)).findFirst().orElseThrow();
  }

  /** Samples once a second for the given seconds, with the same lags. */
  private void sampleFor(int seconds, long lagBytes, long lagMs, long sinkFailures) {
    for (int i = 0; i < seconds; i++) {
      gates.sample(lagBytes, lagMs, sinkFailures);
      clock.addAndGet(1000);
    }
  }

  @Test
  void shouldPassOnlyOnceTheLagHeldUnderItsLimitsForTheHoldingPeriod() {
    assertThat(gate(gates.evaluate(healthy()), "lag").observed()).isEqualTo("not measured yet");
    sampleFor(5, 100, 50, 0);
    GateReport early = gates.evaluate(healthy());
    assertThat(gate(early, "lag").passed()).isFalse();
    assertThat(gate(early, "lag").observed()).contains("under the limits for 5.0 s");
    assertThat(early.passed()).isFalse();
    sampleFor(6, 100, 50, 0);
    GateReport later = gates.evaluate(healthy());
    assertThat(later.failing()).isEmpty();
    assertThat(later.passed()).isTrue();
  }

  @Test
  void shouldStartTheHoldingPeriodAgainWhenEitherLagGoesOver() {
    sampleFor(20, 100, 50, 0);
    gates.sample(100, 501, 0);
    assertThat(gate(gates.evaluate(healthy()), "lag").observed()).contains("over the limit");
    sampleFor(3, 1001, 50, 0);
    sampleFor(9, 1000, 500, 0);
    assertThat(gate(gates.evaluate(healthy()), "lag").passed()).isFalse();
    sampleFor(2, 1000, 500, 0);
    assertThat(gate(gates.evaluate(healthy()), "lag").passed()).isTrue();
  }

  @Test
  void shouldTreatAnUnreadableSlotAsOverTheLimit() {
    sampleFor(20, -1, 0, 0);
    assertThat(gate(gates.evaluate(healthy()), "lag").passed()).isFalse();
  }

  @Test
  void shouldCountSinkFailuresOverTheLastMinuteOnly() {
    sampleFor(30, 0, 0, 0);
    sampleFor(1, 0, 0, 3);
    GateResult errors = gate(gates.evaluate(healthy()), "sink_errors");
    assertThat(errors.passed()).isFalse();
    assertThat(errors.observed()).startsWith("3 failed apply attempts");
    sampleFor(58, 0, 0, 3);
    assertThat(gate(gates.evaluate(healthy()), "sink_errors").passed()).isFalse();
    sampleFor(3, 0, 0, 3);
    assertThat(gate(gates.evaluate(healthy()), "sink_errors").observed()).startsWith("0 failed");
  }

  @Test
  void shouldRequireACleanPassWithinTheMismatchRatio() {
    sampleFor(11, 0, 0, 0);
    assertThat(gate(gates.evaluate(new GateObservation(false, T0, 0, 0, List.of(), null, null, 300)), "verification").observed())
        .contains("verify.continuous: false");
    assertThat(gate(gates.evaluate(new GateObservation(true, 0, 0, 0, List.of(), null, null, 300)), "verification").passed()).isFalse();
    assertThat(gate(gates.evaluate(new GateObservation(true, T0, 0.002, 0, List.of(), null, null, 300)), "verification").passed())
        .isFalse();
    assertThat(gate(gates.evaluate(new GateObservation(true, T0, 0.001, 0, List.of(), null, null, 300)), "verification").passed())
        .isTrue();
    CutoverGates lenient = new CutoverGates(new GateSettings(1000, 500, 0, false, 0, 0, 0, null), 5000, clock::get);
    assertThat(gate(lenient.evaluate(new GateObservation(false, 0, 0.5, 0, List.of(), null, null, 300)), "verification").passed())
        .isTrue();
  }

  @Test
  void shouldHoldForQuarantineReverseRouterAndAPredictedPausePastTheDeadline() {
    sampleFor(11, 0, 0, 0);
    GateReport r = gates.evaluate(new GateObservation(true, T0, 0, 1, List.of("wal_level is replica on the target"),
        "PgBouncer does not answer", "wal_status unreserved", 5001));
    assertThat(r.failing()).extracting(GateResult::gate).containsExactly("slot", "quarantine", "reverse", "router",
        "write_pause");
    assertThat(r.toText()).contains("WAIT  reverse      wal_level is replica on the target")
        .contains("5 gate(s) hold the cutover");
    assertThat(gate(gates.evaluate(new GateObservation(true, T0, 0, 0, List.of(), null, null, -1)), "write_pause").passed()).isFalse();
  }

  @Test
  void shouldOpenOnlyInsideTheWindowIncludingOneThatRunsPastMidnight() {
    ZoneId utc = ZoneId.of("UTC");
    GateSettings night = new GateSettings(1000, 500, 0, false, 0, 0, 0,
        new CutoverWindow(LocalTime.of(22, 0), LocalTime.of(2, 0), utc));
    CutoverGates g = new CutoverGates(night, 5000, clock::get);
    g.sample(0, 0, 0);
    assertThat(gate(g.evaluate(healthy()), "window").passed()).isTrue();
    clock.set(Instant.parse("2026-11-22T02:00:00Z").toEpochMilli());
    GateResult closed = gate(g.evaluate(healthy()), "window");
    assertThat(closed.passed()).isFalse();
    assertThat(closed.observed()).isEqualTo("now is 02:00");
    assertThat(closed.required()).startsWith("22:00 to 02:00 UTC");
    clock.set(Instant.parse("2026-11-22T22:00:00Z").toEpochMilli());
    assertThat(gate(g.evaluate(healthy()), "window").passed()).isTrue();
  }
}
