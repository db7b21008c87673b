package io.baton.cli;

import static io.baton.cli.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The passwords a migration is given never come out: {@code baton} runs as its own process (the
 * packaged jar) with the source's and target's passwords in the environment, migrates, cuts over
 * and finalizes, while every other command an operator uses runs against it; then every output
 * is searched for both passwords: each command's standard output and error (logs in plain and in
 * JSON form), every document written (plan, profile, report, runbook, reconcile JSON), every
 * answer of the HTTP API, the status page and {@code /metrics}, and what Baton stored on the
 * target (journal, verification results, quarantine).
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class SecretMaskingIT {
  private static final String SOURCE_PASSWORD = "Src-pa55-7d1e9c";
  private static final String TARGET_PASSWORD = "Tgt-pa55-b42f08";

  @TempDir
  Path work;

  private final Map<String, String> outputs = new LinkedHashMap<>();

  @Test
  void shouldNeverPrintStoreOrServeAPassword(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    RoutedPgbench.load(source, work);
    exec(source, "CREATE ROLE masked LOGIN SUPERUSER REPLICATION PASSWORD '" + SOURCE_PASSWORD + "'");
    exec(target, "CREATE ROLE masked LOGIN SUPERUSER REPLICATION PASSWORD '" + TARGET_PASSWORD + "'");
    String spec = RoutedPgbench.spec("masked", env, "gates: { holdSeconds: 2 }", """
        source: { url: "postgresql://masked@%s:%d/%s", passwordEnv: BATON_SOURCE_PASSWORD }
        target: { url: "postgresql://masked@%s:%d/%s", passwordEnv: BATON_TARGET_PASSWORD }
        kafka: { bootstrapServers: "%s" }
        verify: { chunkMegabytes: 4 }
        """.formatted(source.host(), source.port(), source.database(), target.host(), target.port(), target.database(),
        env.kafka().bootstrapServers()));
    Path specFile = Files.writeString(work.resolve("masked.yaml"), spec);
    Path tokenFile = Files.writeString(work.resolve("token"), "masking-token\n");
    int port = RoutedPgbench.freePort();
    String api = "http://127.0.0.1:" + port;

    run("plan", "plan", "--spec", specFile.toString(), "--json", work.resolve("plan.json").toString(), "--markdown",
        work.resolve("plan.md").toString(), "--sample-seconds", "0");
    run("profile", "profile", "--spec", specFile.toString(), "--json", work.resolve("profile.json").toString());
    Process baton = start("run", true, "run", "--spec", specFile.toString(), "--work-dir", work.resolve("state").toString(),
        "--listen", "127.0.0.1:" + port, "--api-token-file", tokenFile.toString());
    try {
      await("the migration streams and every gate passes").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions().until(() -> get(api + "/api/status").contains("\"state\" : \"READY\""));
      for (String path : List.of("/", "/api/status", "/api/gates", "/api/tables", "/api/journal", "/metrics", "/healthz",
          "/readyz")) {
        outputs.put("GET " + path, get(api + path));
      }
      run("status", "status", "--api", api, "--output", "json");
      run("cutover", "cutover", "--api", api, "--api-token-file", tokenFile.toString(), "--wait-seconds", "180");
      outputs.put("GET /api/status after cutover", get(api + "/api/status"));
      outputs.put("GET /metrics after cutover", get(api + "/metrics"));
      run("reconcile", "reconcile", "--spec", specFile.toString(), "--output", "json");
      run("report", "report", "--spec", specFile.toString(), "--json", work.resolve("report.json").toString(), "--markdown",
          work.resolve("report.md").toString());
      run("runbook", "runbook", "--spec", specFile.toString(), "--json", work.resolve("runbook.json").toString());
      run("quarantine list", "quarantine", "list", "--spec", specFile.toString(), "--output", "json");
      run("finalize", "finalize", "--confirm", "masked", "--api", api, "--api-token-file", tokenFile.toString());
      assertThat(baton.waitFor(90, TimeUnit.SECONDS)).as("baton run ends after finalize").isTrue();
    } finally {
      baton.destroyForcibly();
    }
    outputs.put("run: stdout and stderr (JSON logs)", Files.readString(work.resolve("run.out")));
    for (String doc : List.of("plan.json", "plan.md", "profile.json", "report.json", "report.md", "runbook.json")) {
      outputs.put(doc, Files.readString(work.resolve(doc)));
    }
    for (String table : List.of("baton.journal", "baton.verify_tables", "baton.quarantine")) {
      outputs.put("stored " + table, String.join("\n", Db.query(target, "SELECT t::text FROM " + table + " t")));
    }

    assertThat(outputs.get("GET /api/journal")).as("the outputs were read").contains("SNAPSHOTTING");
    assertThat(outputs.get("run: stdout and stderr (JSON logs)")).contains("\"formattedMessage\"")
        .as("structured fields").containsPattern("\"stage\"\\s*:\\s*\"controller\"");
    assertThat(outputs).hasSizeGreaterThan(20).allSatisfy((what, text) -> assertThat(text).as(what)
        .doesNotContain(SOURCE_PASSWORD).doesNotContain(TARGET_PASSWORD));
  }

  /** Runs a command of the packaged jar to its end; its output joins the outputs searched. */
  private void run(String what, String... args) throws Exception {
    Process p = start(what.replace(' ', '-'), false, args);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(what + " ends").isTrue();
    String out = Files.readString(work.resolve(what.replace(' ', '-') + ".out"));
    assertThat(p.exitValue()).as(what + ": " + out).isIn(0, 1);
    outputs.put(what + ": stdout and stderr", out);
  }

  /** Starts the packaged jar with both passwords in its environment, output to {@code NAME.out}. */
  private Process start(String name, boolean jsonLogs, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", Path.of("target", "baton.jar").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(work.resolve(name + ".out").toFile());
    pb.environment().put("BATON_SOURCE_PASSWORD", SOURCE_PASSWORD);
    pb.environment().put("BATON_TARGET_PASSWORD", TARGET_PASSWORD);
    if (jsonLogs) {
      pb.environment().put("BATON_LOG_FORMAT", "json");
    }
    return pb.start();
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return r.body();
  }
}
