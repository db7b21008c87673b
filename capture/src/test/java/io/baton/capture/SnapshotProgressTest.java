package io.baton.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.pg.TableName;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SnapshotProgressTest {
  @Test
  void shouldEstimateTimeLeftFromTheRateOfThisRun() {
    AtomicLong now = new AtomicLong();
    SnapshotProgress p = new SnapshotProgress(now::get);
    SnapshotProgress.Table a = p.add(TableName.parse("a"), 1_000_000, 10, 2, 200_000);
    assertThat(p.etaSeconds()).isEqualTo(-1);
    now.set(2_000_000_000L);
    a.read(200_000, 20_000_000);
    assertThat(p.rowsPerSecond()).isEqualTo(100_000);
    assertThat(p.etaSeconds()).as("600k rows left at 100k/s").isEqualTo(6);
    assertThat(p.line()).contains("200,000 rows", "100,000 rows/s", "ETA 6 s", "public.a 400,000/1,000,000 rows, chunks 2/10");
  }

  @Test
  void shouldEstimateByChunksWithoutARowEstimate() {
    AtomicLong now = new AtomicLong();
    SnapshotProgress p = new SnapshotProgress(now::get);
    SnapshotProgress.Table a = p.add(TableName.parse("a"), 0, 4, 0, 0);
    now.set(1_000_000_000L);
    a.read(1000, 1000);
    a.chunkDone();
    assertThat(p.etaSeconds()).as("3 more chunks like the first, at 1000 rows/s").isEqualTo(3);
    a.undo(1000, 1000);
    assertThat(p.rows()).isZero();
  }

  @Test
  void shouldGiveEachTableItsOwnRateAndTimeLeft() {
    AtomicLong now = new AtomicLong();
    SnapshotProgress p = new SnapshotProgress(now::get);
    SnapshotProgress.Table big = p.add(TableName.parse("big"), 1_000_000, 10, 0, 0);
    SnapshotProgress.Table small = p.add(TableName.parse("small"), 10_000, 1, 0, 0);
    assertThat(p.etaSeconds(big)).isEqualTo(-1);
    now.set(4_000_000_000L);
    big.read(400_000, 40_000_000);
    small.read(10_000, 1_000);
    small.chunkDone();
    assertThat(p.rowsPerSecond(big)).isEqualTo(100_000);
    assertThat(p.etaSeconds(big)).as("600k rows left at 100k/s").isEqualTo(6);
    assertThat(p.rowsPerSecond(small)).isEqualTo(2_500);
    assertThat(p.etaSeconds(small)).as("done").isZero();
    assertThat(p.rowsPerSecond()).isEqualTo(p.rowsPerSecond(big) + p.rowsPerSecond(small));
  }

  @Test
  void shouldDropFinishedTablesFromTheLine() {
    SnapshotProgress p = new SnapshotProgress(() -> 0);
    p.add(TableName.parse("done"), 10, 1, 1, 10);
    assertThat(p.line()).doesNotContain("public.done");
  }

  @Test
  void shouldDrawABarForATerminal() {
    AtomicLong now = new AtomicLong();
    SnapshotProgress p = new SnapshotProgress(now::get);
    SnapshotProgress.Table a = p.add(TableName.parse("a"), 1_000_000, 10, 2, 200_000);
    now.set(2_000_000_000L);
    a.read(300_000, 30_000_000);
    assertThat(p.bar(10)).isEqualTo("snapshot [#####-----]  50% 300,000 rows 150,000 rows/s ETA 4 s");
    for (int i = 0; i < 8; i++) {
      a.chunkDone();
    }
    assertThat(p.fractionDone()).as("every chunk done, whatever the estimate said").isEqualTo(1.0);
  }
}
