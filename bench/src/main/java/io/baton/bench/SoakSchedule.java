package io.baton.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * When {@code bench/run soak} injects which fault: the seven faults of {@link #CYCLE}, in that
 * order, repeated as many times as fit the soak with about {@link #TARGET_GAP_MS} between two
 * faults (at least one cycle, so that a short soak still meets every kind once, closer together),
 * spread evenly between a quiet lead-in and a quiet tail of {@link #QUIET_MS} each.
 */
final class SoakSchedule {
  /** How long the stream runs undisturbed before the first fault and after the last one, ms. */
  static final long QUIET_MS = 20_000;
  /** The gap between two faults the schedule aims for, ms. */
  static final long TARGET_GAP_MS = 30_000;
  /** The shortest soak, minutes: one cycle with gaps of about 20 s. */
  static final int MIN_MINUTES = 3;

  /** A kind of fault, with the words progress lines and the chart use for it. */
  enum Kind {
    /** The Kafka broker killed with SIGKILL, started again after a few seconds. */
    BROKER_KILL("broker kill"),
    /** The target PostgreSQL stopped with an immediate shutdown (as a crash) and started again. */
    TARGET_RESTART("target restart"),
    /** Baton's sessions and the WAL sender on the source terminated ({@code pg_terminate_backend}). */
    SOURCE_CUTS("source cuts"),
    /** A cutover through the control API: the clients move to the target. */
    CUTOVER("cutover"),
    /** Baton's sessions and the WAL sender on the target terminated, while it holds the traffic. */
    TARGET_CUTS("target cuts"),
    /** A rollback through the control API: the clients move back to the source. */
    ROLLBACK("rollback");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** One cycle: each fault meets the direction it is about (the target restart while the source holds traffic). */
  static final List<Kind> CYCLE = List.of(Kind.BROKER_KILL, Kind.TARGET_RESTART, Kind.SOURCE_CUTS, Kind.BROKER_KILL,
      Kind.CUTOVER, Kind.TARGET_CUTS, Kind.ROLLBACK);

  /**
   * One fault in the plan.
   *
   * @param atMs when it is due, ms after the soak's start
   * @param kind what it is
   */
  record Planned(long atMs, Kind kind) {}

  private SoakSchedule() {}

  /**
   * @param minutes how long the soak runs, at least {@link #MIN_MINUTES}
   * @return the faults of {@link #CYCLE} in order, whole cycles only (so the soak ends with the source holding traffic)
   * @throws IllegalArgumentException when {@code minutes} is below {@link #MIN_MINUTES}
   */
  static List<Planned> plan(int minutes) {
    return plan(minutes, CYCLE);
  }

  /**
   * Reads a cycle of faults named by their labels, for a soak that concentrates on some of them
   * (for example {@code broker kill} alone, to meet many broker kills in one run).
   *
   * @param labels fault labels ({@link Kind#label}, or the enum name in any case, with {@code -} or
   *     {@code _} for spaces), in cycle order
   * @return the cycle
   * @throws IllegalArgumentException when a label names no fault, the list is empty, or cutovers and
   *     rollbacks do not alternate starting with a cutover and ending with a rollback (a soak must
   *     end with the source holding traffic)
   */
  static List<Kind> cycle(List<String> labels) {
    List<Kind> out = new ArrayList<>();
    for (String l : labels) {
      String wanted = l.trim().replace('-', ' ').replace('_', ' ');
      out.add(java.util.Arrays.stream(Kind.values()).filter(k -> k.label.equalsIgnoreCase(wanted)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("--faults: no fault named '" + l + "'; known: "
              + java.util.Arrays.stream(Kind.values()).map(k -> k.label.replace(' ', '-')).toList())));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--faults: name at least one fault");
    }
    Kind expected = Kind.CUTOVER;
    for (Kind k : out) {
      if (k == Kind.CUTOVER || k == Kind.ROLLBACK) {
        if (k != expected) {
          throw new IllegalArgumentException("--faults " + labels + ": cutovers and rollbacks must alternate, starting"
              + " with a cutover");
        }
        expected = expected == Kind.CUTOVER ? Kind.ROLLBACK : Kind.CUTOVER;
      }
    }
    if (expected == Kind.ROLLBACK) {
      throw new IllegalArgumentException("--faults " + labels + ": a cutover needs a rollback after it, so that every"
          + " cycle ends with the source holding traffic");
    }
    return List.copyOf(out);
  }

  /**
   * @param minutes how long the soak runs, at least {@link #MIN_MINUTES}
   * @param cycle the faults of one cycle, in order ({@link #cycle(List)})
   * @return the faults in order, whole cycles only
   * @throws IllegalArgumentException when {@code minutes} is below {@link #MIN_MINUTES}
   */
  static List<Planned> plan(int minutes, List<Kind> cycle) {
    if (minutes < MIN_MINUTES) {
      throw new IllegalArgumentException("--minutes must be at least " + MIN_MINUTES + " (one cycle of "
          + CYCLE.size() + " faults about 20 s apart), was " + minutes);
    }
    long span = minutes * 60_000L - 2 * QUIET_MS;
    int cycles = (int) Math.max(1, span / (cycle.size() * TARGET_GAP_MS));
    int n = cycles * cycle.size();
    long gap = span / n;
    List<Planned> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new Planned(QUIET_MS + i * gap + gap / 2, cycle.get(i % cycle.size())));
    }
    return out;
  }
}
