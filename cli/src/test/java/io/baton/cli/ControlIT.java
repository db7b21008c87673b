package io.baton.cli;

import static io.baton.cli.Db.query;
import static io.baton.cli.Db.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's flow against a running {@code baton run}, with pgbench writing through PgBouncer
 * the whole time: {@code baton cutover --dry-run} until every gate passes, a command without the
 * token refused with 401 and no effect, {@code baton cutover}, {@code baton rollback}, a second
 * {@code baton cutover} (its gates must pass again after the switch), then, with the clients
 * stopped, the source proven equal to the target (reverse replication carried every change back)
 * and {@code baton finalize}, after which no Baton slot is left on either side.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class ControlIT {
  @TempDir
  Path work;

  @Test
  void shouldCutOverRollBackAndFinalizeOnOperatorCommandsWhileClientsWrite(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    RunningBaton baton = RunningBaton.start(env, work, "ctl", "s3cret-token");
    Path specFile = baton.specFile();
    Path tokenFile = baton.tokenFile();
    int port = baton.port();
    String api = baton.api();
    try (PgbenchWorkload clients = new PgbenchWorkload(env.pgbouncer().host(), env.pgbouncer().port(),
        env.pgbouncer().alias(), source.user(), 4, 200, null, work.resolve("workload"), 10)) {
      clients.start();
      await("every cutover gate passes").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
          .until(() -> CliRun.of("cutover", "--dry-run", "--api", api).code() == 0);
      CliRun dry = CliRun.of("cutover", "--dry-run", "--api", api);
      assertThat(dry.out()).contains("PASS  lag").contains("PASS  verification").contains("PASS  reverse")
          .contains("PASS  router").contains("predicted write pause: ");

      HttpResponse<String> noToken = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + "/api/cutover"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(noToken.statusCode()).isEqualTo(401);
      await("the controller moves the migration to READY once every gate passes").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofSeconds(1)).until(() -> status(api).path("state").asText().equals("READY"));
      assertThat(status(api).path("ready").asBoolean()).isTrue();
      assertThat(status(api).path("armed_request").asLong()).isEqualTo(-1);

      String[] auth = {"--api", api, "--api-token-file", tokenFile.toString(), "--wait-seconds", "180"};
      CliRun cut = CliRun.of(concat("cutover", auth));
      assertThat(cut.code()).as(cut.out() + cut.err()).isZero();
      // the client prints the outcome on a line of its own (log lines of the run go to the same stream)
      assertThat(cut.out()).containsPattern("(?m)^cutover done: write pause \\d{1,4} ms");
      assertThat(status(api).path("state").asText()).isEqualTo("CUT_OVER");
      assertThat(value(target, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'baton_ctl_rev'")).isEqualTo("1");
      await("the cutover's final verification").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
          .until(() -> !status(api).path("final_verification").path("outcome").asText().equals("RUNNING"));
      assertThat(status(api).path("final_verification").path("outcome").asText())
          .as(status(api).toPrettyString()).isEqualTo("EQUAL");
      assertThat(status(api).path("final_verification").path("summary").asText()).contains("tables equal");
      String metrics = MetricsPage.scrape(port, "after the cutover");
      assertThat(MetricsPage.value(metrics, "baton_replication_running{direction=\"reverse\"}")).as(metrics).isEqualTo(1);
      assertThat(MetricsPage.value(metrics, "baton_replication_running{direction=\"forward\"}")).isEqualTo(0);
      assertThat(MetricsPage.value(metrics, "baton_replication_slot_lag_bytes{direction=\"reverse\"}")).isNotNegative();
      assertThat(MetricsPage.value(metrics, "baton_final_verification{outcome=\"EQUAL\"}")).isEqualTo(1);
      Thread.sleep(3000);

      CliRun back = CliRun.of(concat("rollback", auth));
      assertThat(back.code()).as(back.out() + back.err()).isZero();
      assertThat(back.out()).containsPattern("(?m)^rollback done: write pause \\d{1,4} ms");
      assertThat(status(api).path("state").asText()).isEqualTo("ROLLED_BACK");
      CliRun refused = CliRun.of(concat("rollback", auth));
      assertThat(refused.code()).as(refused.err()).isEqualTo(BatonCli.CHECK_FAILED);
      assertThat(refused.err()).contains("409").contains("needs it CUT_OVER");
      Thread.sleep(3000);

      CliRun again = CliRun.of(concat("cutover", auth));
      assertThat(again.code()).as(again.out() + again.err()).isZero();
      assertThat(status(api).path("state").asText()).isEqualTo("CUT_OVER");
      Thread.sleep(3000);

      PgbenchWorkload.Result seen = clients.stop();
      assertThat(seen.failedTransactions()).isZero();
      assertThat(seen.failedRuns()).isZero();
      long transactions = seen.log().committed();
      assertThat(transactions).isGreaterThan(1000);
      await("the source holds every transaction committed on the target").atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> value(source, "SELECT count(*) FROM pgbench_history").equals(Long.toString(transactions)));
      assertThat(value(target, "SELECT count(*) FROM pgbench_history")).isEqualTo(Long.toString(transactions));
      CliRun reconcile = CliRun.of("reconcile", "--spec", specFile.toString(), "--source", source.toString(), "--target",
          target.toString());
      assertThat(reconcile.code()).as(reconcile.out() + reconcile.err()).isZero();
    }

    CliRun wrongName = CliRun.of("finalize", "--confirm", "other", "--api", api, "--work-dir", work.toString(),
        "--api-token-file", tokenFile.toString());
    assertThat(wrongName.code()).isEqualTo(BatonCli.BAD_INPUT);
    CliRun fin = CliRun.of("finalize", "--confirm", "ctl", "--api", api, "--api-token-file", tokenFile.toString());
    assertThat(fin.code()).as(fin.out() + fin.err()).isZero();
    baton.thread().join(Duration.ofSeconds(60).toMillis());
    assertThat(baton.thread().isAlive()).isFalse();
    assertThat(baton.exit().get()).isZero();
    assertThat(value(source, "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'baton%'")).isEqualTo("0");
    assertThat(value(target, "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'baton%'")).isEqualTo("0");
    assertThat(value(target, "SELECT to_state FROM baton.journal WHERE migration = 'ctl' ORDER BY id DESC LIMIT 1"))
        .isEqualTo("FINALIZED");
    assertThat(query(target, "SELECT from_state || '>' || to_state FROM baton.journal WHERE migration = 'ctl'"
        + " AND step IS NULL ORDER BY id")).as("the journal's transitions").containsSubsequence("STREAMING>READY",
        "READY>CUTTING_OVER", "CUTTING_OVER>CUT_OVER", "CUT_OVER>ROLLING_BACK", "ROLLING_BACK>ROLLED_BACK",
        "ROLLED_BACK>CUTTING_OVER", "CUTTING_OVER>CUT_OVER", "CUT_OVER>FINALIZED");
    assertThat(query(target, "SELECT step || ' ' || actor FROM baton.journal WHERE migration = 'ctl' AND step LIKE 'cutover-%'"
        + " ORDER BY id")).as("armed cutovers, with who asked").hasSize(2).allMatch(l -> l.startsWith("cutover-armed "));
    assertThat(query(target, "SELECT substr(detail, 1, 40) FROM baton.journal WHERE migration = 'ctl'"
        + " AND step = 'final-verification' ORDER BY id")).as("final verifications").hasSize(3)
        .allMatch(d -> d.matches("step final-verification: (cutover|rollback) equal.*"));

    // the runbook's durations come from what this migration measured: its bulk copy and its switches
    Path runbookJson = work.resolve("runbook.json");
    Path runbookMd = work.resolve("runbook.md");
    CliRun runbook = CliRun.of("runbook", "--spec", specFile.toString(), "--source", source.toString(), "--target",
        target.toString(), "--json", runbookJson.toString(), "--markdown", runbookMd.toString());
    assertThat(runbook.code()).as(runbook.out() + runbook.err()).isZero();
    JsonNode book = new com.fasterxml.jackson.databind.ObjectMapper().readTree(runbookJson.toFile());
    assertThat(book.path("measured").path("pauses_ms")).as("cutover, rollback, cutover").hasSize(3);
    assertThat(book.path("measured").path("copy_bytes_per_second").asDouble()).isPositive();
    assertThat(book.path("measured").path("copy_rate_from").asText()).startsWith("this migration's bulk copy");
    assertThat(book.path("steps").findValuesAsText("command")).contains("baton cutover", "baton rollback",
        "baton finalize --confirm ctl");
    long longest = java.util.stream.StreamSupport.stream(book.path("measured").path("pauses_ms").spliterator(), false)
        .mapToLong(JsonNode::asLong).max().orElseThrow();
    JsonNode cutoverStep = java.util.stream.StreamSupport.stream(book.path("steps").spliterator(), false)
        .filter(st -> st.path("command").asText().equals("baton cutover")).findFirst().orElseThrow();
    assertThat(cutoverStep.path("expected_from").asText()).contains("longest of 3 switches measured");
    assertThat(cutoverStep.path("expected_seconds").asLong()).isEqualTo(Math.max(1, Math.round(longest / 1000.0)));
    assertThat(Files.readString(runbookMd)).contains("# Runbook: migration ctl").contains("| Migration lead | | |")
        .contains("POINT OF NO RETURN").contains("- Checkpoint: GO when every gate says PASS");
  }

  private static JsonNode status(String api) {
    return RoutedPgbench.status(api);
  }

  private static String[] concat(String command, String[] options) {
    String[] all = new String[options.length + 1];
    all[0] = command;
    System.arraycopy(options, 0, all, 1, options.length);
    return all;
  }
}
