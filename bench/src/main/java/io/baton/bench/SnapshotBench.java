package io.baton.bench;

import static io.baton.bench.BenchDb.query;

import io.baton.BatonException;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.Pgbench;
import io.baton.pg.Database;
import io.baton.reconciler.Reconciler;
import io.baton.reconciler.TableComparison;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bench/run snapshot}: copies pgbench's four tables from the source into three fresh target
 * databases, one after the other, and reports rows per second of each:
 *
 * <ul>
 *   <li>B1: a raw {@code psql -c "COPY t TO STDOUT" | psql -c "COPY t FROM STDIN"} pipe per table;
 *   <li>B3: PostgreSQL's own logical replication, from {@code CREATE SUBSCRIPTION} until every table's
 *       initial sync is ready ({@code pg_subscription_rel.srsubstate = 'r'});
 *   <li>B6: Baton's bulk snapshot (slot with exported snapshot, plan, parallel chunks, transform with a
 *       table and a column rename, checksums), checked equal to the source by the reconciler.
 * </ul>
 *
 * <p>Every target table has its primary key before the copy in all three, as pgbench's own
 * {@code -I dtp} creates it. Targets: {@code ratio_vs_copy_pipe} (B6/B1) at least 0.8 and
 * {@code ratio_vs_native} (B6/B3) at least 1.0.
 */
final class SnapshotBench {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotBench.class);

  private final EmbeddedEnvironment env;
  private final int scale;
  private final int parallelism;
  private final Path logs;

  SnapshotBench(EmbeddedEnvironment env, int scale, int parallelism) {
    this.env = env;
    this.scale = scale;
    this.parallelism = parallelism;
    this.logs = env.workDir().resolve("bench.log");
  }

  Map<String, Object> run() throws IOException, InterruptedException {
    LOG.info("pgbench -i -s {} on the source", scale);
    Database source = BenchDb.initializeSource(env, scale, logs);
    long rows = BenchDb.rows(source);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "snapshot");
    out.put("scale", scale);
    out.put("rows", rows);
    out.put("source_mb", Long.parseLong(query(source, "SELECT pg_database_size(current_database()) / 1000000")));
    Map<String, Object> b1 = Figures.rate("rows_per_s", rows, copyPipe(source, BenchDb.emptyTarget(env, "b1", scale, logs)));
    Map<String, Object> b3 = Figures.rate("rows_per_s", rows, nativeSync(source, BenchDb.emptyTarget(env, "b3", scale, logs)));
    Map<String, Object> b6 = Figures.rate("rows_per_s", rows, baton(source));
    b6.put("parallelism", parallelism);
    out.put("b1_copy_pipe", b1);
    out.put("b3_native", b3);
    out.put("b6_baton", b6);
    double vsCopy = Figures.ratio(b6, b1, "rows_per_s");
    double vsNative = Figures.ratio(b6, b3, "rows_per_s");
    out.put("ratio_vs_copy_pipe", vsCopy);
    out.put("ratio_vs_native", vsNative);
    out.put("targets", Map.of("ratio_vs_copy_pipe", 0.8, "ratio_vs_native", 1.0));
    out.put("meets_targets", vsCopy >= 0.8 && vsNative >= 1.0);
    return out;
  }

  private long copyPipe(Database source, Database target) throws IOException, InterruptedException {
    LOG.info("B1: COPY pipe");
    long start = System.nanoTime();
    for (String t : BenchDb.TABLES) {
      List<Process> pipe = ProcessBuilder.startPipeline(List.of(
          psql(source, "COPY " + t + " TO STDOUT").redirectError(ProcessBuilder.Redirect.appendTo(logs.toFile())),
          psql(target, "COPY " + t + " FROM STDIN").redirectError(ProcessBuilder.Redirect.appendTo(logs.toFile()))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.toFile()))));
      for (Process p : pipe) {
        if (p.waitFor() != 0) {
          throw new BatonException("COPY pipe of " + t + " failed (exit " + p.exitValue() + "); see " + logs);
        }
      }
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    BenchDb.checkCounts(source, target, "B1");
    return ms;
  }

  private static ProcessBuilder psql(Database db, String sql) {
    return new ProcessBuilder(Pgbench.psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", db.host(), "-p",
        Integer.toString(db.port()), "-U", db.user(), "-d", db.database(), "-c", sql);
  }

  private long nativeSync(Database source, Database target) throws InterruptedException {
    LOG.info("B3: native logical replication, initial sync");
    long start = System.nanoTime();
    NativeSubscription sub = NativeSubscription.create(source, target, "bench_native", true);
    sub.awaitInitialSync();
    long ms = (System.nanoTime() - start) / 1_000_000;
    sub.drop();
    BenchDb.checkCounts(source, target, "B3");
    return ms;
  }

  private long baton(Database source) {
    LOG.info("B6: Baton bulk snapshot, parallelism {}", parallelism);
    BenchMigration b6 = new BenchMigration("bench", source, BenchDb.emptyDatabase(env, "b6"), parallelism);
    long ms = b6.snapshot();
    b6.dropSlot();
    for (TableComparison c : Reconciler.compare(source, b6.target, b6.tables)) {
      if (!c.equal()) {
        throw new BatonException("B6 copied " + c.source() + " wrongly: " + c);
      }
    }
    return ms;
  }
}
