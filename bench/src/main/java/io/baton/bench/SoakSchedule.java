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
   * @return the faults in order, whole cycles only (so the soak ends with the source holding traffic)
   * @throws IllegalArgumentException when {@code minutes} is below {@link #MIN_MINUTES}
   */
  static List<Planned> plan(int minutes) {
    if (minutes < MIN_MINUTES) {
      throw new IllegalArgumentException("--minutes must be at least " + MIN_MINUTES + " (one cycle of "
          + CYCLE.size() + " faults about 20 s apart), was " + minutes);
    }
    long span = minutes * 60_000L - 2 * QUIET_MS;
    int cycles = (int) Math.max(1, span / (CYCLE.size() * TARGET_GAP_MS));
    int n = cycles * CYCLE.size();
    long gap = span / n;
    List<Planned> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new Planned(QUIET_MS + i * gap + gap / 2, CYCLE.get(i % CYCLE.size())));
    }
    return out;
  }
}
