package io.baton.cli;

import io.baton.BatonException;
import io.baton.cutover.Journal;
import io.baton.cutover.Switchover;
import io.baton.pg.Database;
import io.baton.pg.Lsn;
import io.baton.pg.TableInfo;
import io.baton.reconciler.FrozenPoint;
import io.baton.spec.RowTransform;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The final verification of each switch ({@link FrozenPoint}): prepared before the pause, exported
 * inside it, compared after RESUME on a thread of its own, so that neither the pause nor the
 * controller waits for it. Its outcome goes into the journal (step {@code final-verification}) and
 * is kept for the control API, the metrics and the automatic rollback triggers. Spec key
 * {@code cutover.finalVerification} turns it off.
 */
final class FinalVerification implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FinalVerification.class);

  /** How a final verification ended. */
  enum Outcome {
    /** Still comparing. */
    RUNNING,
    /** Every table equal at the freeze. */
    EQUAL,
    /** At least one table differs at the freeze. */
    DIFFERENT,
    /** It could not compare (a side unreachable, a snapshot gone). */
    FAILED
  }

  /**
   * The latest final verification.
   *
   * @param action cutover or rollback
   * @param freezeLsn the old side's LSN at the freeze
   * @param outcome how it ended, or RUNNING
   * @param summary one line: the tables, rows and time, or what differs, or why it failed; null while running
   */
  record Status(String action, Lsn freezeLsn, Outcome outcome, String summary) {}

  private final boolean enabled;
  private final Database source;
  private final Database target;
  private final java.util.function.Supplier<Map<TableInfo, RowTransform>> tables;
  private final Journal journal;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "baton-final-verification");
    t.setDaemon(true);
    return t;
  });
  private volatile Status latest;
  private volatile CompletableFuture<Status> running = CompletableFuture.completedFuture(null);

  /**
   * @param enabled the spec's {@code cutover.finalVerification}
   * @param source the spec's source database
   * @param target the spec's target database
   * @param tables the source tables with their forward transforms, as they stand when a
   *     verification starts (a column added on the source may change them)
   * @param journal where outcomes are recorded
   */
  FinalVerification(boolean enabled, Database source, Database target,
      java.util.function.Supplier<Map<TableInfo, RowTransform>> tables, Journal journal) {
    this.enabled = enabled;
    this.source = source;
    this.target = target;
    this.tables = tables;
    this.journal = journal;
  }

  /**
   * Opens a connection to each side, before a pause.
   *
   * @return the frozen point to export inside the pause, or null when final verification is off
   * @throws BatonException when either side cannot be reached (nothing is paused yet)
   */
  FrozenPoint prepare() {
    return enabled ? FrozenPoint.open(source, target) : null;
  }

  /**
   * @param freeze from {@link #prepare}, or null
   * @param backChannel prepares the back channel, given the ms left
   * @return the steps inside the pause: the snapshots exported at the freeze, then the back channel
   */
  static Switchover.InsidePause insidePause(FrozenPoint freeze, LongConsumer backChannel) {
    return new Switchover.InsidePause() {
      @Override
      public void frozen(Lsn freezeLsn, long remainingMs) {
        if (freeze != null) {
          freeze.export(freezeLsn, remainingMs);
        }
      }

      @Override
      public void prepareBackChannel(long remainingMs) {
        backChannel.accept(remainingMs);
      }
    };
  }

  /**
   * Compares the exported freeze in the background; closes it.
   *
   * @param action cutover or rollback
   * @param freeze from {@link #prepare}, exported; null does nothing
   */
  void start(String action, FrozenPoint freeze) {
    if (freeze == null) {
      return;
    }
    if (!freeze.exported()) {
      freeze.close();
      return;
    }
    latest = new Status(action, null, Outcome.RUNNING, null);
    running = CompletableFuture.supplyAsync(() -> compare(action, freeze), thread);
  }

  private Status compare(String action, FrozenPoint freeze) {
    Status s;
    try {
      FrozenPoint.Result r = freeze.verify(tables.get());
      s = new Status(action, r.freezeLsn(), r.equal() ? Outcome.EQUAL : Outcome.DIFFERENT, r.summary());
    } catch (RuntimeException e) {
      s = new Status(action, null, Outcome.FAILED, "could not compare: " + e.getMessage());
      LOG.warn("final verification of the {} failed: {}", action, e.getMessage());
    }
    latest = s;
    try {
      journal.step("final-verification", action + " " + s.outcome().name().toLowerCase() + " " + s.summary());
    } catch (BatonException e) {
      LOG.warn("the final verification's outcome was not journaled: {}", e.getMessage());
    }
    return s;
  }

  /** @return the latest final verification, or null before the first switch */
  Status latest() {
    return latest;
  }

  /**
   * Waits for the running final verification.
   *
   * @param timeout how long at most
   * @return its status, or null when none ran
   * @throws BatonException when it does not end in time
   */
  Status await(Duration timeout) {
    try {
      return running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new BatonException("the final verification did not end within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw new BatonException("final verification: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException("interrupted while waiting for the final verification", e);
    }
  }

  /** Stops the background thread; a comparison in progress ends when its connections close. */
  @Override
  public void close() {
    thread.shutdownNow();
  }
}
