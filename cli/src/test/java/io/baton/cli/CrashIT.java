package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.pg.TableInfo;
import io.baton.reconciler.Reconciler;
import io.baton.reconciler.TableComparison;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import io.baton.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton run} killed with SIGKILL five times during the bulk snapshot and five times while
 * streaming, with a client writing the whole time (updates, inserts, deletes, key changes, and
 * changes to a table without a primary key), and started again each time: in the end the
 * reconciler finds spec(source) = target, row counts and checksums, so nothing was lost or doubled.
 * The first run's and the first streaming run's metrics are scraped over HTTP on the way.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class CrashIT {
  private static final String SPEC = WritingClient.spec("crash", "snapshot: { parallelism: 2, chunkMegabytes: 2 }\n");
  private static final int ACCOUNTS = 1_000_000;
  /** The child processes' logs, kept after the test for a post-mortem. */
  private static final Path LOGS = Path.of("target", "crash-it");

  private int metricsPort;

  @TempDir
  Path work;

  @Test
  void shouldConvergeAfterKillsDuringSnapshotAndStreaming(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, WritingClient.schema(ACCOUNTS, 150_000));
    Path spec = Files.writeString(work.resolve("crash.yaml"), SPEC);
    Files.createDirectories(LOGS);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    WritingClient writer = new WritingClient(source, ACCOUNTS, new Random(seed + 1));
    writer.start();
    Process baton = null;
    int run = 0;
    try {
      int snapshotKills = 0;
      while (snapshotKills < 5) {
        int before = chunksDone(target);
        baton = startBaton(env, spec, ++run);
        Process p = baton;
        Awaitility.await("a chunk copied in run " + run).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
            .until(() -> chunksDone(target) > before || !p.isAlive());
        if (run == 1) {
          String metrics = MetricsPage.scrape(metricsPort, "run " + run);
          assertThat(MetricsPage.value(metrics, "baton_migration_state{state=\"SNAPSHOTTING\"}")).as(metrics).isEqualTo(1);
          assertThat(MetricsPage.value(metrics, "baton_snapshot_rows{table=\"public.accounts\"}")).as(metrics).isPositive();
          assertThat(MetricsPage.value(metrics, "baton_snapshot_chunks{table=\"public.accounts\"}")).as(metrics).isGreaterThan(1);
        }
        Thread.sleep(random.nextInt(500));
        kill(baton);
        assertThat(chunksPending(target)).as("run %d (seed %d) was killed during the bulk snapshot", run, seed).isPositive();
        snapshotKills++;
      }
      for (int streamKills = 0; streamKills < 5; streamKills++) {
        String started = query(target, "SELECT now()").get(0);
        baton = startBaton(env, spec, ++run);
        Process p = baton;
        Awaitility.await("changes applied in run " + run).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
            .until(() -> appliedSince(target, started) || !p.isAlive());
        assertThat(p.isAlive()).as("run %d is alive (log: %s)", run, log(run)).isTrue();
        if (streamKills == 0) {
          int r = run;
          Awaitility.await("applied changes counted").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = MetricsPage.scrape(metricsPort, "run " + r);
            assertThat(MetricsPage.value(metrics, "baton_migration_state{state=\"STREAMING\"}")).as(metrics).isEqualTo(1);
            assertThat(MetricsPage.value(metrics, "baton_stream_applied_changes_total")).as(metrics).isPositive();
          });
        }
        Thread.sleep(random.nextInt(2000));
        kill(baton);
      }
      baton = startBaton(env, spec, ++run);
      Thread.sleep(3000);
      writer.stop();
      assertThat(writer.failure()).as("the writing client").isNull();
      assertThat(writer.transactions()).isGreaterThan(100);
      Map<TableInfo, RowTransform> tables = ReconcileCommand.tables(source, new SpecLoader().load(spec));
      int runs = run;
      Awaitility.await("target = spec(source)").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(3))
          .untilAsserted(() -> assertThat(Reconciler.compare(source, target, tables)).allSatisfy(
              c -> assertThat(c.equal()).as("%s after %d runs (seed %d); accounts differing: %s", c, runs, seed,
                  differingIds(source, target)).isTrue()));
      List<TableComparison> last = Reconciler.compare(source, target, tables);
      assertThat(last.get(1).targetRows()).as("ledger rows, none doubled").isEqualTo(last.get(1).sourceRows());
      baton.destroy();
      assertThat(baton.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(baton.exitValue()).as("the JVM's code for a process ended by SIGTERM").isEqualTo(143);
      assertThat(Files.readString(log(run))).as("a clean stop, offsets kept").contains(
          "stopping; run the same command again to continue", "sink crash stopped after");
    } finally {
      writer.stop();
      if (baton != null) {
        kill(baton);
      }
      exec(source, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'baton_crash'");
    }
  }

  private Process startBaton(EmbeddedEnvironment env, Path spec, int run) throws Exception {
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      metricsPort = free.getLocalPort();
    }
    return BatonProcess.run(env, spec, work.resolve("state"), log(run), Map.of(), "--metrics", "127.0.0.1:" + metricsPort);
  }

  private static Path log(int run) {
    return LOGS.resolve("baton-" + run + ".log");
  }

  /** @return up to 20 ids missing from the target and 20 it has in excess, for the failure message */
  private static String differingIds(Database source, Database target) {
    try {
      java.util.Set<String> s = new java.util.HashSet<>(query(source, "SELECT id FROM accounts"));
      java.util.Set<String> t = new java.util.HashSet<>(query(target, "SELECT id FROM balances"));
      List<String> missing = s.stream().filter(id -> !t.contains(id)).sorted().limit(20).toList();
      List<String> extra = t.stream().filter(id -> !s.contains(id)).sorted().limit(20).toList();
      return "missing " + missing + ", extra " + extra;
    } catch (SQLException e) {
      return e.toString();
    }
  }

  private static void kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  private static int chunksDone(Database target) throws SQLException {
    return count(target, "done_at IS NOT NULL");
  }

  private static int chunksPending(Database target) throws SQLException {
    return count(target, "done_at IS NULL");
  }

  private static int count(Database target, String where) throws SQLException {
    if (query(target, "SELECT to_regclass('baton.snapshot_chunks')").get(0).equals("null")) {
      return 0;
    }
    return Integer.parseInt(query(target, "SELECT count(*) FROM baton.snapshot_chunks WHERE migration = 'crash' AND " + where)
        .get(0));
  }

  private static boolean appliedSince(Database target, String started) throws SQLException {
    return !query(target, "SELECT 1 FROM baton.sink_offsets WHERE migration = 'crash' AND updated_at > '" + started + "'")
        .isEmpty();
  }
}
