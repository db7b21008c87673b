package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.reconciler.Reconciler;
import io.baton.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sink batch that fails half way on a constraint the target has and the source has not: the
 * source commits 50 rows in one transaction, the 25th of which the target's CHECK refuses.
 * {@code baton run} halts naming the row's key and LSN, and nothing of the failing sink batch is
 * applied: the target holds at most the rows an earlier batch took, a prefix before the refused
 * row. Once the
 * constraint is fixed, a new run applies the whole transaction and the reconciler finds
 * spec(source) = target.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class SinkBatchFailureIT {
  private static final String SPEC = WritingClient.spec("halfway", "");
  private static final Path LOGS = Path.of("target", "sink-batch-failure-it");

  @TempDir
  Path work;

  @Test
  void shouldApplyNothingOfAFailingBatchAndNameTheRow(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, WritingClient.schema(1_000, 100));
    Path spec = Files.writeString(work.resolve("halfway.yaml"), SPEC);
    Files.createDirectories(LOGS);
    Process baton = start(env, 1);
    Process second = null;
    try {
      WritingClient writer = new WritingClient(source, 1_000, new java.util.Random(7));
      writer.start();
      BatonProcess.awaitStreaming(baton, LOGS.resolve("baton-1.log"), target, "halfway");
      writer.stop();
      assertThat(writer.failure()).isNull();
      var tables = ReconcileCommand.tables(source, new SpecLoader().load(spec));
      Awaitility.await("the writer's changes applied").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
          .until(() -> Reconciler.compare(source, target, tables).stream().allMatch(c -> c.equal()));
      exec(target, "ALTER TABLE balances ADD CONSTRAINT no_bad_holder CHECK (holder <> 'bad') NOT VALID");
      String lsn = query(source, "SELECT pg_current_wal_lsn()").get(0);
      exec(source, "BEGIN; INSERT INTO accounts SELECT g, CASE WHEN g = 5025 THEN 'bad' ELSE 'ok' END, g, NULL"
          + " FROM generate_series(5001, 5050) g; COMMIT;");
      assertThat(baton.waitFor(120, TimeUnit.SECONDS)).as("baton run halts on the refused row").isTrue();
      assertThat(baton.exitValue()).isEqualTo(BatonCli.CHECK_FAILED);
      String log = Files.readString(LOGS.resolve("baton-1.log"));
      assertThat(log).contains("key {id=5025} at LSN", "(nothing of its batch was applied)", "no_bad_holder");
      String failedAt = log.substring(log.indexOf("key {id=5025} at LSN ") + "key {id=5025} at LSN ".length()).split(" ")[0];
      assertThat(query(source, "SELECT '" + failedAt + "'::pg_lsn > '" + lsn + "'::pg_lsn")).as("the LSN named is the row's")
          .containsExactly("t");
      // the transform may hand a source transaction on in several Kafka transactions, so an earlier
      // sink batch may have applied its first rows; the failed batch, from some row up to 5025 and
      // beyond, left nothing: what the target has is a prefix that stops before the refused row
      List<String> applied = query(target, "SELECT id FROM balances WHERE id BETWEEN 5001 AND 5050 ORDER BY id");
      assertThat(applied).as("rows of the transaction on the target").hasSizeLessThan(24)
          .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(5001, 5000 + applied.size())
              .mapToObj(Integer::toString).toList());

      exec(target, "ALTER TABLE balances DROP CONSTRAINT no_bad_holder");
      second = start(env, 2);
      Awaitility.await("the whole transaction applied").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> query(target, "SELECT count(*) FROM balances WHERE id BETWEEN 5001 AND 5050").equals(List.of("50")));
      assertThat(Reconciler.compare(source, target, tables)).allSatisfy(c -> assertThat(c.equal()).as("%s", c).isTrue());
    } finally {
      baton.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      if (second != null) {
        second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      exec(source, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'baton_halfway'");
    }
  }

  private Process start(EmbeddedEnvironment env, int run) throws Exception {
    return BatonProcess.run(env, work.resolve("halfway.yaml"), work.resolve("state"), LOGS.resolve("baton-" + run + ".log"),
        Map.of(), "--metrics", "off");
  }
}
