package io.baton.bench;

import static io.baton.bench.BenchDb.query;

import io.baton.BatonException;
import io.baton.cli.ReplicationPipeline;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.Pgbench;
import io.baton.pg.Database;
import io.baton.reconciler.ContinuousVerifier;
import io.baton.reconciler.Reconciler;
import io.baton.reconciler.TableComparison;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bench/run stream}: how fast the stream catches up, and its lag under a steady load.
 *
 * <ul>
 *   <li>Both contenders start from a copy of pgbench's tables: B3, PostgreSQL's own logical
 *       replication; B6, Baton. Both first stream a warm-up backlog (half the measured one), as a
 *       migration that has been running would have, so that Java's JIT compiler has compiled the
 *       stream path before it is timed; then B3's subscription is disabled and B6's pipeline
 *       stopped. Both slots now keep every change.
 *   <li>The same fixed backlog is written once ({@code pgbench -n -t}): 4 row changes per
 *       transaction (three updates and an insert).
 *   <li>B3 is enabled and timed until the target holds the backlog's last change; then B6's
 *       pipeline is started and timed the same way (its start-up included). For B6 the time at
 *       which capture had produced the whole backlog to Kafka and the sink had applied it are
 *       recorded too, and for both the CPU each process (and each of Baton's threads) used while
 *       catching up ({@link CpuProfile}): where the time goes.
 *   <li>With Baton streaming, pgbench writes at a steady rate; after a warm-up at that rate, every
 *       applied change's end-to-end lag (source commit to target commit, both clocks on this machine)
 *       goes into a histogram.
 *   <li>The same load again with the spec's continuous live verification running (as {@code baton
 *       run} has it): the lag's second histogram, side by side with the first, says what
 *       verification costs the stream; the time tables' apply was held is reported with it.
 * </ul>
 *
 * <p>Targets: {@code ratio_vs_native} (B6/B3 changes per second) at least 1.5, {@code lag_p99_ms}
 * at most 250.
 */
final class StreamBench {
  private static final Logger LOG = LoggerFactory.getLogger(StreamBench.class);
  private static final int CHANGES_PER_TRANSACTION = 4;
  /** Load before the lag is measured, so that the JIT compiler has done its work: steady state is measured. */
  private static final int WARM_UP_SECONDS = 15;

  private final EmbeddedEnvironment env;
  private final int scale;
  private final int transactions;
  private final int rate;
  private final int seconds;
  private final Path logs;
  private final int applyThreads;

  StreamBench(EmbeddedEnvironment env, int scale, int transactions, int rate, int seconds, int applyThreads) {
    this.applyThreads = applyThreads;
    this.env = env;
    this.scale = scale;
    this.transactions = transactions;
    this.rate = rate;
    this.seconds = seconds;
    this.logs = env.workDir().resolve("bench.log");
  }

