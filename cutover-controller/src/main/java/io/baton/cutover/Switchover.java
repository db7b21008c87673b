package io.baton.cutover;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.Lsn;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves traffic from one database to the other with one write pause: the sequence shared by
 * cutover and rollback.
 *
 * <ol>
 *   <li>PAUSE (transactions in flight finish, new ones wait);
 *   <li>drain: a marker written into the old side's WAL marks the freeze LSN, and everything
 *       committed before it is applied on the new side;
 *   <li>frozen: both sides now hold the same rows, and {@link InsidePause#frozen} may take what it
 *       needs of that moment (the controller exports a snapshot on each side, compared after the
 *       pause);
 *   <li>sequences copied from the old side to the new;
 *   <li>the back channel prepared (a replication slot on the new side, so that changes made there
 *       from now on can flow back);
 *   <li>the router repointed, RESUME.
 * </ol>
 *
 * The pause has a hard deadline: every step inside it gets only the time left, and when any step
 * fails or the deadline passes the router is pointed back at the old side (if the repoint had
 * started) and resumed, and the error says why. A repoint that ends past the deadline is pointed
 * back too. Traffic is never left paused: if this process dies inside the pause, the
 * {@link PauseWatchdog} started before it resumes traffic at once (and one second after the
 * deadline if this process is alive but stuck), and the
 * steps reported to {@link Steps} (the controller journals {@code repointing} before the repoint)
 * tell a restarted controller whether to finish the switch or undo it.
 */
public final class Switchover {
  private static final Logger LOG = LoggerFactory.getLogger(Switchover.class);
  private final TrafficRouter router;
  private final LongSupplier clockMs;
  private final java.nio.file.Path watchdogPidFile;

  /**
   * @param router the traffic router
   * @param clockMs the clock, milliseconds (injected for tests)
   * @param watchdogPidFile where the pause watchdog's process id is kept, or null
   */
  public Switchover(TrafficRouter router, LongSupplier clockMs, java.nio.file.Path watchdogPidFile) {
    this.router = router;
    this.clockMs = clockMs;
    this.watchdogPidFile = watchdogPidFile;
  }

  /**
   * Told of each step as it is reached: {@code paused}, {@code drained}, {@code frozen}, {@code sequences-set},
   * {@code back-channel-ready}, {@code repointing} (before the router is repointed: once this
   * returns, the switch is to be finished, never undone, by a restarted controller),
   * {@code repointed} (before RESUME) and {@code resumed}.
   */
  public interface Steps {
    /** Steps nobody listens to. */
    Steps NONE = step -> { };

    /**
     * @param step the step reached
     * @throws RuntimeException to abort the switch (before {@code repointing} returns)
     */
    void reached(String step);
  }

  /** The migration's own work inside the pause, after the drain; each step gets the ms left. */
  @FunctionalInterface
  public interface InsidePause {
    /**
     * Called right after the drain: no client commits on the old side, and the new side holds
     * everything the old side committed. Nothing by default.
     *
     * @param freezeLsn the old side's LSN up to which everything was applied
     * @param remainingMs milliseconds left before the deadline; it must give up by then
     */
    default void frozen(Lsn freezeLsn, long remainingMs) {}

    /**
     * Prepares the back channel: a replication slot on the new side, so that changes made there
     * from now on can flow back.
     *
     * @param remainingMs milliseconds left before the deadline; it must give up by then
     */
    void prepareBackChannel(long remainingMs);
  }

  /**
   * What a switch measured, from the controller's clock.
   *
   * @param pauseMs from PAUSE issued to RESUME done
   * @param drainMs the drain step
   * @param sequences sequences copied
   * @param freezeLsn the old side's LSN at the freeze: everything committed before it was applied on
   *     the new side
   */
  public record Result(long pauseMs, long drainMs, int sequences, Lsn freezeLsn) {}

  /**
   * @param from the replication that carries the old side's changes to the new side
   * @param oldSide the database that holds traffic now
   * @param newSide the database that takes traffic
   * @param sequences the sequence sync from old to new
   * @param work the migration's steps inside the pause
   * @param maxPauseMs the hard deadline of the pause
   * @param steps told of each step as it is reached
   * @return what it measured
   * @throws BatonException when the switch was aborted; traffic then stays on {@code oldSide}
   *     (the message says so, or says that it could not make sure of it)
   */
  public Result run(Replication from, Database oldSide, Database newSide, SequenceSync sequences,
      InsidePause work, long maxPauseMs, Steps steps) {
    try (PauseWatchdog watchdog = PauseWatchdog.arm(router, watchdogPidFile)) {
      return pauseAndSwitch(watchdog, from, oldSide, newSide, sequences, work, maxPauseMs, steps);
    }
  }

  private Result pauseAndSwitch(PauseWatchdog watchdog, Replication from, Database oldSide, Database newSide,
      SequenceSync sequences, InsidePause work, long maxPauseMs, Steps steps) {
    watchdog.pausing(maxPauseMs);
    long start = clockMs.getAsLong();
    LongSupplier remaining = () -> Math.max(1, maxPauseMs - (clockMs.getAsLong() - start));
    router.pause(maxPauseMs);
    boolean repointStarted = false;
    try {
      steps.reached("paused");
      long drainStart = clockMs.getAsLong();
      Lsn freeze = from.drain(Duration.ofMillis(remaining.getAsLong()));
      long drainMs = clockMs.getAsLong() - drainStart;
      steps.reached("drained");
      work.frozen(freeze, remaining.getAsLong());
      steps.reached("frozen");
      int seqs = sequences.copy(oldSide, newSide, remaining.getAsLong());
      steps.reached("sequences-set");
      work.prepareBackChannel(remaining.getAsLong());
      steps.reached("back-channel-ready");
      checkDeadline(start, maxPauseMs, "before the repoint");
      steps.reached("repointing");
      repointStarted = true;
      router.repoint(newSide);
      checkDeadline(start, maxPauseMs, "when the repoint ended");
      steps.reached("repointed");
      router.resume();
      steps.reached("resumed");
      long pause = clockMs.getAsLong() - start;
      LOG.info("switched traffic {} -> {}: write pause {} ms (drain {} ms to freeze LSN {}, {} sequences)", oldSide, newSide,
          pause, drainMs, freeze, seqs);
      return new Result(pause, drainMs, seqs, freeze);
    } catch (RuntimeException e) {
      if (repointStarted) {
        pointBack(oldSide, e);
      }
      router.resume();
      long pause = clockMs.getAsLong() - start;
      throw new BatonException("switch from " + oldSide + " to " + newSide + " aborted after a " + pause
          + " ms pause; traffic stays on " + oldSide + ": " + e.getMessage(), e, e instanceof BatonException b && b.isRetriable());
    }
  }

  private void checkDeadline(long start, long maxPauseMs, String when) {
    long elapsed = clockMs.getAsLong() - start;
    if (elapsed > maxPauseMs) {
      throw new BatonException("write pause reached " + elapsed + " ms " + when + ", past the limit of " + maxPauseMs
          + " ms (cutover.maxWritePauseMs)");
    }
  }

  /** A failure during or after the repoint: the router may already point at the new side. */
  private void pointBack(Database oldSide, RuntimeException cause) {
    try {
      router.repoint(oldSide);
    } catch (RuntimeException back) {
      cause.addSuppressed(back);
      try {
        router.resume();
      } catch (RuntimeException resume) {
        cause.addSuppressed(resume);
      }
      throw new BatonException("switch failed after the router was repointed, and pointing it back at " + oldSide
          + " failed too, so traffic may flow to either side: check the router (PgBouncer: SHOW DATABASES) before"
          + " anything else; " + cause.getMessage(), cause);
    }
  }
}
