package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import io.baton.capture.DrainMarkers;
import io.baton.pg.Lsn;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressProbeTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final AtomicLong appliedChanges = new AtomicLong();
  private final List<DrainMarkers.Marker> written = new ArrayList<>();
  private final Set<String> applied = new HashSet<>();
  private final Set<String> forgotten = new HashSet<>();
  private boolean originDown;
  private final ProgressProbe probe = new ProgressProbe("m", this::emit, applied::contains, forgotten::add,
      appliedChanges::get, now::get);

  private DrainMarkers.Marker emit() {
    if (originDown) {
      throw new BatonException("origin down", null, true);
    }
    DrainMarkers.Marker m = new DrainMarkers.Marker("marker-" + written.size(), new Lsn(0x1000L + written.size()));
    written.add(m);
    return m;
  }

  @Test
  void shouldWriteAMarkerEveryIntervalWhileTheLastOneIsApplied() {
    probe.check();
    assertThat(written).hasSize(1);
    now.addAndGet(1_000);
    probe.check();
    assertThat(written).as("one outstanding at a time").hasSize(1);
    applied.add("marker-0");
    now.addAndGet(ProgressProbe.INTERVAL_MS);
    probe.check();
    assertThat(written).hasSize(2);
    assertThat(forgotten).containsExactly("marker-0");
    assertThat(probe.waitingMs()).isZero();
  }

  @Test
  void shouldReportHowLongTheOutstandingMarkerHasWaited() {
    probe.check();
    now.addAndGet(7_500);
    assertThat(probe.waitingMs()).isEqualTo(7_500);
    applied.add("marker-0");
    assertThat(probe.waitingMs()).as("applied since").isZero();
  }

  @Test
  void shouldCallAPipelineStalledWhenNeitherTheMarkerNorAnyChangeIsApplied() {
    probe.check();
    now.addAndGet(ProgressProbe.STALL_MS);
    probe.check();
    now.addAndGet(1_000);
    assertThatThrownBy(probe::check).isInstanceOf(BatonException.class)
        .hasMessageContaining("pipeline m stalled").hasMessageContaining("LSN 0/1000").hasMessageContaining("121 s")
        .satisfies(e -> assertThat(((BatonException) e).isRetriable()).isTrue());
  }

  @Test
  void shouldNotCallABacklogThatIsBeingAppliedAStall() {
    probe.check();
    for (int i = 0; i < 10; i++) {
      now.addAndGet(ProgressProbe.STALL_MS / 4);
      appliedChanges.addAndGet(500);
      probe.check();
    }
    assertThat(probe.waitingMs()).as("the marker still waits behind the backlog").isEqualTo(10 * ProgressProbe.STALL_MS / 4);
  }

  @Test
  void shouldTryAgainWhenTheMarkerCannotBeWritten() {
    originDown = true;
    probe.check();
    now.addAndGet(ProgressProbe.STALL_MS * 2);
    probe.check();
    assertThat(written).isEmpty();
    originDown = false;
    now.addAndGet(ProgressProbe.INTERVAL_MS);
    probe.check();
    assertThat(written).hasSize(1);
  }
}
