package io.baton.bench;

import io.baton.BatonException;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.pg.Database;
import io.baton.reconciler.Reconciler;
import io.baton.reconciler.TableComparison;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bench/run verify}: how long a full verification of a migrated database takes, next to
 * the bulk snapshot that copied it, in one run on the same pgbench data: Baton's bulk snapshot
 * into a fresh target database, then one full pass of the reconciler (row counts and checksums of
 * every table on both sides), which must find them equal.
 *
 * <p>Target: {@code ratio_vs_snapshot} (verify time over snapshot time) at most 0.5.
 */
final class VerifyBench {
  private static final Logger LOG = LoggerFactory.getLogger(VerifyBench.class);

  private final EmbeddedEnvironment env;
  private final int scale;
  private final int parallelism;
  private final Path logs;

  VerifyBench(EmbeddedEnvironment env, int scale, int parallelism) {
    this.env = env;
    this.scale = scale;
    this.parallelism = parallelism;
    this.logs = env.workDir().resolve("bench.log");
  }

  Map<String, Object> run() {
    LOG.info("pgbench -i -s {} on the source", scale);
    Database source = BenchDb.initializeSource(env, scale, logs);
    long rows = BenchDb.rows(source);
    BenchMigration b6 = new BenchMigration("verify", source, BenchDb.emptyDatabase(env, "verify"), parallelism);
    LOG.info("snapshot: Baton copies {} rows", rows);
    long snapshotMs = b6.snapshot();
    b6.dropSlot();

    LOG.info("verify: one full reconciler pass");
    CpuProfile cpu = CpuProfile.start();
    long start = System.nanoTime();
    List<TableComparison> pass = Reconciler.compare(source, b6.target, b6.tables);
    long verifyMs = (System.nanoTime() - start) / 1_000_000;
    Map<String, Long> profile = cpu.stop();
    for (TableComparison c : pass) {
      if (!c.equal()) {
        throw new BatonException("the reconciler found " + c.source() + " copied wrongly: " + c);
      }
    }

    double ratio = Math.round(100.0 * verifyMs / Math.max(1, snapshotMs)) / 100.0;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "verify");
    out.put("scale", scale);
    out.put("rows", rows);
    out.put("snapshot_seconds", snapshotMs / 1000.0);
    out.put("verify_seconds", verifyMs / 1000.0);
    out.put("rows_per_second", verifyMs == 0 ? rows : rows * 1000 / verifyMs);
    out.put("ratio_vs_snapshot", ratio);
    out.put("verify_cpu_percent", profile);
    out.put("targets", Map.of("ratio_vs_snapshot", 0.5));
    out.put("meets_targets", ratio <= 0.5);
    return out;
  }
}
