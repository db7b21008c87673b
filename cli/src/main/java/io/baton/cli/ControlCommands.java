package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.BatonException;
import io.baton.spec.SpecException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The operator's commands to a running {@code baton run}, over its control API: {@code cutover},
 * {@code rollback}, {@code finalize} and {@code status}. Each waits for the outcome of its own
 * request and exits 0 when it did what was asked, 1 when the controller refused or the step
 * failed (with the reason), 3 when the API cannot be reached.
 */
final class ControlCommands {
  private ControlCommands() {}

  /** Where the API is and how to prove the right to command it. */
  static final class ApiOptions {
    @Option(names = "--api", paramLabel = "URL", defaultValue = "http://127.0.0.1:9464",
        description = "baton run's control API (its --listen address) (default: ${DEFAULT-VALUE}).")
    URI api;

    @Option(names = "--api-token-file", paramLabel = "FILE", description = "The API's bearer token (default: $"
        + ApiToken.ENV + ", else the " + ApiToken.FILE_NAME + " file in --work-dir).")
    Path tokenFile;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "baton run's work directory, where it wrote its token.")
    Path workDir;

    ControlClient client() {
      ApiToken token = ApiToken.given(tokenFile);
      if (token == null && workDir != null && Files.isReadable(workDir.resolve(ApiToken.FILE_NAME))) {
        token = ApiToken.given(workDir.resolve(ApiToken.FILE_NAME));
      }
      return new ControlClient(api, token);
    }
  }

  /** Options of the commands that wait for their outcome. */
  static final class WaitOptions {
    @Option(names = "--wait-seconds", paramLabel = "N", defaultValue = "3600",
        description = "How long to wait for the outcome; 0 to return once the command is accepted (default: ${DEFAULT-VALUE}).")
    int waitSeconds;
  }

  @Command(name = "cutover", mixinStandardHelpOptions = true,
      description = {"Cut traffic over to the target: arms the cutover in baton run, which starts it as soon as every gate"
          + " passes (lag held under its limits, live verification clean, reverse replication possible, router healthy,"
          + " sink errors, window, predicted write pause), then waits for the outcome.", ""},
      footer = {"", "Examples:", "  baton cutover --dry-run                 # every gate now, and the predicted write pause",
          "  baton cutover --work-dir /var/lib/baton/shop", "  baton cutover --postpone --work-dir /var/lib/baton/shop"})
  static final class Cutover implements Callable<Integer> {
    @CommandLine.Mixin
    ApiOptions options = new ApiOptions();

    @CommandLine.Mixin
    WaitOptions waiting = new WaitOptions();

    @Option(names = "--dry-run", description = "Evaluate every gate now and predict the write pause; change nothing.")
    boolean dryRun;

    @Option(names = "--postpone", description = "Disarm an armed cutover.")
    boolean postpone;

    @Option(names = "--output", defaultValue = "text", paramLabel = "text|json", description = "How --dry-run prints the gates.")
    String output;

    @Override
    public Integer call() throws InterruptedException {
      ControlClient client = options.client();
      if (dryRun) {
        JsonNode gates = client.get("/api/gates");
        System.out.print(output.equals("json") ? gates.toPrettyString() + "\n" : gatesText(gates));
        return gates.path("passed").asBoolean() ? BatonCli.OK : BatonCli.CHECK_FAILED;
      }
      return refusedAsFailure(() -> {
        if (postpone) {
          client.command("/api/postpone");
          System.out.println("cutover postponed (no cutover is armed now)");
          return BatonCli.OK;
        }
        long request = client.command("/api/cutover");
        System.out.println("cutover armed (request " + request + "); it starts once every gate passes");
        return awaitOutcome(client, request, waiting.waitSeconds, System.out);
      });
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = {"Move traffic back to the source now: pause, drain reverse replication, sequences, repoint, resume;"
          + " then the forward stream restarts from a fresh slot, so that a later cutover is possible.", ""},
      footer = {"", "Example:", "  baton rollback --work-dir /var/lib/baton/shop"})
  static final class Rollback implements Callable<Integer> {
    @CommandLine.Mixin
    ApiOptions options = new ApiOptions();

    @CommandLine.Mixin
    WaitOptions waiting = new WaitOptions();

    @Override
    public Integer call() throws InterruptedException {
      ControlClient client = options.client();
      return refusedAsFailure(() -> awaitOutcome(client, client.command("/api/rollback"), waiting.waitSeconds, System.out));
    }
  }

  @Command(name = "finalize", mixinStandardHelpOptions = true,
      description = {"The point of no return: stop every pipeline and drop the replication slots and publications on both"
          + " sides. After a cutover the source no longer receives the target's changes, so no rollback is possible.", ""},
      footer = {"", "Example:", "  baton finalize --confirm shop --work-dir /var/lib/baton/shop"})
  static final class Finalize implements Callable<Integer> {
    @CommandLine.Mixin
    ApiOptions options = new ApiOptions();

    @CommandLine.Mixin
    WaitOptions waiting = new WaitOptions();

    @Option(names = "--confirm", paramLabel = "NAME", description = "The migration's name, to confirm (asked for on a terminal otherwise).")
    String confirm;

    @Override
    public Integer call() throws InterruptedException {
      ControlClient client = options.client();
      String name = client.get("/api/status").path("migration").asText();
      String given = confirm;
      if (given == null && System.console() != null) {
        given = System.console().readLine("Finalizing %s drops its slots and publications: no rollback after this."
            + " Type the migration's name to confirm: ", name);
      }
      if (given == null) {
        throw new SpecException("finalize needs a confirmation: pass --confirm " + name);
      }
      if (!given.strip().equals(name)) {
        throw new SpecException("the confirmation '" + given.strip() + "' is not the migration's name (" + name + "); nothing done");
      }
      return refusedAsFailure(() -> awaitOutcome(client, client.command("/api/finalize?confirm=" + name), waiting.waitSeconds,
          System.out));
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Where a running migration stands: its state, an armed cutover, the command running, the last gate"
          + " evaluation and the outcome of the latest command.", ""},
      footer = {"", "Example:", "  baton status --output json"})
  static final class Status implements Callable<Integer> {
    @CommandLine.Mixin
    ApiOptions options = new ApiOptions();

    @Option(names = "--output", defaultValue = "text", paramLabel = "text|json", description = "text or json.")
    String output;

    @Override
    public Integer call() {
      JsonNode s = options.client().get("/api/status");
      if (output.equals("json")) {
        System.out.println(s.toPrettyString());
        return BatonCli.OK;
      }
      System.out.printf("migration %s: %s%s%s%s%n", s.path("migration").asText(), s.path("state").asText(),
          s.path("ready").asBoolean() ? "" : " (starting: commands wait)",
          s.path("armed_request").asLong() >= 0 ? ", cutover armed" : "",
          s.path("busy").isNull() ? "" : ", running " + s.path("busy").asText());
      if (!s.path("outcome").isNull()) {
        JsonNode o = s.path("outcome");
        System.out.printf("last command: %s %s: %s%n", o.path("action").asText(), o.path("ok").asBoolean() ? "succeeded" : "failed",
            o.path("message").asText());
      }
      if (!s.path("final_verification").isNull()) {
        JsonNode f = s.path("final_verification");
        System.out.printf("final verification of the last %s: %s%s%n", f.path("action").asText(),
            f.path("outcome").asText().toLowerCase(), f.path("summary").isNull() ? "" : " " + f.path("summary").asText());
      }
      if (!s.path("gates").isNull()) {
        System.out.print(gatesText(s.path("gates")));
      }
      return BatonCli.OK;
    }
  }

  private interface Step {
    int run() throws InterruptedException;
  }

  private static int refusedAsFailure(Step step) throws InterruptedException {
    try {
      return step.run();
    } catch (ControlClient.Refused e) {
      System.err.println("baton: " + e.getMessage());
      return BatonCli.CHECK_FAILED;
    }
  }

  /**
   * Polls the status until the outcome of a request is known, printing the gates that hold an armed
   * cutover every ten seconds.
   *
   * @return {@link BatonCli#OK} when it succeeded, {@link BatonCli#CHECK_FAILED} when it failed or
   *     the wait ran out
   */
  static int awaitOutcome(ControlClient client, long request, int waitSeconds, PrintStream out) throws InterruptedException {
    if (waitSeconds <= 0) {
      out.println("accepted (request " + request + "); baton status shows its outcome");
      return BatonCli.OK;
    }
    long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
    long nextReport = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode s = client.get("/api/status");
      JsonNode o = s.path("outcome");
      if (!o.isNull() && o.path("request").asLong() == request) {
        out.println(o.path("message").asText());
        return o.path("ok").asBoolean() ? BatonCli.OK : BatonCli.CHECK_FAILED;
      }
      if (System.nanoTime() >= nextReport && !s.path("gates").isNull() && !s.path("gates").path("passed").asBoolean()) {
        out.print("waiting for the gates:\n" + gatesText(s.path("gates")));
        nextReport = System.nanoTime() + 10_000_000_000L;
      }
      Thread.sleep(250);
    }
    out.println("no outcome after " + waitSeconds + " s; the command goes on in baton run (baton status shows it;"
        + " baton cutover --postpone disarms an armed cutover)");
    return BatonCli.CHECK_FAILED;
  }

  /** @return the gates of a report (the API's JSON) as aligned lines */
  static String gatesText(JsonNode report) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode g : report.path("gates")) {
      sb.append(String.format("  %-4s  %-12s %s (required: %s)%n", g.path("passed").asBoolean() ? "PASS" : "WAIT",
          g.path("gate").asText(), g.path("observed").asText(), g.path("required").asText()));
    }
    long predicted = report.path("predicted_write_pause_ms").asLong();
    sb.append(predicted < 0 ? "  predicted write pause: unknown\n" : "  predicted write pause: " + predicted + " ms\n");
    sb.append(report.path("passed").asBoolean() ? "every gate passes\n" : "the cutover waits\n");
    return sb.toString();
  }
}
