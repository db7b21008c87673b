package io.baton.cutover;

import io.baton.spec.RollbackSettings;
import java.util.function.LongSupplier;

/**
 * Decides when a cut-over migration rolls back by itself (spec section {@code rollback}). The
 * controller feeds it an {@link Observation} about every second while the migration is CUT_OVER;
 * {@link #check} names the trigger that fired, or returns null. Reverse replication that stopped
 * on an error, a final verification that found the sides different at the freeze (never noise:
 * see {@code FrozenPoint}) and a mismatch ratio above the limit fire at once; the reverse lag, the latency
 * multiple and the Prometheus value must stay above their limits for {@code forSeconds} without a
 * break. Thread-safe.
 */
public final class RollbackTriggers {
  private final RollbackSettings settings;
  private final LongSupplier clockMs;
  private double baselineLatencyMicros = Double.NaN;
  private long lagSinceMs = -1;
  private long latencySinceMs = -1;
  private long prometheusSinceMs = -1;

  /**
   * What the controller sees after a cutover.
   *
   * @param reverseFailure why reverse replication stopped, or null while it runs
   * @param reverseLagMs reverse replication's apply lag, ms
   * @param mismatchRatio rows found different over rows compared by live verification, 0 to 1
   * @param latencyMicros the clients' mean transaction time now, µs; NaN when unknown
   * @param prometheusValue the Prometheus query's value; NaN when unknown or not configured
   * @param finalDifference what the cutover's final verification found different at the freeze, or
   *     null when it found both sides equal, has not ended, or did not run
   */
  public record Observation(String reverseFailure, long reverseLagMs, double mismatchRatio, double latencyMicros,
      double prometheusValue, String finalDifference) {
    /** An observation without a final verification difference. */
    public Observation(String reverseFailure, long reverseLagMs, double mismatchRatio, double latencyMicros,
        double prometheusValue) {
      this(reverseFailure, reverseLagMs, mismatchRatio, latencyMicros, prometheusValue, null);
    }
  }

  /**
   * @param settings the triggers' limits
   * @param clockMs the clock, ms (injected for tests)
   */
  public RollbackTriggers(RollbackSettings settings, LongSupplier clockMs) {
    this.settings = settings;
    this.clockMs = clockMs;
  }

  /**
   * Starts afresh for a new cutover.
   *
   * @param latencyMicros the clients' mean transaction time on the source just before the cutover,
   *     µs; NaN when unknown (the latency trigger is then off)
   */
  public synchronized void rearm(double latencyMicros) {
    baselineLatencyMicros = latencyMicros;
    lagSinceMs = -1;
    latencySinceMs = -1;
    prometheusSinceMs = -1;
  }

  /**
   * @param o what the controller sees now
   * @return the trigger that fired, with its numbers and spec key, or null; always null when
   *     {@code rollback.automatic} is false
   */
  public synchronized String check(Observation o) {
    if (!settings.automatic()) {
      return null;
    }
    long now = clockMs.getAsLong();
    if (o.reverseFailure() != null) {
      return "reverse replication stopped: " + o.reverseFailure();
    }
    if (o.finalDifference() != null) {
      return "the cutover's final verification found the target different from the source " + o.finalDifference();
    }
    if (settings.maxMismatchRatio() > 0 && o.mismatchRatio() > settings.maxMismatchRatio()) {
      return String.format("live verification found %.4f%% of rows different, above rollback.maxMismatchRatio %.4f%%",
          o.mismatchRatio() * 100, settings.maxMismatchRatio() * 100);
    }
    boolean lagging = settings.maxReverseLagMs() > 0 && o.reverseLagMs() > settings.maxReverseLagMs();
    lagSinceMs = since(lagSinceMs, lagging, now);
    if (held(lagSinceMs, now)) {
      return String.format("reverse replication lagged %,d ms, above rollback.maxReverseLagMs %,d ms for %d s",
          o.reverseLagMs(), settings.maxReverseLagMs(), settings.forSeconds());
    }
    double multiple = o.latencyMicros() / baselineLatencyMicros;
    boolean slow = settings.maxLatencyMultiple() > 0 && baselineLatencyMicros > 0 && !Double.isNaN(multiple)
        && multiple > settings.maxLatencyMultiple();
    latencySinceMs = since(latencySinceMs, slow, now);
    if (held(latencySinceMs, now)) {
      return String.format("transactions on the target took %.1f times as long as on the source before the cutover"
          + " (%.0f µs against %.0f µs), above rollback.maxLatencyMultiple %s for %d s", multiple, o.latencyMicros(),
          baselineLatencyMicros, settings.maxLatencyMultiple(), settings.forSeconds());
    }
    boolean alarm = settings.prometheus() != null && o.prometheusValue() > settings.prometheus().threshold();
    prometheusSinceMs = since(prometheusSinceMs, alarm, now);
    if (held(prometheusSinceMs, now)) {
      return String.format("Prometheus query %s was %s, above rollback.prometheus.threshold %s for %d s",
          settings.prometheus().query(), o.prometheusValue(), settings.prometheus().threshold(), settings.forSeconds());
    }
    return null;
  }

  private static long since(long sinceMs, boolean over, long now) {
    return !over ? -1 : sinceMs < 0 ? now : sinceMs;
  }

  private boolean held(long sinceMs, long now) {
    return sinceMs >= 0 && now - sinceMs >= settings.forSeconds() * 1000L;
  }
}
