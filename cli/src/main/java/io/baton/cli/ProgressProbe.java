package io.baton.cli;

import io.baton.BatonException;
import io.baton.capture.DrainMarkers;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that changes still flow end to end through a pipeline, including when the origin is idle
 * or every recent change was filtered out: every {@link #INTERVAL_MS} a drain marker is written into
 * the origin ({@link DrainMarkers}), and the probe watches for the sink to apply it.
 *
 * <p>Two things come of it:
 * <ul>
 *   <li>{@link #waitingMs()}: how long the outstanding marker has waited. The apply lag of the last
 *       batch keeps its value while nothing is applied; this one grows, so the lag that dashboards,
 *       cutover gates and rollback triggers read cannot look fresh while changes wait.</li>
 *   <li>a stall: the marker has waited longer than {@link #STALL_MS} and no change was applied in
 *       that time. No stage has failed, yet nothing moves (a consumer that cannot read its committed
 *       offsets, for example). {@link #check()} then throws a retriable error, so the pipeline
 *       supervisor restarts the pipeline, and gives up with this message if the stall persists.</li>
 * </ul>
 * The stall limit is twice a live verification's hold lease (60 s), the longest a healthy pipeline
 * keeps one table's apply paused and with it the marker. Not thread-safe except {@link #waitingMs()}:
 * one loop calls {@link #check()}, about once a second.
 */
final class ProgressProbe {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressProbe.class);
  /** How often a marker is written while none is outstanding, ms. */
  static final long INTERVAL_MS = 5_000;
  /** How long a marker may wait, with no change applied meanwhile, before the pipeline counts as stalled, ms. */
  static final long STALL_MS = 120_000;

  private final String pipeline;
  private final Supplier<DrainMarkers.Marker> emit;
  private final Predicate<String> applied;
  private final Consumer<String> forget;
  private final LongSupplier appliedChanges;
  private final LongSupplier clockMs;
  private volatile DrainMarkers.Marker outstanding;
  private volatile long emittedAtMs;
  private long lastEmitAttemptMs = Long.MIN_VALUE / 2;
  private long appliedSeen;
  private long progressAtMs;

  /**
   * @param pipeline the pipeline's name, for messages
   * @param emit writes a marker into the origin; may throw {@link BatonException} (the probe tries
   *     again at the next interval)
   * @param applied whether the sink has applied the marker with this id
   * @param forget lets the sink forget an applied marker
   * @param appliedChanges the number of changes the sink has applied so far
   * @param clockMs a clock, ms
   */
  ProgressProbe(String pipeline, Supplier<DrainMarkers.Marker> emit, Predicate<String> applied, Consumer<String> forget,
      LongSupplier appliedChanges, LongSupplier clockMs) {
    this.pipeline = pipeline;
    this.emit = emit;
    this.applied = applied;
    this.forget = forget;
    this.appliedChanges = appliedChanges;
    this.clockMs = clockMs;
  }

  /**
   * Writes a marker when none is outstanding and the interval has passed; notes an applied one.
   *
   * @throws BatonException (retriable) when the pipeline stalled: the message names the marker's LSN
   *     and how long it waited, and the number of changes applied
   */
  void check() {
    long now = clockMs.getAsLong();
    DrainMarkers.Marker m = outstanding;
    if (m != null && applied.test(m.id())) {
      outstanding = null;
      forget.accept(m.id());
      m = null;
    }
    if (m == null) {
      if (now - lastEmitAttemptMs >= INTERVAL_MS) {
        lastEmitAttemptMs = now;
        try {
          DrainMarkers.Marker written = emit.get();
          appliedSeen = appliedChanges.getAsLong();
          emittedAtMs = now;
          progressAtMs = now;
          outstanding = written;
        } catch (BatonException e) {
          LOG.debug("pipeline {}: no progress marker written now: {}", pipeline, e.getMessage());
        }
      }
      return;
    }
    long appliedNow = appliedChanges.getAsLong();
    if (appliedNow != appliedSeen) {
      // changes are applied (a backlog catching up, or other tables while one is on hold): slow, not stalled
      appliedSeen = appliedNow;
      progressAtMs = now;
    }
    long waited = now - emittedAtMs;
    if (now - progressAtMs > STALL_MS) {
      outstanding = null;
      throw new BatonException("pipeline " + pipeline + " stalled: a drain marker written into the origin at LSN "
          + m.lsn() + " has not been applied after " + waited / 1000 + " s, and no change was applied in that time ("
          + appliedNow + " applied since the pipeline started), although no stage reported an error", null, true);
    }
  }

  /** @return how long the outstanding marker has waited, ms, as of its last check; 0 when none waits */
  long waitingMs() {
    DrainMarkers.Marker m = outstanding;
    if (m == null || applied.test(m.id()) || outstanding != m) {
      return 0;
    }
    return Math.max(0, clockMs.getAsLong() - emittedAtMs);
  }
}
