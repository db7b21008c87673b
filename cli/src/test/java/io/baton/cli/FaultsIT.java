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
 * One {@code baton run}, with a client writing to the source the whole time, meets the faults a
 * real migration meets and survives each without being restarted by hand: the Kafka broker killed
 * (SIGKILL) during the bulk copy and again while streaming, the target and then the source
 * PostgreSQL restarted with an immediate shutdown while streaming, and Baton's sessions terminated
 * from the database side ({@code pg_terminate_backend}) at random moments. After each fault new
 * changes must be applied again by the same process; at the end the reconciler finds spec(source) =
 * target (row counts and checksums), so nothing was lost or doubled.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class FaultsIT {
  private static final String SPEC = WritingClient.spec("faults", "snapshot: { parallelism: 2, chunkMegabytes: 2 }\n");
  private static final int ACCOUNTS = 400_000;
  /** The run's log, kept after the test for a post-mortem. */
  private static final Path LOG = Path.of("target", "faults-it", "baton.log");

  @TempDir
  Path work;

  @Test
  void shouldSurviveBrokerKillsDatabaseRestartsAndCutConnections(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, WritingClient.schema(ACCOUNTS, 50_000));
    Path spec = Files.writeString(work.resolve("faults.yaml"), SPEC);
    Files.createDirectories(LOG.getParent());
    long seed = System.nanoTime();
    Random random = new Random(seed);
    WritingClient writer = new WritingClient(source, ACCOUNTS, new Random(seed + 1));
    writer.start();
    Process baton = BatonProcess.run(env, spec, work.resolve("state"), LOG, Map.of());
    try {
      Awaitility.await("a chunk of the bulk copy done").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
          .until(() -> chunksDone(target) > 0 || !baton.isAlive());
      env.kafka().kill();
      Thread.sleep(3000);
      env.kafka().restart();
      survived(baton, target, "the broker killed during the bulk copy");

      env.kafka().kill();
      Thread.sleep(5000);
      env.kafka().restart();
      survived(baton, target, "the broker killed while streaming");

      env.target().restartImmediately(Duration.ofSeconds(2));
      survived(baton, target, "the target restarted (immediate shutdown) during the apply");

      env.source().restartImmediately(Duration.ofSeconds(2));
      survived(baton, target, "the source restarted (immediate shutdown) while streaming");

      for (int cut = 1; cut <= 3; cut++) {
        Thread.sleep(random.nextInt(3000));
        int terminated = terminateBatonSessions(source) + terminateBatonSessions(target);
        assertThat(terminated).as("Baton's sessions found to terminate, cut %d", cut).isPositive();
        survived(baton, target, "Baton's sessions terminated, cut " + cut);
      }

      long before = writer.transactions();
      Thread.sleep(2000);
      writer.stop();
      assertThat(writer.failure()).as("the writing client (seed %d)", seed).isNull();
      assertThat(writer.transactions()).as("the client wrote after the last fault").isGreaterThan(before);
      Map<TableInfo, RowTransform> tables = ReconcileCommand.tables(source, new SpecLoader().load(spec));
      Awaitility.await("target = spec(source)").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(3))
          .untilAsserted(() -> assertThat(Reconciler.compare(source, target, tables)).allSatisfy(
              c -> assertThat(c.equal()).as("%s (seed %d; log %s)", c, seed, LOG).isTrue()));
      List<TableComparison> last = Reconciler.compare(source, target, tables);
      assertThat(last.get(1).targetRows()).as("ledger rows, none doubled").isEqualTo(last.get(1).sourceRows());
      assertThat(baton.isAlive()).as("the same run went through every fault (log %s)", LOG).isTrue();
      baton.destroy();
      assertThat(baton.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String log = Files.readString(LOG);
      assertThat(log).as("the run said what it retried").contains("restarting the pipeline");
      assertThat(Files.readString(env.kafka().logFile())).as("the broker came back from its SIGKILLs without an unclean"
          + " leader election, which transactions do not survive").doesNotContain("UNCLEAN partition change");
    } finally {
      writer.stop();
      baton.destroyForcibly();
      baton.waitFor(30, TimeUnit.SECONDS);
      exec(source, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'baton_faults'");
    }
  }

  /** Waits until the run applies changes committed after the fault, and checks it is still the same process. */
  private static void survived(Process baton, Database target, String fault) throws SQLException {
    String after = nowOn(target);
    Awaitility.await("changes applied after " + fault).atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
        .ignoreExceptions().until(() -> !baton.isAlive() || appliedSince(target, after));
    assertThat(baton.isAlive()).as("baton run survived %s (log %s)", fault, LOG).isTrue();
  }

  private static String nowOn(Database target) {
    return Awaitility.await("the target answers").atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> query(target, "SELECT now()").get(0), v -> v != null);
  }

  /** Terminates every session Baton holds on a database (its own and Debezium's WAL sender). */
  private static int terminateBatonSessions(Database db) throws SQLException {
    return query(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
        + " AND datname = current_database() AND (application_name = 'baton' OR backend_type = 'walsender')").size();
  }

  private static int chunksDone(Database target) throws SQLException {
    if (query(target, "SELECT to_regclass('baton.snapshot_chunks')").get(0).equals("null")) {
      return 0;
    }
    return Integer.parseInt(query(target,
        "SELECT count(*) FROM baton.snapshot_chunks WHERE migration = 'faults' AND done_at IS NOT NULL").get(0));
  }

  private static boolean appliedSince(Database target, String after) throws SQLException {
    return !query(target, "SELECT 1 FROM baton.sink_offsets WHERE migration = 'faults' AND updated_at > '" + after + "'")
        .isEmpty();
  }
}
