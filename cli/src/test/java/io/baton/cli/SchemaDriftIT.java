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
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * DDL on the source while {@code baton run} streams ({@code schema: create}): a column added with
 * a default while a client writes is added to the target and streamed, existing rows getting the
 * default on both sides; a retyped column halts Baton with a message naming the table, the column
 * and both types, and once the target column is changed too, a new run resumes; a dropped column
 * halts it again. Nothing is applied in a shape the target does not have, and the reconciler finds
 * spec(source) = target after each step that streams.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class SchemaDriftIT {
  private static final String SPEC = WritingClient.spec("drift", "");
  private static final int ACCOUNTS = 20_000;
  private static final Path LOGS = Path.of("target", "schema-drift-it");

  @TempDir
  Path work;
  private int runs;

  @Test
  void shouldFollowAnAddedColumnAndHaltOnARetypedOrDroppedOne(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, WritingClient.schema(ACCOUNTS, 5_000));
    Path spec = Files.writeString(work.resolve("drift.yaml"), SPEC);
    Files.createDirectories(LOGS);
    long seed = System.nanoTime();
    WritingClient writer = new WritingClient(source, ACCOUNTS, new Random(seed));
    writer.start();
    Process baton = null;
    try {
      baton = streaming(env, target);
      exec(source, "ALTER TABLE accounts ADD COLUMN tier text NOT NULL DEFAULT 'basic'");
      exec(source, "UPDATE accounts SET tier = 'gold' WHERE id % 50 = 0;"
          + " INSERT INTO accounts (id, owner, balance, tier) SELECT g, 'late', 1, 'silver' FROM generate_series(900001, 900100) g");
      Process followed = baton;
      Awaitility.await("the new column reaches the target").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .ignoreExceptions().until(() -> !followed.isAlive()
              || query(target, "SELECT count(*) FROM balances WHERE tier = 'silver'").equals(java.util.List.of("100")));
      assertThat(followed.isAlive()).as("the run followed the added column (log %s)", log(runs)).isTrue();
      assertThat(Files.readString(log(runs))).contains("column(s) [tier] added to source table public.accounts",
          "added to target table public.balances");
      assertThat(query(target, "SELECT count(*) FROM balances WHERE tier = 'basic'").get(0))
          .as("rows the stream did not touch got the default, as on the source").isNotEqualTo("0");
      Thread.sleep(2000);
      writer.stop();
      assertThat(writer.failure()).as("the writing client (seed %d)", seed).isNull();
      equal(source, target, spec, seed);

      exec(source, "ALTER TABLE ledger ALTER COLUMN amount TYPE bigint; INSERT INTO ledger VALUES ('big', 5000000000, 'x')");
      assertThat(followed.waitFor(60, TimeUnit.SECONDS)).as("the run halts on the retyped column").isTrue();
      assertThat(followed.exitValue()).isEqualTo(BatonCli.CHECK_FAILED);
      assertThat(Files.readString(log(runs))).contains(
          "schema drift on source table public.ledger: column \"amount\" changed type from integer to bigint");

      exec(target, "ALTER TABLE ledger ALTER COLUMN amount TYPE bigint");
      baton = streaming(env, target);
      assertThat(query(target, "SELECT count(*) FROM ledger WHERE amount = 5000000000")).containsExactly("1");

      equal(source, target, spec, seed);
      exec(source, "ALTER TABLE accounts DROP COLUMN note; INSERT INTO accounts (id, owner, balance) VALUES (900200, 'after', 2)");
      Process halted = baton;
      assertThat(halted.waitFor(60, TimeUnit.SECONDS)).as("the run halts on the dropped column").isTrue();
      assertThat(halted.exitValue()).isEqualTo(BatonCli.CHECK_FAILED);
      assertThat(Files.readString(log(runs))).contains("schema drift on source table public.accounts",
          "column(s) \"note\" dropped on the source");
    } finally {
      writer.stop();
      if (baton != null) {
        baton.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      exec(source, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'baton_drift'");
    }
  }

  private void equal(Database source, Database target, Path spec, long seed) {
    Awaitility.await("target = spec(source)").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(Reconciler.compare(source, target,
            ReconcileCommand.tables(source, new SpecLoader().load(spec)))).allSatisfy(
                c -> assertThat(c.equal()).as("%s (seed %d, log %s)", c, seed, log(runs)).isTrue()));
  }

  /** Starts baton run and waits until it applies changes. */
  private Process streaming(EmbeddedEnvironment env, Database target) throws Exception {
    runs++;
    Process p = BatonProcess.run(env, work.resolve("drift.yaml"), work.resolve("state"), log(runs), Map.of(), "--metrics",
        "off");
    BatonProcess.awaitStreaming(p, log(runs), target, "drift");
    return p;
  }

  private static Path log(int run) {
    return LOGS.resolve("baton-" + run + ".log");
  }
}
