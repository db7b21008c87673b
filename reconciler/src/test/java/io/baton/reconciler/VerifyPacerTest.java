package io.baton.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifyPacerTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AtomicLong lag = new AtomicLong();
  private final List<Long> sleeps = new ArrayList<>();

  private VerifyPacer pacer(long rowsPerSecond, long backOffLagMs) {
    return new VerifyPacer(rowsPerSecond, backOffLagMs, lag::get, now::get, ms -> {
      sleeps.add(ms);
      now.addAndGet(ms * 1_000_000);
      lag.set(Math.max(0, lag.get() - ms * 2));
    });
  }

  @Test
  void shouldKeepTheAverageRateAtTheLimit() throws InterruptedException {
    VerifyPacer p = pacer(1000, 0);
    p.chunkDone(500);
    assertThat(sleeps).containsExactly(500L);
    now.addAndGet(800_000_000L); // the next chunk took 800 ms for 1,000 rows: 200 ms ahead
    p.chunkDone(1000);
    assertThat(sleeps).containsExactly(500L, 200L);
    now.addAndGet(3_000_000_000L); // slower than the limit: no wait
    p.chunkDone(1000);
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void shouldNotWaitWithoutALimit() throws InterruptedException {
    pacer(0, 0).chunkDone(1_000_000);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void shouldBackOffWhileTheApplyLags() throws InterruptedException {
    VerifyPacer p = pacer(0, 1000);
    lag.set(2500);
    p.chunkDone(10);
    assertThat(sleeps).as("steps of 500 ms until the lag is down to 1,000 ms").containsExactly(500L, 500L);
    assertThat(p.backingOff()).isFalse();
    lag.set(900);
    p.chunkDone(10);
    assertThat(sleeps).hasSize(2);
  }
}
