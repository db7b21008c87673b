package io.baton.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.baton.cli.plan.PreflightPlan.CopySample;
import io.baton.cli.plan.PreflightPlan.Forecast;
import io.baton.pg.Lsn;
import io.baton.spec.SnapshotSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class EstimatesTest {
  private static final long MIB = 1024L * 1024;

  @Test
  void shouldDeriveDiskDurationAndWalFromTheMeasurements() {
    PlanFixtures.Table a = new PlanFixtures.Table("public.a");
    a.heap = 640 * MIB;
    a.toast = 60 * MIB;
    a.indexes = 100 * MIB;
    PlanFixtures.Table b = new PlanFixtures.Table("public.b");
    b.heap = 1 * MIB;
    b.indexes = 0;
    CopySample sample = new CopySample("public.a", 1000, 16 * MIB, 0.5, false); // 32 MiB/s
    Forecast f = Estimates.forecast(List.of(a.build(), b.build()), new SnapshotSettings(4, 64), 5, 2.0 * MIB, sample);
    assertThat(f.totalBytes()).isEqualTo(801 * MIB);
    assertThat(f.targetDiskBytes()).isEqualTo((long) Math.ceil(801 * MIB * 1.2));
    assertThat(f.targetFreeBytes()).isNull();
    assertThat(f.chunks()).as("ten chunks of 64 MiB, and one for the small table").isEqualTo(11);
    assertThat(f.copySeconds()).isCloseTo((641.0 + 60) / 32, within(1e-9));
    assertThat(f.parallelCopySeconds()).isCloseTo(f.copySeconds() / 4, within(1e-9));
    assertThat(f.walDuringCopyBytes()).isEqualTo(Math.round(2.0 * MIB * f.copySeconds()));
  }

  @Test
  void shouldLeaveWhatWasNotMeasuredNull() {
    PlanFixtures.Table a = new PlanFixtures.Table("public.a");
    Forecast f = Estimates.forecast(List.of(a.build()), new SnapshotSettings(8, 64), 0, null, null);
    assertThat(f.copySeconds()).isNull();
    assertThat(f.parallelCopySeconds()).isNull();
    assertThat(f.walDuringCopyBytes()).isNull();
    assertThat(f.walBytesPerSecond()).isNull();
    assertThat(f.chunks()).isEqualTo(1);
    Forecast empty = Estimates.forecast(List.of(a.build()), SnapshotSettings.DEFAULTS, 5, 10.0,
        new CopySample("public.a", 0, 0, 0.01, true));
    assertThat(empty.copySeconds()).as("an empty sample gives no rate").isNull();
  }

  @Test
  void shouldSizeTheSampleAtAbout16MiB() {
    PlanFixtures.Table small = new PlanFixtures.Table("public.small");
    small.heap = 16 * MIB;
    assertThat(Estimates.sampleRows(small.build())).as("whole table").isEqualTo(-1);
    PlanFixtures.Table big = new PlanFixtures.Table("public.big");
    big.heap = 1024 * MIB;
    big.rows = 10_000_000; // about 107 bytes a row
    assertThat(Estimates.sampleRows(big.build())).isEqualTo((long) Math.ceil(16.0 * MIB / (1024.0 * MIB / 10_000_000)));
    big.rows = -1;
    assertThat(Estimates.sampleRows(big.build())).isEqualTo(16 * MIB / Estimates.UNKNOWN_ROW_BYTES + 1);
  }

  @Test
  void shouldPickTheLargestReadableTable() {
    PlanFixtures.Table a = new PlanFixtures.Table("public.a");
    a.heap = 10 * MIB;
    PlanFixtures.Table b = new PlanFixtures.Table("public.b");
    b.heap = 20 * MIB;
    b.select = false;
    assertThat(Estimates.sampleTable(List.of(a.build(), b.build())).source().toString()).isEqualTo("public.a");
    b.select = true;
    assertThat(Estimates.sampleTable(List.of(a.build(), b.build())).source().toString()).isEqualTo("public.b");
    assertThat(Estimates.sampleTable(List.of())).isNull();
  }

  @Test
  void shouldMeasureTheWalRateBetweenTwoReadings() {
    Estimates.WalPoint first = new Estimates.WalPoint(Lsn.parse("0/1000000"), 0);
    Estimates.WalPoint second = new Estimates.WalPoint(Lsn.parse("0/1A00000"), 5_000_000_000L);
    assertThat(Estimates.walRate(first, second)).isCloseTo(10.0 * MIB / 5, within(1e-6));
    assertThat(Estimates.walRate(first, first)).isZero();
  }
}
