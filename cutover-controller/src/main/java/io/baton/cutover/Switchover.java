package io.baton.cutover;

import io.baton.BatonException;
import io.baton.pg.Database;
import java.time.Duration;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves traffic from one database to the other with one write pause: the sequence shared by
 * cutover and rollback.
 *
 * <ol>
 *   <li>PAUSE (transactions in flight finish, new ones wait);
 *   <li>drain: everything committed on the old side is applied on the new side;
 *   <li>sequences copied from the old side to the new;
 *   <li>the back channel prepared (a replication slot on the new side, so that changes made there
 *       from now on can flow back);
 *   <li>the router repointed, RESUME.
 * </ol>
 *
 * The pause has a hard deadline: every step inside it gets only the time left, and when any step
 * fails or the deadline passes the router is pointed back at the old side (if the repoint had
 * started) and resumed, and the error says why. Traffic is never left paused.
 */
public final class Switchover {
  private static final Logger LOG = LoggerFactory.getLogger(Switchover.class);
  private final TrafficRouter router;
  private final LongSupplier clockMs;

  /**
   * @param router the traffic router
   * @param clockMs the clock, milliseconds (injected for tests)
   */
  public Switchover(TrafficRouter router, LongSupplier clockMs) {
    this.router = router;
    this.clockMs = clockMs;
  }

  /**
   * What a switch measured, from the controller's clock.
   *
   * @param pauseMs from PAUSE issued to RESUME done
   * @param drainMs the drain step
   * @param sequences sequences copied
   */
  public record Result(long pauseMs, long drainMs, int sequences) {}

  /**
   * @param from the replication that carries the old side's changes to the new side
   * @param oldSide the database that holds traffic now
   * @param newSide the database that takes traffic
   * @param sequences the sequence sync from old to new
   * @param prepareBackChannel run inside the pause, after the drain, with the milliseconds left
   *     before the deadline (it must give up by then)
   * @param maxPauseMs the hard deadline of the pause
   * @return what it measured
   * @throws BatonException when the switch was aborted; traffic then stays on {@code oldSide}
   *     (the message says so, or says that it could not make sure of it)
   */
  public Result run(Replication from, Database oldSide, Database newSide, SequenceSync sequences,
      LongConsumer prepareBackChannel, long maxPauseMs) {
    long start = clockMs.getAsLong();
    LongSupplier remaining = () -> Math.max(1, maxPauseMs - (clockMs.getAsLong() - start));
    router.pause(maxPauseMs);
    boolean repointStarted = false;
    try {
      long drainStart = clockMs.getAsLong();
      from.drain(Duration.ofMillis(remaining.getAsLong()));
      long drainMs = clockMs.getAsLong() - drainStart;
      int seqs = sequences.copy(oldSide, newSide, remaining.getAsLong());
      prepareBackChannel.accept(remaining.getAsLong());
      long elapsed = clockMs.getAsLong() - start;
      if (elapsed > maxPauseMs) {
        throw new BatonException("write pause reached " + elapsed + " ms before the repoint, past the limit of "
            + maxPauseMs + " ms (cutover.maxWritePauseMs)");
      }
      repointStarted = true;
      router.repoint(newSide);
      router.resume();
      long pause = clockMs.getAsLong() - start;
      LOG.info("switched traffic {} -> {}: write pause {} ms (drain {} ms, {} sequences)", oldSide, newSide, pause, drainMs, seqs);
      return new Result(pause, drainMs, seqs);
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
