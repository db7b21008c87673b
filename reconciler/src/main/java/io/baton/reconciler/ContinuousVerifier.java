package io.baton.reconciler;

import io.baton.event.ApplyHolds;
import io.baton.pg.Database;
import io.baton.pg.TableInfo;
import io.baton.spec.RowTransform;
import io.baton.spec.VerifySettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live verification that never stops: passes of the {@link LiveVerifier} over every table, back to
 * back, in a background thread, paced by {@link VerifySettings#rowsPerSecond()} and backing off
 * while the apply lags ({@link VerifySettings#backOffLagMs()}). After each table's pass the result
 * goes into the state schema ({@link VerifyResults}) and into {@link #results()}, where metrics and
 * the cutover gate read it.
 *
 * <p>An error (a database gone, a hold that times out) is logged and the table is tried again after
 * {@link #RETRY_MS}; it never stops the migration.
 */
public final class ContinuousVerifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ContinuousVerifier.class);
  /** Wait after a failed table pass, in ms. */
  static final long RETRY_MS = 5_000;

  private final String migration;
  private final Database stateDb;
  private final Map<TableInfo, RowTransform> tables;
  private final LiveVerifier verifier;
  private final VerifyPacer pacer;
  private final Thread thread;
  private final Map<String, VerifyResults.TableResult> results = new ConcurrentHashMap<>();
  private final AtomicLong rowsVerified = new AtomicLong();
  private volatile double rowsPerSecond;
  private volatile String lastError;
  private volatile boolean running = true;

  private ContinuousVerifier(String migration, Database origin, Database destination, Database stateDb, ApplyHolds holds,
      Map<TableInfo, RowTransform> tables, VerifySettings settings, LongSupplier applyLagMs) {
    this.migration = migration;
    this.stateDb = stateDb;
    this.tables = Map.copyOf(tables);
    this.verifier = new LiveVerifier(origin, destination, holds, LiveVerifier.Settings.of(settings));
    this.pacer = new VerifyPacer(settings.rowsPerSecond(), settings.backOffLagMs(), applyLagMs, System::nanoTime,
        Thread::sleep);
    this.thread = new Thread(() -> loop(List.copyOf(tables.keySet()), tables), "baton-verify-" + migration);
    this.thread.setDaemon(true);
  }

  /**
   * Starts verifying in a background thread.
   *
   * @param migration the migration (names its rows in the state schema)
   * @param origin the database changes come from
   * @param destination the database they are applied to
   * @param stateDb the database holding Baton's state schema (the target)
   * @param holds the running pipeline's holds
   * @param tables the origin's tables with their transforms
   * @param settings the spec's verify section
   * @param applyLagMs the pipeline's current apply lag, ms
   * @return the running verifier
   */
  public static ContinuousVerifier start(String migration, Database origin, Database destination, Database stateDb,
      ApplyHolds holds, Map<TableInfo, RowTransform> tables, VerifySettings settings, LongSupplier applyLagMs) {
    ContinuousVerifier v = new ContinuousVerifier(migration, origin, destination, stateDb, holds, tables, settings, applyLagMs);
    v.thread.start();
    LOG.info("live verification of {} runs: {} tables, chunks of {} MiB, at most {} rows/s", migration, tables.size(),
        settings.chunkMegabytes(), settings.rowsPerSecond() == 0 ? "unlimited" : settings.rowsPerSecond());
    return v;
  }

  private void loop(List<TableInfo> order, Map<TableInfo, RowTransform> transforms) {
    // structured logs (BATON_LOG_FORMAT=json) carry these as fields
    org.slf4j.MDC.put("migration", migration);
    org.slf4j.MDC.put("stage", "verify");
    while (running) {
      long passStart = System.nanoTime();
      long passRows = 0;
      for (TableInfo table : order) {
        if (!running) {
          return;
        }
        long started = System.currentTimeMillis();
        try {
          TableComparison c = verifier.verify(table, transforms.get(table), this::chunkDone);
          passRows += c.sourceRows();
          try (Connection conn = stateDb.connect()) {
            results.put(c.source(), VerifyResults.record(conn, migration, c, started, System.currentTimeMillis()));
          }
          lastError = null;
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException | SQLException e) {
          if (!running) {
            return;
          }
          lastError = table.name() + ": " + e.getMessage();
          try (io.baton.LogFields f = io.baton.LogFields.of("table", table.name().toString())) {
            LOG.warn("live verify of {} failed, trying again in {} ms: {}", table.name(), RETRY_MS, e.getMessage());
          }
          try {
            Thread.sleep(RETRY_MS);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
      double seconds = (System.nanoTime() - passStart) / 1e9;
      rowsPerSecond = seconds > 0 ? passRows / seconds : 0;
    }
  }

  private void chunkDone(long rows) throws InterruptedException {
    rowsVerified.addAndGet(rows);
    pacer.chunkDone(rows);
  }

  /** @return each table's last pass, by source table name; tables not yet passed are absent */
  public Map<String, VerifyResults.TableResult> results() {
    return Map.copyOf(results);
  }

  /** @return the tables being verified */
  public Map<TableInfo, RowTransform> tables() {
    return tables;
  }

  /**
   * What the cutover gate reads: when every table last passed clean.
   *
   * @return the end of the oldest of the tables' last clean passes, ms since the epoch: every
   *     table has been found equal since then; 0 while a table has no clean pass yet
   */
  public long lastCleanFullPassAtMs() {
    Map<String, VerifyResults.TableResult> now = results();
    if (now.size() < tables.size()) {
      return 0;
    }
    return now.values().stream().mapToLong(VerifyResults.TableResult::lastCleanPassAtMs).min().orElse(0);
  }

  /**
   * What the rollback trigger reads: the share of rows found different.
   *
   * @return mismatched rows over source rows compared, in the tables' last passes; 0 before any
   */
  public double mismatchRatio() {
    long rows = 0;
    long mismatched = 0;
    for (VerifyResults.TableResult r : results().values()) {
      rows += r.sourceRows();
      mismatched += r.mismatchedRows();
    }
    return rows == 0 ? 0 : (double) mismatched / rows;
  }

  /** @return source rows compared since start, all tables */
  public long rowsVerified() {
    return rowsVerified.get();
  }

  /** @return how long live verification has held tables' apply since start, all tables, ms ({@link LiveVerifier#applyHeldMs}) */
  public long applyHeldMs() {
    return verifier.applyHeldMs();
  }

  /** @return source rows compared per second over the last full pass; 0 before the first */
  public double rowsPerSecond() {
    return rowsPerSecond;
  }

  /** @return true while waiting for the apply lag to come down */
  public boolean backingOff() {
    return pacer.backingOff();
  }

  /** @return the last error, null when the last table pass succeeded */
  public String lastError() {
    return lastError;
  }

  /** Stops after the chunk in progress; waits up to 30 s. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    verifier.close();
  }
}
