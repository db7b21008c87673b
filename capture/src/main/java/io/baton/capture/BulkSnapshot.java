package io.baton.capture;

import io.baton.BatonException;
import io.baton.event.TableLoader;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.Sql;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.progress.ProgressDisplay;
import io.baton.spec.RowTransform;
import io.baton.spec.SnapshotSettings;
import io.baton.state.ChunkPlanner;
import io.baton.state.SnapshotChunk;
import io.baton.state.SnapshotJournal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the source tables into the target under one snapshot, in parallel chunks.
 *
 * <p>On a first run the snapshot is the one the replication slot exported, so that the snapshot
 * and the stream of the same slot meet exactly: every change committed after the slot's
 * consistent point arrives through the stream, and nothing before it arrives twice. The plan
 * ({@link ChunkPlanner}) is journaled before any row is copied, and each chunk is marked done in
 * the target transaction that loads it ({@link SnapshotJournal}); a restart copies the chunks that
 * are not done, and only those.
 *
 * <p>Chunks run on {@link SnapshotSettings#parallelism()} threads, the largest tables first, so
 * that the long tail is short. The first failure stops the others at their next row batch; chunks
 * that committed stay done.
 */
public final class BulkSnapshot {
  private static final Logger LOG = LoggerFactory.getLogger(BulkSnapshot.class);

  private BulkSnapshot() {}

  /**
   * One table to copy.
   *
   * @param table the source table
   * @param transform its transform
   * @param state its journaled plan and progress
   */
  public record Job(TableInfo table, RowTransform transform, SnapshotJournal.TableState state) {}

  /**
   * Plans every table under a snapshot.
   *
   * @param source the source database
   * @param snapshotName the exported snapshot to plan under
   * @param tables the source tables with their transforms
   * @param settings chunk size
   * @return the plan, in the given table order
   * @throws BatonException when the catalog or a sample cannot be read
   */
  public static List<SnapshotJournal.TablePlan> plan(Database source, String snapshotName,
      Map<TableInfo, RowTransform> tables, SnapshotSettings settings) {
    try (Connection conn = source.connect()) {
      conn.setAutoCommit(false);
      importSnapshot(conn, snapshotName);
      List<SnapshotJournal.TablePlan> out = new ArrayList<>();
      for (var t : tables.entrySet()) {
        SnapshotJournal.TablePlan p = ChunkPlanner.plan(conn, t.getKey(), t.getValue().targetTable(), settings.chunkBytes());
        LOG.info("snapshot plan {}: {} chunk(s) of {}, about {} rows", t.getKey().name(), p.chunks().size(),
            p.chunks().get(0).kind(), p.estimatedRows());
        out.add(p);
      }
      conn.commit();
      return out;
    } catch (SQLException e) {
      throw PgErrors.classify("planning the bulk snapshot", e);
    }
  }

  /**
   * Plans every table under a snapshot and records the plan in the target's journal.
   *
   * @param source the source database
   * @param snapshotName the exported snapshot to plan under
   * @param target the target database, which holds the journal
   * @param migration the migration's name
   * @param tables the source tables with their transforms
   * @param settings chunk size
   * @throws BatonException when the plan cannot be made or recorded
   */
  public static void planAndRecord(Database source, String snapshotName, Database target, String migration,
      Map<TableInfo, RowTransform> tables, SnapshotSettings settings) {
    List<SnapshotJournal.TablePlan> plan = plan(source, snapshotName, tables, settings);
    try (Connection t = target.connect()) {
      SnapshotJournal.record(t, migration, plan);
    } catch (SQLException e) {
      throw PgErrors.classify("recording the snapshot plan of " + migration, e);
    }
  }

  /**
   * Copies every chunk that the target's journal does not list as done, under one snapshot.
   *
   * @param source the source database
   * @param snapshotName the exported snapshot every chunk reads under
   * @param target the target database, which holds the journal
   * @param migration the migration's name
   * @param tables the source tables with their transforms; each must be in the journal's plan
   * @param loader where the rows go
   * @param parallelism chunks copied at once
   * @param progress counters; tables are registered here
   * @return the chunks copied by this call
   * @throws BatonException for the first chunk that failed, or when a table has no plan
   */
  public static List<SnapshotJournal.ChunkDone> copyPending(Database source, String snapshotName, Database target,
      String migration, Map<TableInfo, RowTransform> tables, TableLoader loader, int parallelism, SnapshotProgress progress) {
    Map<TableName, SnapshotJournal.TableState> states;
    try (Connection t = target.connect()) {
      states = SnapshotJournal.load(t, migration);
    } catch (SQLException e) {
      throw PgErrors.classify("reading the snapshot journal of " + migration, e);
    }
    List<Job> jobs = new ArrayList<>();
    tables.forEach((table, transform) -> {
      SnapshotJournal.TableState state = states.get(table.name());
      if (state == null) {
        throw new BatonException("table " + table.name() + " has no snapshot plan in the journal of " + migration);
      }
      jobs.add(new Job(table, transform, state));
    });
    return run(source, snapshotName, migration, jobs, loader, parallelism, progress, Duration.ofSeconds(10));
  }

  /**
   * Starts a REPEATABLE READ, READ ONLY transaction on {@code conn} that reads under an exported
   * snapshot.
   *
   * @param conn a connection with auto-commit off, outside a transaction
   * @param snapshotName the exported snapshot
   * @throws SQLException when the snapshot is gone (its exporting session ended)
   */
  static void importSnapshot(Connection conn, String snapshotName) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      st.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshotName));
    }
  }

  /**
   * Copies every chunk that is not done yet.
   *
   * @param source the source database
   * @param snapshotName the exported snapshot every chunk reads under
   * @param migration the migration's name, for the journal
   * @param jobs the tables
   * @param loader where the rows go
   * @param parallelism chunks copied at once
   * @param progress counters; tables are registered here
   * @param logEvery how often progress is logged
   * @return the chunks copied by this call
   * @throws BatonException for the first chunk that failed, naming table and chunk; chunks that
   *     committed stay done
   */
  public static List<SnapshotJournal.ChunkDone> run(Database source, String snapshotName, String migration,
      List<Job> jobs, TableLoader loader, int parallelism, SnapshotProgress progress, Duration logEvery) {
    record Task(Job job, SnapshotChunk chunk, SnapshotProgress.Table progress) {}
    List<Task> tasks = new ArrayList<>();
    List<Job> largestFirst = new ArrayList<>(jobs);
    largestFirst.sort(Comparator.comparingLong((Job j) -> j.state().plan().estimatedRows()).reversed());
    for (Job j : largestFirst) {
      SnapshotJournal.TableState s = j.state();
      SnapshotProgress.Table p = progress.add(j.table().name(), s.plan().estimatedRows(), s.plan().chunks().size(),
          s.done().size(), s.rowsDone());
      for (SnapshotChunk c : s.plan().chunks()) {
        if (!s.done().containsKey(c.index())) {
          tasks.add(new Task(j, c, p));
        }
      }
    }
    AtomicBoolean aborted = new AtomicBoolean();
    ChunkCopier copier = new ChunkCopier(source, snapshotName, loader, migration, aborted::get);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, tasks.size())),
        daemonThreads("baton-snapshot"));
    ProgressDisplay display = ProgressDisplay.start("baton-snapshot-progress", () -> progress.bar(30), progress::line, logEvery,
        LOG);
    ExecutorCompletionService<SnapshotJournal.ChunkDone> done = new ExecutorCompletionService<>(pool);
    List<Future<SnapshotJournal.ChunkDone>> futures = new ArrayList<>();
    for (Task t : tasks) {
      futures.add(done.submit(() -> copier.copy(t.job.table(), t.job.transform(), t.job.state().plan().target(),
          t.chunk, t.progress)));
    }
    List<SnapshotJournal.ChunkDone> out = new ArrayList<>();
    BatonException failure = null;
    try {
      for (int i = 0; i < futures.size(); i++) {
        try {
          out.add(done.take().get());
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof BatonException b ? b : new BatonException(e.getCause().toString(), e.getCause());
            aborted.set(true);
          }
        }
      }
    } catch (InterruptedException e) {
      aborted.set(true);
      throw new BatonException("bulk snapshot interrupted after " + out.size() + " of " + tasks.size() + " chunks", e);
    } finally {
      pool.shutdownNow();
      display.stop(failure == null && out.size() == futures.size());
    }
    if (failure != null) {
      throw failure;
    }
    LOG.info("{} ({} chunks in this run)", progress.line(), out.size());
    return out;
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
