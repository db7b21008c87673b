package io.baton.cli;

import io.baton.Backoff;
import io.baton.BatonException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the running replication pipeline running through transient faults: when a stage stops on an
 * error that {@link TransientFailures} calls transient (a database restart, cut sessions, a broker
 * that went away for longer than the clients wait), the pipeline is stopped and started again from
 * its slot and stored offsets, after a bounded exponential backoff ({@link Backoff#PIPELINE}). A
 * permanent error, or one that persists past the backoff's give-up time, is thrown to the caller
 * with what was tried, unless the migration can follow it ({@link Supervised#adapt}).
 *
 * <p>A fault counts as over once the pipeline has stayed healthy for {@link #HEALTHY_MS}; until
 * then a new failure continues the same backoff sequence, so a pipeline that fails again right after
 * each restart is given up in the end. Not thread-safe: one loop calls {@link #check()}.
 */
final class PipelineSupervisor {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineSupervisor.class);
  /** How long a restarted pipeline must stay healthy before a new failure counts as a new fault, ms. */
  static final long HEALTHY_MS = 60_000;

  private final Supervised migration;
  private final String name;
  private final Backoff backoff;
  private final LongSupplier clockMs;
  private BatonException pending;
  private int attempts;
  private long failingSinceMs;
  private long nextAttemptMs;
  private long restartedAtMs = Long.MIN_VALUE;
  private long restarts;

  /**
   * @param migration the migration whose running pipeline is watched
   * @param name its name, for messages
   * @param backoff when to restart and when to give up
   * @param clockMs a clock, ms
   */
  PipelineSupervisor(Supervised migration, String name, Backoff backoff, LongSupplier clockMs) {
    this.migration = migration;
    this.name = name;
    this.backoff = backoff;
    this.clockMs = clockMs;
  }

  /** What the supervisor needs of a migration ({@link Migration} in production). */
  interface Supervised {
    /** @throws BatonException when a stage of the running pipeline stopped on an error */
    void checkHealthy();

    /** Stops the pipeline that should run now, keeping its slot and offsets. */
    void stopRunningPipeline();

    /** @throws BatonException when it cannot be started again (retriable or not) */
    void restartRunningPipeline();

    /**
     * Gives the migration a chance to follow a permanent failure it knows how to follow (a column
     * added on the source, with {@code schema: create}).
     *
     * @param failure the permanent failure
     * @return true when the pipeline runs again
     * @throws BatonException when following it failed
     */
    boolean adapt(BatonException failure);
  }

  /**
   * Checks the running pipeline once, and stops or restarts it when a stage failed. Call it about
   * once a second.
   *
   * @throws BatonException when a stage stopped on a permanent error, or the pipeline kept failing
   *     for longer than the backoff allows (the message says how many restarts were tried)
   */
  void check() {
    long now = clockMs.getAsLong();
    if (pending == null) {
      try {
        migration.checkHealthy();
        return;
      } catch (BatonException e) {
        if (!TransientFailures.isTransient(e)) {
          if (migration.adapt(e)) {
            restarts++;
            return;
          }
          throw e;
        }
        if (attempts == 0 || now - restartedAtMs >= HEALTHY_MS) {
          attempts = 0;
          failingSinceMs = now;
        }
        pending = e;
        migration.stopRunningPipeline();
        schedule(now, e);
        return;
      }
    }
    if (now < nextAttemptMs) {
      return;
    }
    attempts++;
    try {
      migration.restartRunningPipeline();
      restarts++;
      restartedAtMs = now;
      LOG.info("migration {}: pipeline restarted (attempt {}) after: {}", name, attempts,
          pending.getMessage());
      pending = null;
    } catch (BatonException e) {
      if (!TransientFailures.isTransient(e)) {
        throw e;
      }
      pending = e;
      schedule(now, e);
    }
  }

  private void schedule(long now, BatonException e) {
    long failingMs = now - failingSinceMs;
    if (backoff.exhausted(failingMs)) {
      throw new BatonException("gave up restarting the pipeline of " + name + " after " + attempts
          + " attempts over " + failingMs / 1000 + " s; the last error: " + e.getMessage()
          + ". Fix the cause and run the same command again: it resumes from the slot", e);
    }
    long delay = backoff.delayMillis(attempts + 1);
    nextAttemptMs = now + delay;
    LOG.warn("migration {}: a stage stopped on a transient error; restarting the pipeline in {} ms (attempt {}): {}",
        name, delay, attempts + 1, e.getMessage());
  }

  /** @return the error the pipeline is stopped on while it waits for a restart, or null when it runs */
  BatonException pending() {
    return pending;
  }

  /** @return pipeline restarts done since start */
  long restarts() {
    return restarts;
  }
}
