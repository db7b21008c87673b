package io.baton.reconciler;

import io.baton.BatonException;
import io.baton.event.ApplyHolds;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.pg.TxSnapshot;
import io.baton.spec.RowTransform;
import io.baton.spec.VerifySettings;
import io.baton.state.ChunkPlanner;
import io.baton.state.SnapshotChunk;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares spec(source) with the target while both are live and the pipeline applies changes,
 * chunk by chunk, with no false difference under load and no real one missed.
 *
 * <p>Each table is cut into chunks of about {@link Settings#chunkBytes()} of source heap: key
 * ranges at the quantiles of a block sample ({@link ChunkPlanner}), so a chunk holds fewer wide rows
 * than narrow ones; a table without a primary key is one chunk. For each chunk:
 *
 * <ol>
 *   <li>the table's apply is paused, then a repeatable-read transaction on the source takes
 *       snapshot S ({@code pg_current_snapshot()}), which sees everything the target table holds;
 *   <li>the apply goes on to S's edge ({@link ApplyHolds}): it applies every change S sees and
 *       stops before the first one S does not see;
 *   <li>while the pipeline gets there, the source chunk's row count and checksum are computed in S
 *       ({@link RowSummary}; the spec's renames and drops leave values as they are, so hashing is
 *       pushed down into SQL on both sides and two numbers cross the network);
 *   <li>once held, a repeatable-read transaction on the target takes its snapshot T, and the hold
 *       is released: T sees the target table exactly as S sees the source one, and the target
 *       chunk's count and checksum are computed in T while the apply goes on;
 *   <li>when they differ, both sides' rows of the chunk are merged by key ({@link RowDiff}) in the
 *       same two snapshots, down to each row missing, extra or differing, with its columns and both
 *       values.
 * </ol>
 *
 * A hold that turns out inexact (the snapshot sees a transaction committed after the edge, out of
 * commit order) is placed again under a newer snapshot. A chunk that differs is compared again
 * under a newer snapshot, up to {@link Settings#rechecks()} times; only a difference that is still
 * there the last time is reported. The hold keeps a table's
 * apply paused for about one trip of the drain marker through the pipeline, whatever the chunk's
 * size; the other tables are applied meanwhile.
 */
public final class LiveVerifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveVerifier.class);
  /** How many holds in a row may turn out inexact before a chunk's comparison gives up. */
  static final int MAX_INEXACT_HOLDS = 20;

  /**
   * @param chunkBytes the source heap a chunk covers, in bytes, at least 1
   * @param rechecks how often a differing chunk is compared again before it is reported, at least 0
   * @param holdTimeout how long to wait for the apply to reach a snapshot's edge
   * @param describedRows how many mismatched rows of a table are described
   */
  public record Settings(long chunkBytes, int rechecks, Duration holdTimeout, int describedRows) {
    /** 16 MiB chunks, 3 rechecks, 60 s to reach a snapshot's edge, {@link Reconciler#DESCRIBED_ROWS} described. */
    public static final Settings DEFAULTS = new Settings(16L << 20, 3, Duration.ofSeconds(60), Reconciler.DESCRIBED_ROWS);

    /**
     * @param verify the spec's verify section
     * @return its chunk size and rechecks, with the default timeout and described rows
     */
    public static Settings of(VerifySettings verify) {
      return new Settings(verify.chunkBytes(), verify.rechecks(), DEFAULTS.holdTimeout(), DEFAULTS.describedRows());
    }

    public Settings {
      if (chunkBytes < 1 || rechecks < 0 || describedRows < 0) {
        throw new IllegalArgumentException("chunkBytes must be positive and rechecks, describedRows not negative");
      }
    }
  }

  /** Called after each chunk with the source rows it covered: where a pass is throttled. */
  @FunctionalInterface
  public interface Pacer {
    /**
     * @param rows source rows the chunk covered
     * @throws InterruptedException when interrupted while waiting
     */
    void chunkDone(long rows) throws InterruptedException;

    /** No pause. */
    Pacer NONE = rows -> { };
  }

  /** The outcome of one chunk's last comparison. */
  private record ChunkResult(RowSummary source, RowSummary target, long mismatched, List<RowDifference> described,
      int rechecks) {}

  private final Database source;
  private final Database target;
  private final ApplyHolds holds;
  private final Settings settings;
  private Connection sourceConn;
  private Connection targetConn;
  /** Written by the verifying thread only; read by metrics. */
  private volatile long heldNanos;
  private long rechecks;
  private long inexactHolds;

  /**
   * @param source the source database
   * @param target the target database
   * @param holds the running pipeline's holds
   * @param settings chunk size, rechecks, timeouts
   */
  public LiveVerifier(Database source, Database target, ApplyHolds holds, Settings settings) {
    this.source = source;
    this.target = target;
    this.holds = holds;
    this.settings = settings;
  }

  /**
   * One full pass over one table.
   *
   * @param table the source table
   * @param transform its transform
   * @param pacer called after each chunk
   * @return the comparison: counts and checksums are the sums over the chunks, each chunk compared
   *     at its own snapshot; {@link TableComparison#equal()} is true when every chunk was equal
   * @throws BatonException when either side cannot be read, or the apply does not pause or reach
   *     a snapshot's edge in time
   * @throws InterruptedException when interrupted
   */
  public TableComparison verify(TableInfo table, RowTransform transform, Pacer pacer) throws InterruptedException {
    long start = System.nanoTime();
    KeptColumns kept = KeptColumns.of(table, transform);
    List<SnapshotChunk> plan = plan(table, transform);
    RowSummary sourceSum = RowSummary.EMPTY;
    RowSummary targetSum = RowSummary.EMPTY;
    long mismatched = 0;
    List<RowDifference> described = new ArrayList<>();
    for (SnapshotChunk chunk : plan) {
      ChunkResult r = compareChunk(table, transform, kept, chunk);
      sourceSum = sourceSum.plus(r.source());
      targetSum = targetSum.plus(r.target());
      mismatched += r.mismatched();
      r.described().stream().limit(Math.max(0, settings.describedRows() - described.size())).forEach(described::add);
      pacer.chunkDone(r.source().rows());
    }
    List<CheckResult> checks = transform.checks().isEmpty() ? List.of() : declaredChecks(table, transform);
    TableComparison c = new TableComparison(table.name().toString(), transform.targetTable().toString(), sourceSum.rows(),
        targetSum.rows(), sourceSum.checksum().toString(), targetSum.checksum().toString(), mismatched,
        (System.nanoTime() - start) / 1_000_000, described, checks);
    LOG.info("live verify {} -> {}: {} chunks, {} / {} rows, {} (so far {} rechecks, {} holds placed again, apply held"
        + " {} ms in all)", c.source(), c.target(), plan.size(), c.sourceRows(), c.targetRows(),
        c.equal() ? "equal" : mismatched + " rows differ", rechecks, inexactHolds, heldNanos / 1_000_000);
    described.stream().limit(10).forEach(d -> LOG.warn("live verify {}: {}", c.source(), d));
    checks.stream().filter(k -> !k.passed())
        .forEach(k -> LOG.warn("live verify {}: check {} failed in {} of {}: {}", c.source(), k.name(), k.differing(),
            k.compared(), k.details()));
    return c;
  }

  private List<SnapshotChunk> plan(TableInfo table, RowTransform transform) {
    if (!table.hasPrimaryKey()) {
      return List.of(SnapshotChunk.wholeTable());
    }
    try {
      Connection s = sourceConnection();
      List<SnapshotChunk> plan = ChunkPlanner.plan(s, table, transform.targetTable(), settings.chunkBytes()).chunks();
      s.commit();
      return plan;
    } catch (SQLException e) {
      throw PgErrors.classify("planning the verification chunks of " + table.name(), e);
    }
  }

  private ChunkResult compareChunk(TableInfo table, RowTransform transform, KeptColumns kept, SnapshotChunk chunk)
      throws InterruptedException {
    ChunkResult r = null;
    for (int attempt = 0; attempt <= settings.rechecks(); attempt++) {
      if (attempt > 0) {
        rechecks++;
        try (io.baton.LogFields f = io.baton.LogFields.of("table", table.name().toString())) {
          LOG.info("live verify {}: chunk {} differs in {} rows; comparing again ({} of {})", table.name(), chunk.index(),
              r.mismatched(), attempt, settings.rechecks());
        }
      }
      r = compareOnce(table, transform, kept, chunk, attempt);
      if (r.mismatched() == 0) {
        return r;
      }
    }
    return r;
  }

  /** One comparison of a chunk in one pair of snapshots. */
  private ChunkResult compareOnce(TableInfo table, RowTransform transform, KeptColumns kept, SnapshotChunk chunk,
      int attempt) throws InterruptedException {
    String sourceWhere = chunk.predicate(table);
    String targetWhere = chunk.predicate(table, transform.targetColumns(table.primaryKey()));
    return underHold(table, transform, "verifying chunk " + chunk.index() + " of " + table.name(),
        s -> kept.sourceSummary(s, table.name(), sourceWhere),
        (s, t, sourceRows) -> {
          RowSummary targetRows = RowSummary.read(t, transform.targetTable(), kept.target(), targetWhere);
          if (sourceRows.equals(targetRows)) {
            return new ChunkResult(sourceRows, targetRows, 0, List.of(), attempt);
          }
          RowDiff.Side sourceSide = kept.sourceSide(source, table, sourceWhere);
          RowDiff.Side targetSide = kept.targetSide(target, table, transform, targetWhere);
          RowDiff.Result diff = table.hasPrimaryKey()
              ? RowDiff.compare(s, t, sourceSide, targetSide, settings.describedRows())
              : RowDiff.compareKeyless(s, t, sourceSide, targetSide,
                  Math.min(settings.describedRows(), Reconciler.DESCRIBED_KEYLESS_ROWS));
          return new ChunkResult(sourceRows, targetRows, Math.max(diff.count(), 1), diff.described(), attempt);
        });
  }

  /** The checks the spec declares for the table, in one pair of snapshots, compared again while they fail. */
  private List<CheckResult> declaredChecks(TableInfo table, RowTransform transform) throws InterruptedException {
    List<CheckResult> r = List.of();
    for (int attempt = 0; attempt <= settings.rechecks(); attempt++) {
      r = underHold(table, transform, "running the declared checks of " + table.name(), s -> null,
          (s, t, none) -> DeclaredChecks.run(s, t, table, transform));
      if (r.stream().allMatch(CheckResult::passed)) {
        return r;
      }
      rechecks++;
    }
    return r;
  }

  /** Work on the source alone, in the snapshot, while the apply makes its way to the snapshot's edge. */
  @FunctionalInterface
  private interface SourceWork<A> {
    A run(Connection source) throws SQLException;
  }

  /** Work on both sides, in the source snapshot and the target snapshot taken at its edge. */
  @FunctionalInterface
  private interface HeldWork<A, R> {
    R run(Connection source, Connection target, A early) throws SQLException;
  }

  /**
   * Pauses the table's apply, takes a source snapshot, lets the apply go on to the snapshot's edge
   * while {@code early} runs on the source, takes a target snapshot there and releases the hold at
   * once, then runs {@code held} on both sides, each in its snapshot, while the apply goes on.
   */
  private <A, R> R underHold(TableInfo table, RowTransform transform, String what, SourceWork<A> early,
      HeldWork<A, R> held) throws InterruptedException {
    try {
      for (int inexact = 0; ; inexact++) {
        Connection s = sourceConnection();
        Connection t = targetConnection();
        Future<A> first;
        boolean exact;
        ApplyHolds.Hold hold = holds.hold(transform.targetTable());
        long pausedAt = System.nanoTime();
        try {
          hold.awaitPaused(settings.holdTimeout());
          hold.advanceTo(takeSnapshot(s));
          first = CompletableFuture.supplyAsync(() -> {
            try {
              return early.run(s);
            } catch (SQLException e) {
              throw PgErrors.classify(what + " on the source", e);
            }
          });
          exact = awaitHeld(hold, what);
          if (exact) {
            // the first statement of a repeatable-read transaction takes its snapshot (PostgreSQL
            // manual, 13.2.2): the target's, taken while the table is held at the source snapshot's
            // edge, keeps seeing the table as it is now however far the apply goes on once released
            takeSnapshot(t);
          }
        } finally {
          hold.close();
          heldNanos += System.nanoTime() - pausedAt;
        }
        A fromSource = join(first);
        if (exact) {
          R r = held.run(s, t, fromSource);
          s.commit();
          t.commit();
          return r;
        }
        s.rollback();
        t.rollback();
        inexactHolds++;
        if (inexact >= MAX_INEXACT_HOLDS) {
          throw new BatonException(what + ": the table could not be held at the edge of " + MAX_INEXACT_HOLDS
              + " source snapshots in a row (transactions seen out of their commit order, or an apply too far behind"
              + " to reach the edge in time)", null, true);
        }
      }
    } catch (SQLException e) {
      closeConnections();
      throw PgErrors.classify(what, e);
    } catch (RuntimeException | InterruptedException e) {
      closeConnections();
      throw e;
    }
  }

  /**
   * @return true when the apply is held at the snapshot's edge; false when the hold must be placed
   *     again under a newer snapshot: the snapshot saw transactions out of commit order, or the
   *     apply did not reach its edge in time (a backlog: the apply goes on meanwhile, so a newer
   *     snapshot's edge is nearer)
   * @throws BatonException when the apply stopped on an error
   */
  private boolean awaitHeld(ApplyHolds.Hold hold, String what) throws InterruptedException {
    try {
      return hold.awaitHeld(settings.holdTimeout());
    } catch (BatonException e) {
      if (!e.isRetriable()) {
        throw e;
      }
      LOG.info("{}: {}; placing the hold again under a newer snapshot", what, e.getMessage());
      return false;
    }
  }

  private static TxSnapshot takeSnapshot(Connection s) throws SQLException {
    try (Statement st = s.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_snapshot()::text")) {
      rs.next();
      return TxSnapshot.parse(rs.getString(1));
    }
  }

  private static <T> T join(Future<T> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
      throw cause instanceof BatonException b ? b : new BatonException(cause.getMessage(), cause);
    }
  }

  /** A source connection in a repeatable-read, read-only transaction: its first query takes the snapshot. */
  private Connection sourceConnection() throws SQLException {
    if (sourceConn == null) {
      sourceConn = source.connect();
      sourceConn.setAutoCommit(false);
      sourceConn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      sourceConn.setReadOnly(true);
    }
    return sourceConn;
  }

  /** A target connection in a repeatable-read, read-only transaction: its first query, taken at a hold's edge, takes the snapshot. */
  private Connection targetConnection() throws SQLException {
    if (targetConn == null) {
      targetConn = target.connect();
      targetConn.setAutoCommit(false);
      targetConn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      targetConn.setReadOnly(true);
    }
    return targetConn;
  }

  private void closeConnections() {
    for (Connection c : new Connection[] {sourceConn, targetConn}) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // replaced at the next chunk
        }
      }
    }
    sourceConn = null;
    targetConn = null;
  }

  /**
   * @return how long this verifier has held tables' apply in all, ms: from each hold's placing to
   *     its release, inexact holds included
   */
  public long applyHeldMs() {
    return heldNanos / 1_000_000;
  }

  @Override
  public void close() {
    closeConnections();
  }
}
