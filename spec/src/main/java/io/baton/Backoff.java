package io.baton;

import java.time.Duration;

/**
 * Bounded exponential backoff: how long to wait before each retry of an operation that failed on a
 * transient error, and when to give up.
 *
 * <p>The n-th retry waits {@code initial × 2^(n-1)}, at most {@code max}; retrying stops once the
 * operation has been failing for {@code giveUpAfter} (the error then goes to the operator with what
 * was tried). Whether an error is worth a retry at all is decided elsewhere, in one place per kind:
 * {@link io.baton.pg.PgErrors} for PostgreSQL errors and {@link BatonException#isRetriable()} for
 * Baton's own.
 *
 * @param initial the wait before the first retry; positive
 * @param max the longest wait; at least {@code initial}
 * @param giveUpAfter how long an operation may keep failing before it is given up; positive
 */
public record Backoff(Duration initial, Duration max, Duration giveUpAfter) {
  /**
   * One sink batch: a lost connection or a restarting target is retried for a minute before the
   * sink stops (and its pipeline is restarted by {@link #PIPELINE}'s rule).
   */
  public static final Backoff SINK_BATCH = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(60));
  /**
   * A replication pipeline whose stage stopped on a transient error: restarted after 1 s, 2 s, 4 s
   * ... at most 30 s apart, for 10 minutes, long enough to ride out a database restart or a
   * broker failover; then {@code baton run} stops with the last error.
   */
  public static final Backoff PIPELINE = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(10));

  /**
   * @throws IllegalArgumentException when a duration is not positive or {@code max < initial}
   */
  public Backoff {
    if (initial.isNegative() || initial.isZero() || giveUpAfter.isNegative() || giveUpAfter.isZero()
        || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max and a positive give-up time, not "
          + initial + ", " + max + ", " + giveUpAfter);
    }
  }

  /**
   * @param retry which retry, from 1
   * @return how long to wait before it, ms
   */
  public long delayMillis(int retry) {
    int doublings = Math.max(0, Math.min(retry - 1, 30));
    long delay = initial.toMillis() << doublings;
    return Math.min(max.toMillis(), delay < 0 ? Long.MAX_VALUE : delay);
  }

  /**
   * @param failingMillis how long the operation has been failing, ms
   * @return true when it should not be tried again
   */
  public boolean exhausted(long failingMillis) {
    return failingMillis >= giveUpAfter.toMillis();
  }
}
