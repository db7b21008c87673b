package io.baton.cutover;

import io.baton.spec.GateSettings;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Decides whether a cutover may start, gate by gate (spec section {@code cutover.gates}). The
 * controller feeds it a lag sample about every second ({@link #sample}); the lag gate passes once
 * both lags have stayed under their limits for the holding period without a break, and the sink
 * error gate counts failed apply attempts over the last minute from the same samples. The other
 * gates read the {@link GateObservation} passed to {@link #evaluate}. Thread-safe.
 */
public final class CutoverGates {
  private static final long MINUTE_MS = 60_000;
  private final GateSettings settings;
  private final long maxWritePauseMs;
  private final LongSupplier clockMs;
  private final Deque<long[]> sinkErrors = new ArrayDeque<>();
  private long lagBytes = -1;
  private long lagMs = -1;
  private long underSinceMs = -1;

  /**
   * @param settings the gates' limits
   * @param maxWritePauseMs the write pause deadline ({@code cutover.maxWritePauseMs}) that the
   *     predicted pause must stay under
   * @param clockMs the clock, ms since the epoch (injected for tests)
   */
  public CutoverGates(GateSettings settings, long maxWritePauseMs, LongSupplier clockMs) {
    this.settings = settings;
    this.maxWritePauseMs = maxWritePauseMs;
    this.clockMs = clockMs;
  }

  /**
   * Records the lags and the sink's failure count now.
   *
   * @param lagBytes WAL held unconfirmed by the slot, bytes; -1 when it could not be read (counts
   *     as over the limit)
   * @param lagMs end-to-end apply lag, ms
   * @param sinkFailuresTotal failed apply attempts since the pipeline started (a counter)
   */
  public synchronized void sample(long lagBytes, long lagMs, long sinkFailuresTotal) {
    long now = clockMs.getAsLong();
    this.lagBytes = lagBytes;
    this.lagMs = lagMs;
    boolean under = lagBytes >= 0 && lagBytes <= settings.maxLagBytes() && lagMs <= settings.maxLagMs();
    if (!under) {
      underSinceMs = -1;
    } else if (underSinceMs < 0) {
      underSinceMs = now;
    }
    sinkErrors.addLast(new long[] {now, sinkFailuresTotal});
    // keep the newest sample at least a minute old as the base of the count
    while (sinkErrors.size() > 1 && secondOldest()[0] <= now - MINUTE_MS) {
      sinkErrors.removeFirst();
    }
  }

  /** Forgets every sample: the lag must hold again from now (after a switch, for example). */
  public synchronized void reset() {
    lagBytes = -1;
    lagMs = -1;
    underSinceMs = -1;
    sinkErrors.clear();
  }

  /**
   * @param o what the controller sees now
   * @return every gate, in the order lag, slot, verification, quarantine, reverse, router,
   *     sink_errors, window, write_pause
   */
  public synchronized GateReport evaluate(GateObservation o) {
    long now = clockMs.getAsLong();
    List<GateResult> gates = new ArrayList<>();
    gates.add(lag(now));
    gates.add(new GateResult("slot", o.slotProblem() == null, o.slotProblem() == null ? "keeps every WAL segment it needs"
        : o.slotProblem(), "the forward slot's wal_status is reserved or extended (max_slot_wal_keep_size not reached)"));
    gates.add(verification(o, now));
    gates.add(new GateResult("quarantine", o.quarantinedRows() >= 0 && o.quarantinedRows() <= settings.maxQuarantinedRows(),
        o.quarantinedRows() < 0 ? "unknown (baton.quarantine cannot be read)" : o.quarantinedRows() + " rows in quarantine", "at most " + settings.maxQuarantinedRows() + " (cutover.gates.maxQuarantinedRows)"));
    gates.add(new GateResult("reverse", o.reverseProblems().isEmpty(),
        o.reverseProblems().isEmpty() ? "a reverse slot and publication can be created on the target"
            : String.join("; ", o.reverseProblems()), "reverse replication possible"));
    gates.add(new GateResult("router", o.routerProblem() == null, o.routerProblem() == null ? "healthy" : o.routerProblem(),
        "the router answers and points at the side that holds traffic"));
    long errors = sinkErrorsLastMinute();
    gates.add(new GateResult("sink_errors", errors <= settings.maxSinkErrorsPerMinute(),
        errors + " failed apply attempts in the last minute",
        "at most " + settings.maxSinkErrorsPerMinute() + " (cutover.gates.maxSinkErrorsPerMinute)"));
    gates.add(window(now));
    gates.add(new GateResult("write_pause", o.predictedPauseMs() >= 0 && o.predictedPauseMs() <= maxWritePauseMs,
        o.predictedPauseMs() < 0 ? "could not be predicted (the drain did not complete)"
            : "predicted " + o.predictedPauseMs() + " ms", "at most " + maxWritePauseMs + " ms (cutover.maxWritePauseMs)"));
    return new GateReport(now, gates, o.predictedPauseMs());
  }

  private GateResult lag(long now) {
    String required = String.format("at most %,d bytes and %,d ms for %d s (cutover.gates.maxLagBytes, maxLagMs, holdSeconds)",
        settings.maxLagBytes(), settings.maxLagMs(), settings.holdSeconds());
    if (lagBytes < 0) {
      return new GateResult("lag", false, "not measured yet", required);
    }
    String seen = String.format("%,d bytes, %,d ms", lagBytes, lagMs);
    if (underSinceMs < 0) {
      return new GateResult("lag", false, seen + ", over the limit", required);
    }
    long heldMs = now - underSinceMs;
    return new GateResult("lag", heldMs >= settings.holdSeconds() * 1000L,
        String.format("%s, under the limits for %.1f s", seen, heldMs / 1000.0), required);
  }

  private GateResult verification(GateObservation o, long now) {
    String required = String.format("a clean live pass of every table, mismatch ratio at most %s (cutover.gates.requireCleanPass,"
        + " maxMismatchRatio)", settings.maxMismatchRatio());
    if (!settings.requireCleanPass()) {
      return new GateResult("verification", true, "not required", "none (cutover.gates.requireCleanPass: false)");
    }
    if (!o.verifying()) {
      return new GateResult("verification", false, "live verification does not run (verify.continuous: false)", required);
    }
    if (o.lastCleanFullPassAtMs() <= 0) {
      return new GateResult("verification", false, String.format("no clean pass of every table yet; mismatch ratio %s",
          o.mismatchRatio()), required);
    }
    return new GateResult("verification", o.mismatchRatio() <= settings.maxMismatchRatio(),
        String.format("every table clean as of %s (%d s ago); mismatch ratio %s", Instant.ofEpochMilli(o.lastCleanFullPassAtMs()),
            (now - o.lastCleanFullPassAtMs()) / 1000, o.mismatchRatio()), required);
  }

  private GateResult window(long now) {
    if (settings.window() == null) {
      return new GateResult("window", true, "no window set", "any time (cutover.gates.window)");
    }
    Instant at = Instant.ofEpochMilli(now);
    return new GateResult("window", settings.window().contains(at),
        "now is " + at.atZone(settings.window().zone()).toLocalTime().withNano(0), settings.window() + " (cutover.gates.window)");
  }

  private long[] secondOldest() {
    var it = sinkErrors.iterator();
    it.next();
    return it.next();
  }

  private long sinkErrorsLastMinute() {
    if (sinkErrors.isEmpty()) {
      return 0;
    }
    return sinkErrors.peekLast()[1] - sinkErrors.peekFirst()[1];
  }
}
