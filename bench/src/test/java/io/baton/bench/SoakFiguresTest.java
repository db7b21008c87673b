package io.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoakFiguresTest {
  private static LagProbe.Sample sample(long atMs, boolean reverse, double lag) {
    return new LagProbe.Sample(atMs, reverse, lag, 100);
  }

  @Test
  void shouldCountAFaultRecoveredOnceAChangeCommittedAfterItIsApplied() {
    List<LagProbe.Sample> samples = List.of(
        sample(10_000, false, 0.2),
        sample(11_000, false, 3.0),   // newest change committed at 8,000: before the fault was over
        sample(12_000, false, Double.NaN),
        sample(13_000, true, 0.5),    // the other direction: does not count
        sample(14_000, false, 1.5));  // committed at 12,500, after 12,000

    assertThat(SoakFigures.recoveredAt(samples, 12_000, false)).isEqualTo(14_000);
    assertThat(SoakFigures.recoveredAt(samples, 12_000, true)).isEqualTo(13_000);
    assertThat(SoakFigures.recoveredAt(samples, 14_001, false)).isEqualTo(-1);
  }

  @Test
  void shouldEndAWindowAGraceAfterRecoveryOrWhereTheWaitGaveUp() {
    assertThat(SoakFigures.windowEnd(20_000, 25_000)).isEqualTo(20_000 + SoakFigures.GRACE_MS);
    assertThat(SoakFigures.windowEnd(-1, 25_000)).isEqualTo(25_000);
  }

  @Test
  void shouldWriteEachSampleAsACsvLineWithTheFaultWhoseWindowCoversIt() {
    SoakFigures.Fault cutover = new SoakFigures.Fault(SoakSchedule.Kind.CUTOVER, 11_000, 12_000, true, true, "",
        12_500, 17_500);
    List<LagProbe.Sample> samples = List.of(
        sample(10_000, false, 0.25),
        sample(12_000, false, Double.NaN),
        sample(13_500, true, 1.2345));

    assertThat(SoakFigures.csv(samples, List.of(cutover), 9_500).lines()).containsExactly(
        "seconds,direction,lag_seconds,slot_lag_bytes,fault",
        "0.500,forward,0.25,100,",
        "2.500,forward,,100,cutover",
        "4.000,reverse,1.235,100,cutover");
  }

  @Test
  void shouldTakeLagPercentilesOutsideFaultWindowsOnly() {
    List<LagProbe.Sample> samples = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      samples.add(sample(i * 1000L, false, 0.1 + i / 1000.0));
    }
    samples.add(sample(150_000, false, 30.0));   // inside the window
    samples.add(sample(151_000, false, Double.NaN));
    SoakFigures.Fault fault = new SoakFigures.Fault(SoakSchedule.Kind.BROKER_KILL, 145_000, 150_000, false, true, "",
        152_000, 157_000);

    Map<String, Object> f = SoakFigures.lag(samples, List.of(fault));

    assertThat(f.get("lag_p99_seconds")).isEqualTo(0.198);
    assertThat(f.get("lag_p50_seconds")).isEqualTo(0.149);
    assertThat(f.get("lag_max_seconds")).isEqualTo(30.0);
    assertThat(f.get("lag_max_outside_windows_seconds")).isEqualTo(0.199);
    assertThat(f.get("lag_samples_outside_windows")).isEqualTo(100);
    assertThat(f.get("lag_samples_unreadable")).isEqualTo(1);
    assertThat(fault.survived()).isTrue();
    assertThat(fault.recoveredAfterMs()).isEqualTo(2_000);
  }
}