  Map<String, Object> run() throws InterruptedException {
    LOG.info("pgbench -i -s {} on the source", scale);
    Database source = BenchDb.initializeSource(env, scale, logs);
    NativeSubscription b3 = NativeSubscription.create(source, BenchDb.emptyTarget(env, "b3", scale, logs), "bench_native", true);
    b3.awaitInitialSync();
    BenchMigration b6 = new BenchMigration("bench", source, BenchDb.emptyDatabase(env, "b6"), 4, applyThreads);
    b6.snapshot();
    Path work = env.workDir().resolve("baton");
    ReplicationPipeline pipeline = start(b6, work);
    int clients = 4;
    int warmUp = transactions / 2;
    LOG.info("warm-up: both stream a first backlog of {} transactions", warmUp);
    Pgbench.run(source, List.of("-n", "-t", Integer.toString(warmUp / clients), "-c", Integer.toString(clients), "-j", "2"),
        logs);
    String warmHistory = query(source, "SELECT count(*) FROM pgbench_history");
    awaitHistory(BenchDb.database(env.target(), "b3"), warmHistory, Duration.ofMinutes(10));
    awaitHistory(b6.target, warmHistory, Duration.ofMinutes(10));
    b3.disable();
    pipeline.close();

    LOG.info("backlog: pgbench -n -t {} -c {}", transactions / clients, clients);
    Pgbench.run(source, List.of("-n", "-t", Integer.toString(transactions / clients), "-c", Integer.toString(clients), "-j", "2"),
        logs);
    long changes = (long) (transactions / clients) * clients * CHANGES_PER_TRANSACTION;
    String history = query(source, "SELECT count(*) FROM pgbench_history");

    LOG.info("B3: native logical replication catches up");
    CpuProfile b3Cpu = CpuProfile.start();
    long start = System.nanoTime();
    b3.enable();
    Database b3db = BenchDb.database(env.target(), "b3");
    awaitHistory(b3db, history, Duration.ofMinutes(10));
    long b3Ms = (System.nanoTime() - start) / 1_000_000;
    Map<String, Long> b3Profile = b3Cpu.stop();
    b3.drop();

    LOG.info("B6: Baton catches up");
    CpuProfile b6Cpu = CpuProfile.start();
    start = System.nanoTime();
    pipeline = start(b6, work);
    long startedMs = (System.nanoTime() - start) / 1_000_000;
    long capturedMs = awaitStage(pipeline::capturedEvents, changes, start);
    long appliedMs = awaitStage(pipeline::appliedEvents, changes, start);
    awaitHistory(b6.target, history, Duration.ofMinutes(10));
    long b6Ms = (System.nanoTime() - start) / 1_000_000;
    Map<String, Long> b6Profile = b6Cpu.stop();
    LOG.info("B6: pipeline started after {} ms, backlog captured after {} ms, applied after {} ms", startedMs, capturedMs,
        appliedMs);

    LOG.info("lag: pgbench at {} transactions/s, {} s of warm-up then {} s measured, with Baton streaming",
        rate, WARM_UP_SECONDS, seconds);
    Pgbench.run(source, steady(rate, WARM_UP_SECONDS, clients), logs);
    pipeline.drain(Duration.ofMinutes(2));
    pipeline.lagSinceLastCall();
    Pgbench.run(source, steady(rate, seconds, clients), logs);
    pipeline.drain(Duration.ofMinutes(2));
    Histogram lag = pipeline.lagSinceLastCall();

    LOG.info("lag with live verification: the same {} s at {} transactions/s, with the spec's continuous verification",
        seconds, rate);
    Histogram verifiedLag;
    long verifiedRows;
    long heldMs;
    try (ContinuousVerifier verifier = ContinuousVerifier.start(b6.spec.name(), source, b6.target, b6.target, pipeline,
        b6.tables, b6.spec.verify(), pipeline::lastBatchLagMs)) {
      Pgbench.run(source, steady(rate, seconds, clients), logs);
      pipeline.drain(Duration.ofMinutes(2));
      verifiedLag = pipeline.lagSinceLastCall();
      verifiedRows = verifier.rowsVerified();
      heldMs = verifier.applyHeldMs();
    }
    pipeline.close();
    b6.dropSlot();
    for (TableComparison c : Reconciler.compare(source, b6.target, b6.tables)) {
      if (!c.equal()) {
        throw new BatonException("B6 streamed " + c.source() + " wrongly: " + c);
      }
    }

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "stream");
    out.put("scale", scale);
    out.put("backlog_transactions", changes / CHANGES_PER_TRANSACTION);
    out.put("backlog_changes", changes);
    Map<String, Object> native3 = Figures.rate("events_per_s", changes, b3Ms);
    Map<String, Object> baton6 = Figures.rate("events_per_s", changes, b6Ms);
    baton6.put("started_ms", startedMs);
    baton6.put("captured_ms", capturedMs);
    baton6.put("applied_ms", appliedMs);
    native3.put("cpu_percent", b3Profile);
    baton6.put("cpu_percent", b6Profile);
    out.put("b3_native", native3);
    out.put("b6_baton", baton6);
    double vsNative = Figures.ratio(baton6, native3, "events_per_s");
    out.put("ratio_vs_native", vsNative);
    out.put("apply_threads", applyThreads);
    out.put("lag_rate_tps", rate);
    out.put("lag_seconds", seconds);
    out.put("lag_changes", lag.getTotalCount());
    out.put("lag_p50_ms", lag.getValueAtPercentile(50));
    out.put("lag_p99_ms", lag.getValueAtPercentile(99));
    out.put("lag_max_ms", lag.getMaxValue());
    out.put("lag_live_verify_p50_ms", verifiedLag.getValueAtPercentile(50));
    out.put("lag_live_verify_p99_ms", verifiedLag.getValueAtPercentile(99));
    out.put("lag_live_verify_max_ms", verifiedLag.getMaxValue());
    out.put("live_verify_rows", verifiedRows);
    out.put("live_verify_apply_held_ms", heldMs);
    out.put("lag_p99_ratio_live_verify", Math.round(100.0 * verifiedLag.getValueAtPercentile(99)
        / Math.max(1, lag.getValueAtPercentile(99))) / 100.0);
    out.put("targets", Map.of("ratio_vs_native", 1.5, "lag_p99_ms", 250));
    out.put("meets_targets", vsNative >= 1.5 && lag.getValueAtPercentile(99) <= 250);
    return out;
  }

  private static List<String> steady(int rate, int seconds, int clients) {
    return List.of("-n", "-R", Integer.toString(rate), "-T", Integer.toString(seconds), "-c", Integer.toString(clients),
        "-j", "2");
  }

  private ReplicationPipeline start(BenchMigration b6, Path work) {
    return ReplicationPipeline.start(b6.spec.name(), b6.source, b6.target, b6.tables, io.baton.event.KafkaCluster.of(env.kafka().bootstrapServers()), work,
        b6.spec.apply());
  }

  /**
   * Waits until a stage's counter reaches {@code changes} (counters start at zero with the pipeline).
   *
   * @return ms since {@code start}
   */
  private static long awaitStage(java.util.function.LongSupplier counter, long changes, long start)
      throws InterruptedException {
    long deadline = start + Duration.ofMinutes(10).toNanos();
    while (counter.getAsLong() < changes) {
      if (System.nanoTime() > deadline) {
        throw new BatonException("the stage stopped at " + counter.getAsLong() + " of " + changes + " changes");
      }
      Thread.sleep(5);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static void awaitHistory(Database db, String rows, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!query(db, "SELECT count(*) FROM pgbench_history").equals(rows)) {
      if (System.nanoTime() > deadline) {
        throw new BatonException(db + " did not catch up within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }
}
