package io.baton.bench;

import static io.baton.bench.BenchDb.query;

import io.baton.BatonException;
import io.baton.cli.ReplicationPipeline;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.Pgbench;
import io.baton.pg.Database;
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
 *       replication, with its subscription then disabled; B6, Baton, with its pipeline then stopped.
 *       Both slots now keep every change.
 *   <li>The same fixed backlog is written once ({@code pgbench -n -t}): 4 row changes per
 *       transaction (three updates and an insert).
 *   <li>B3 is enabled and timed until the target holds the backlog's last change; then B6's
 *       pipeline is started and timed the same way (its start-up included).
 *   <li>With Baton streaming, pgbench writes at a steady rate; after a warm-up at that rate, every
 *       applied change's end-to-end lag (source commit to target commit, both clocks on this machine)
 *       goes into a histogram.
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

  StreamBench(EmbeddedEnvironment env, int scale, int transactions, int rate, int seconds) {
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
    b3.disable();
    BenchMigration b6 = new BenchMigration("bench", source, BenchDb.emptyDatabase(env, "b6"), 4);
    b6.snapshot();
    Path work = env.workDir().resolve("baton");
    ReplicationPipeline pipeline = start(b6, work);
    pipeline.drain(Duration.ofMinutes(2));
    pipeline.close();

    int clients = 4;
    LOG.info("backlog: pgbench -n -t {} -c {}", transactions / clients, clients);
    Pgbench.run(source, List.of("-n", "-t", Integer.toString(transactions / clients), "-c", Integer.toString(clients), "-j", "2"),
        logs);
    long changes = (long) (transactions / clients) * clients * CHANGES_PER_TRANSACTION;
    String history = query(source, "SELECT count(*) FROM pgbench_history");

    LOG.info("B3: native logical replication catches up");
    long start = System.nanoTime();
    b3.enable();
    Database b3db = BenchDb.database(env.target(), "b3");
    awaitHistory(b3db, history, Duration.ofMinutes(10));
    long b3Ms = (System.nanoTime() - start) / 1_000_000;
    b3.drop();

    LOG.info("B6: Baton catches up");
    start = System.nanoTime();
    pipeline = start(b6, work);
    awaitHistory(b6.target, history, Duration.ofMinutes(10));
    long b6Ms = (System.nanoTime() - start) / 1_000_000;

    LOG.info("lag: pgbench at {} transactions/s, {} s of warm-up then {} s measured, with Baton streaming",
        rate, WARM_UP_SECONDS, seconds);
    Pgbench.run(source, steady(rate, WARM_UP_SECONDS, clients), logs);
    pipeline.drain(Duration.ofMinutes(2));
    pipeline.lagSinceLastCall();
    Pgbench.run(source, steady(rate, seconds, clients), logs);
    pipeline.drain(Duration.ofMinutes(2));
    Histogram lag = pipeline.lagSinceLastCall();
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
    out.put("b3_native", native3);
    out.put("b6_baton", baton6);
    double vsNative = Figures.ratio(baton6, native3, "events_per_s");
    out.put("ratio_vs_native", vsNative);
    out.put("lag_rate_tps", rate);
    out.put("lag_seconds", seconds);
    out.put("lag_changes", lag.getTotalCount());
    out.put("lag_p50_ms", lag.getValueAtPercentile(50));
    out.put("lag_p99_ms", lag.getValueAtPercentile(99));
    out.put("lag_max_ms", lag.getMaxValue());
    out.put("targets", Map.of("ratio_vs_native", 1.5, "lag_p99_ms", 250));
    out.put("meets_targets", vsNative >= 1.5 && lag.getValueAtPercentile(99) <= 250);
    return out;
  }

  private static List<String> steady(int rate, int seconds, int clients) {
    return List.of("-n", "-R", Integer.toString(rate), "-T", Integer.toString(seconds), "-c", Integer.toString(clients),
        "-j", "2");
  }

  private ReplicationPipeline start(BenchMigration b6, Path work) {
    return ReplicationPipeline.start(b6.spec.name(), b6.source, b6.target, b6.tables, env.kafka().bootstrapServers(), work);
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
