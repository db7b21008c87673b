package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.spec.SpecLoader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mismatch trigger of automatic rollback, end to end: after a cutover, with pgbench writing on
 * the target through PgBouncer, 2% of the accounts are deleted from the source behind Baton's back;
 * live verification of the reverse direction finds them missing, the ratio passes
 * {@code rollback.maxMismatchRatio}, and {@code baton run} rolls traffic back to the source by
 * itself, journaled with the trigger that fired, without a failed client transaction.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class AutoRollbackIT {
  @TempDir
  Path work;

  @Test
  void shouldRollBackByItselfWhenLiveVerificationFindsTheSidesApart(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    RoutedPgbench.load(source, work);
    Path specFile = Files.writeString(work.resolve("auto.yaml"), RoutedPgbench.spec("auto", env, "gates: { holdSeconds: 0 }",
        "verify: { chunkMegabytes: 4, rechecks: 1 }\nrollback: { maxMismatchRatio: 0.001 }"));
    Path token = Files.writeString(work.resolve("token"), "auto-token");
    int port = RoutedPgbench.freePort();
    String api = "http://127.0.0.1:" + port;
    Thread run = new Thread(() -> {
      try {
        RunCommand.run(new SpecLoader().load(specFile), source, target, env.kafka().bootstrapServers(), work.resolve("state"),
            Duration.ofSeconds(5), new InetSocketAddress("127.0.0.1", port), ApiToken.given(token), false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "baton-run");
    run.start();
    try (PgbenchWorkload clients = new PgbenchWorkload(env.pgbouncer().host(), env.pgbouncer().port(),
        env.pgbouncer().alias(), source.user(), 2, 100, null, work.resolve("workload"), 10)) {
      clients.start();
      await("every cutover gate passes").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
          .until(() -> CliRun.of("cutover", "--dry-run", "--api", api).code() == 0);
      CliRun cut = CliRun.of("cutover", "--api", api, "--api-token-file", token.toString(), "--wait-seconds", "120");
      assertThat(cut.code()).as(cut.out() + cut.err()).isZero();

      exec(source, "DELETE FROM pgbench_accounts WHERE aid % 50 = 0");
      await("an automatic rollback").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .until(() -> status(api).path("state").asText().equals("ROLLED_BACK"));
      assertThat(status(api).path("outcome").path("ok").asBoolean()).isTrue();
      assertThat(value(target, "SELECT actor FROM baton.journal WHERE migration = 'auto' AND to_state = 'ROLLING_BACK'"
          + " AND step IS NULL"))
          .startsWith("trigger (live verification found").contains("rollback.maxMismatchRatio");
      Thread.sleep(2000);
      PgbenchWorkload.Result seen = clients.stop();
      assertThat(seen.failedTransactions()).isZero();
      assertThat(seen.failedRuns()).isZero();
    } finally {
      // stopped while Kafka still runs: left running, it would stop only at the JVM's exit, with
      // the environment gone, and hold that exit while its stages wait for the broker
      run.interrupt();
      run.join(Duration.ofSeconds(90).toMillis());
    }
    assertThat(run.isAlive()).as("baton run stopped").isFalse();
  }

  private static com.fasterxml.jackson.databind.JsonNode status(String api) {
    return RoutedPgbench.status(api);
  }
}
