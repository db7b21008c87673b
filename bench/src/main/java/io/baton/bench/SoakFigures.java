package io.baton.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of {@code bench/run soak}'s figures, apart from the servers so that they can be
 * tested: when a fault counts as recovered, what its window is, and the lag outside the windows.
 *
 * <p>A fault's window runs from its injection to {@link #GRACE_MS} after its recovery. It is
 * recovered at the first lag sample, taken on the side the changes go to after the fault, whose
 * newest applied change was committed at or after the fault was over (the broker or server back,
 * the sessions cut, the switch's command answered): Baton applies again what clients write after
 * the fault. The grace covers the catch-up of the backlog the fault left. A fault not recovered
 * within the soak's limit has a window up to where the wait gave up.
 */
final class SoakFigures {
  /** How long after its recovery a fault's window ends, ms. */
  static final long GRACE_MS = 5_000;

  private SoakFigures() {}

  /**
   * One fault as it happened.
   *
   * @param kind what it was
   * @param startMs when it was injected, ms since the epoch
   * @param overMs when it was over (the broker or server back, the command answered), ms since the epoch
   * @param reverseAfter whether the changes went from the target to the source after it
   * @param ok whether the injection itself did what was asked (a switch that failed is not ok)
   * @param detail what was done, for people
   * @param recoveredAtMs when it counted as recovered (see the class comment), ms since the epoch;
   *     -1 when it did not within the limit
   * @param windowEndMs the end of its window, ms since the epoch
   */
  record Fault(SoakSchedule.Kind kind, long startMs, long overMs, boolean reverseAfter, boolean ok, String detail,
      long recoveredAtMs, long windowEndMs) {
    /** @return whether Baton went on after it: the injection did what was asked, and changes were applied again */
    boolean survived() {
      return ok && recoveredAtMs >= 0;
    }

    /** @return ms from the fault being over to its recovery; -1 when it did not recover */
    long recoveredAfterMs() {
      return recoveredAtMs < 0 ? -1 : Math.max(0, recoveredAtMs - overMs);
    }

    /** @return whether {@code ms} falls in its window */
    boolean covers(long ms) {
      return ms >= startMs && ms <= windowEndMs;
    }
  }

  /**
   * @param samples the lag samples, oldest first
   * @param overMs when the fault was over, ms since the epoch
   * @param reverse the direction after the fault
   * @return when the fault counts as recovered, ms since the epoch; -1 when no sample says so yet
   */
  static long recoveredAt(List<LagProbe.Sample> samples, long overMs, boolean reverse) {
    for (LagProbe.Sample s : samples) {
      if (s.atMs() >= overMs && s.reverse() == reverse && s.hasLag() && s.newestCommitMs() >= overMs) {
        return s.atMs();
      }
    }
    return -1;
  }

  /**
   * @param recoveredAtMs when the fault recovered, -1 when it did not
   * @param gaveUpAtMs when the wait for its recovery ended
   * @return the end of the fault's window
   */
  static long windowEnd(long recoveredAtMs, long gaveUpAtMs) {
    return recoveredAtMs < 0 ? gaveUpAtMs : recoveredAtMs + GRACE_MS;
  }

  /**
   * @param samples the lag samples
   * @param faults the faults with their windows
   * @return {@code lag_p50_seconds} and {@code lag_p99_seconds} over the samples outside every
   *     window, {@code lag_max_seconds} and {@code lag_max_outside_windows_seconds}, the sample
   *     counts, and {@code slot_lag_bytes_max_outside_windows}; lags in s with three decimals, -1
   *     when there is no sample
   */
  static Map<String, Object> lag(List<LagProbe.Sample> samples, List<Fault> faults) {
    List<Double> outside = new ArrayList<>();
    double max = -1;
    long slotMax = -1;
    int unknown = 0;
    for (LagProbe.Sample s : samples) {
      boolean inWindow = faults.stream().anyMatch(f -> f.covers(s.atMs()));
      if (!s.hasLag()) {
        unknown++;
        continue;
      }
      max = Math.max(max, s.lagSeconds());
      if (!inWindow) {
        outside.add(s.lagSeconds());
        slotMax = Math.max(slotMax, s.slotLagBytes());
      }
    }
    double[] sorted = outside.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("lag_p50_seconds", round(percentile(sorted, 50)));
    f.put("lag_p99_seconds", round(percentile(sorted, 99)));
    f.put("lag_max_seconds", round(max));
    f.put("lag_max_outside_windows_seconds", round(sorted.length == 0 ? -1 : sorted[sorted.length - 1]));
    f.put("lag_samples", samples.size());
    f.put("lag_samples_outside_windows", sorted.length);
    f.put("lag_samples_unreadable", unknown);
    f.put("slot_lag_bytes_max_outside_windows", slotMax);
    return f;
  }

  /**
   * The samples as CSV, for a post-mortem: which spike fell where.
   *
   * @param samples the lag samples, oldest first
   * @param faults the faults with their windows
   * @param soakStartMs when the soak's clock started, ms since the epoch
   * @return a header line, then one line per sample: {@code seconds} since the soak's start (three
   *     decimals), {@code direction} ({@code forward} or {@code reverse}), {@code lag_seconds} (empty
   *     when unreadable), {@code slot_lag_bytes} (-1 when unknown) and {@code fault} (the label of the
   *     fault whose window covers it, empty outside every window)
   */
  static String csv(List<LagProbe.Sample> samples, List<Fault> faults, long soakStartMs) {
    StringBuilder out = new StringBuilder("seconds,direction,lag_seconds,slot_lag_bytes,fault\n");
    for (LagProbe.Sample s : samples) {
      String fault = faults.stream().filter(f -> f.covers(s.atMs())).map(f -> f.kind().label).findFirst().orElse("");
      out.append(String.format(java.util.Locale.ROOT, "%.3f,%s,%s,%d,%s%n", (s.atMs() - soakStartMs) / 1000.0,
          s.reverse() ? "reverse" : "forward", s.hasLag() ? Double.toString(round(s.lagSeconds())) : "", s.slotLagBytes(),
          fault));
    }
    return out.toString();
  }

  /** @return the nearest-rank percentile of sorted values; -1 when there are none */
  static double percentile(double[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
