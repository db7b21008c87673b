package io.baton.reconciler;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paces the live verifier between chunks: no more than {@code rowsPerSecond} source rows per
 * second on average since the pacer started, and no new chunk while the pipeline's apply lag is
 * above {@code backOffLagMs} (source load shows there first: the pipeline falls behind).
 */
final class VerifyPacer implements LiveVerifier.Pacer {
  private static final Logger LOG = LoggerFactory.getLogger(VerifyPacer.class);
  /** How long to wait before looking at the lag again while backing off, in ms. */
  static final long BACK_OFF_STEP_MS = 500;

  /** Waits; a seam for tests. */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private final long rowsPerSecond;
  private final long backOffLagMs;
  private final LongSupplier lagMs;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private final long startNanos;
  private long rows;
  private volatile boolean backingOff;

  /**
   * @param rowsPerSecond the most rows per second, 0 for no limit
   * @param backOffLagMs the apply lag above which no chunk starts, 0 never to back off
   * @param lagMs the pipeline's current apply lag, ms
   * @param nanoTime the clock ({@link System#nanoTime})
   * @param sleeper how to wait ({@link Thread#sleep(long)})
   */
  VerifyPacer(long rowsPerSecond, long backOffLagMs, LongSupplier lagMs, LongSupplier nanoTime, Sleeper sleeper) {
    this.rowsPerSecond = rowsPerSecond;
    this.backOffLagMs = backOffLagMs;
    this.lagMs = lagMs;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.startNanos = nanoTime.getAsLong();
  }

  @Override
  public void chunkDone(long chunkRows) throws InterruptedException {
    rows += chunkRows;
    if (rowsPerSecond > 0) {
      long dueNanos = startNanos + (long) (rows * 1e9 / rowsPerSecond);
      long aheadMs = (dueNanos - nanoTime.getAsLong()) / 1_000_000;
      if (aheadMs > 0) {
        sleeper.sleep(aheadMs);
      }
    }
    if (backOffLagMs > 0 && lagMs.getAsLong() > backOffLagMs) {
      backingOff = true;
      long lag = lagMs.getAsLong();
      try (io.baton.LogFields f = io.baton.LogFields.of("lag_ms", Long.toString(lag))) {
        LOG.info("live verify backs off: apply lag {} ms is above verify.backOffLagMs {}", lag, backOffLagMs);
      }
      while (lagMs.getAsLong() > backOffLagMs) {
        sleeper.sleep(BACK_OFF_STEP_MS);
      }
      backingOff = false;
      lag = lagMs.getAsLong();
      try (io.baton.LogFields f = io.baton.LogFields.of("lag_ms", Long.toString(lag))) {
        LOG.info("live verify goes on: apply lag {} ms", lag);
      }
    }
  }

  /** @return true while waiting for the lag to come down */
  boolean backingOff() {
    return backingOff;
  }
}
