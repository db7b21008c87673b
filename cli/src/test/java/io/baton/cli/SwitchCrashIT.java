package io.baton.cli;

import static io.baton.cli.Db.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.cutover.CrashPoint;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code baton run} killed 21 times in one migration, with pgbench writing through PgBouncer the
 * whole time, and started again each time: with SIGKILL during its first seconds (setup and bulk
 * copy) and twice at random moments while streaming, then (halted as SIGKILL would, at a
 * {@link CrashPoint}) at every step of a cutover and of a rollback. For each step the restarted controller must finish the switch when PgBouncer
 * points at the new side and undo it otherwise; the clients must never wait longer than the pause deadline plus
 * the watchdog's margin (the longest gap between their commits over the whole test), no
 * transaction may fail, and in the end the source and the target must be equal, with as many
 * {@code pgbench_history} rows as transactions committed.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class SwitchCrashIT {
  private static final Logger LOG = LoggerFactory.getLogger(SwitchCrashIT.class);
  private static final List<String> STEPS = List.of("paused", "drained", "frozen", "sequences-set", "back-channel-ready",
      "repointing", "repointed", "resumed", "switched");
  /**
   * Steps after which the restarted controller finishes the switch: PgBouncer points at the new
   * side (at {@code repointing} the journal says the repoint begins, but PgBouncer has not been
   * repointed yet, so it is undone).
   */
  private static final List<String> FINISHED = List.of("repointed", "resumed", "switched");
  private static final long MAX_PAUSE_MS = 3000;
  private static final Path LOGS = Path.of("target", "switch-crash-it");

  @TempDir
  Path work;

  private EmbeddedEnvironment env;
  private Path spec;
  private Path token;
  private String api;
  private int runs;

  @Test
  void shouldFinishOrUndoASwitchKilledAtAnyStepLosingNothing(EmbeddedEnvironment environment) throws Exception {
    env = environment;
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    RoutedPgbench.load(source, work);
    spec = Files.writeString(work.resolve("sc.yaml"), RoutedPgbench.spec("sc", env, "maxWritePauseMs: " + MAX_PAUSE_MS
        + "\n  gates: { holdSeconds: 0, requireCleanPass: false }", "verify: { continuous: false }"));
    token = Files.writeString(work.resolve("token"), "crash-test-token");
    Files.createDirectories(LOGS);
    Process baton = null;
    try (PgbenchWorkload clients = new PgbenchWorkload(env.pgbouncer().host(), env.pgbouncer().port(),
        env.pgbouncer().alias(), source.user(), 4, 150, null, work.resolve("workload"), 10)) {
      clients.start();
      // killed (SIGKILL) during its first seconds (setup and bulk copy), then twice while streaming
      long seed = System.nanoTime();
      java.util.Random random = new java.util.Random(seed);
      LOG.info("random kills with seed {}", seed);
      Process first = launch(null);
      Thread.sleep(1000 + random.nextInt(2000));
      kill(first);
      for (int kill = 0; kill < 2; kill++) {
        Process p = start(null);
        Thread.sleep(random.nextInt(3000));
        kill(p);
      }
      for (String step : STEPS) {
        crashDuring("cutover", step);
        baton = start(null);
        awaitState(FINISHED.contains(step) ? "CUT_OVER" : "STREAMING|READY", "after a crash at cutover:" + step);
        if (!FINISHED.contains(step)) {
          command("cutover");
        }
        stop(baton);
        crashDuring("rollback", step);
        baton = start(null);
        awaitState(FINISHED.contains(step) ? "ROLLED_BACK" : "CUT_OVER", "after a crash at rollback:" + step);
        if (!FINISHED.contains(step)) {
          command("rollback");
        }
        stop(baton);
      }
      baton = start(null);
      awaitState("ROLLED_BACK", "at the end");
      Thread.sleep(2000);
      PgbenchWorkload.Result seen = clients.stop();
      assertThat(seen.failedTransactions()).isZero();
      assertThat(seen.failedRuns()).isZero();
      long longestGap = seen.log().longestGapMs(0, Long.MAX_VALUE / 1000);
      LOG.info("{} transactions; longest gap between commits over the whole test: {} ms", seen.log().committed(), longestGap);
      assertThat(longestGap).as("the longest time clients waited").isLessThan(MAX_PAUSE_MS + 2500);
      String transactions = Long.toString(seen.log().committed());
      await("the target holds every transaction").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
          .until(() -> value(target, "SELECT count(*) FROM pgbench_history").equals(transactions));
      assertThat(value(source, "SELECT count(*) FROM pgbench_history")).isEqualTo(transactions);
      CliRun reconcile = CliRun.of("reconcile", "--spec", spec.toString(), "--source", source.toString(), "--target",
          target.toString());
      assertThat(reconcile.code()).as(reconcile.out()).isZero();
      assertThat(value(source, "SELECT string_agg(slot_name, ',') FROM pg_replication_slots")).isEqualTo("baton_sc");
      assertThat(value(target, "SELECT count(*) FROM pg_replication_slots")).isEqualTo("0");
    } catch (AssertionError | RuntimeException e) {
      LOG.error("failed; PgBouncer: {}; sequences: source {}, target {}", env.pgbouncer().adminCommand("SHOW DATABASES"),
          Db.query(source, "SELECT last_value, is_called FROM pgbench_history_id_seq"),
          Db.query(target, "SELECT last_value, is_called FROM pgbench_history_id_seq"));
      throw e;
    } finally {
      if (baton != null) {
        baton.destroyForcibly();
        baton.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Starts a run that halts at {@code action:step}, has it switch, and waits for it to die there. */
  private void crashDuring(String action, String step) throws Exception {
    Process p = start(action + ":" + step);
    CliRun r = command(action, false);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("run %d halted at %s:%s (%s)", runs, action, step, r.out()).isTrue();
    assertThat(p.exitValue()).isEqualTo(137);
    assertThat(Files.readString(log(runs))).contains("halting at crash point " + action + ":" + step);
  }

  private Process start(String crashAt) throws Exception {
    Process p = launch(crashAt);
    await("run " + runs + "'s control API").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
        .until(() -> !p.isAlive() || reachable());
    assertThat(p.isAlive()).as("run %d is alive (log %s)", runs, log(runs)).isTrue();
    return p;
  }

  /** Starts a run (that halts at {@code crashAt} when not null) without waiting for it. */
  private Process launch(String crashAt) throws Exception {
    int port = RoutedPgbench.freePort();
    api = "http://127.0.0.1:" + port;
    return BatonProcess.run(env, spec, work.resolve("state"), log(++runs),
        crashAt == null ? Map.of() : Map.of(CrashPoint.ENV, crashAt), "--listen", "127.0.0.1:" + port,
        "--api-token-file", token.toString());
  }

  private static void kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private boolean reachable() {
    try {
      return RoutedPgbench.status(api).path("ready").asBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void command(String action) throws Exception {
    CliRun r = command(action, true);
    assertThat(r.code()).as("%s in run %d: %s %s", action, runs, r.out(), r.err()).isZero();
  }

  /** Runs {@code baton cutover} (once its gates pass) or {@code baton rollback}. */
  private CliRun command(String action, boolean expectOutcome) {
    if (action.equals("cutover")) {
      await("the cutover gates in run " + runs).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .until(() -> CliRun.of("cutover", "--dry-run", "--api", api).code() == 0);
    }
    return CliRun.of(action, "--api", api, "--api-token-file", token.toString(), "--wait-seconds",
        expectOutcome ? "120" : "30");
  }

  /** Waits for one of the states, given as a regular expression ({@code STREAMING|READY}). */
  private void awaitState(String state, String when) {
    await(state + " " + when + " (run " + runs + ")").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
        .until(() -> reachable() && RoutedPgbench.status(api).path("state").asText().matches(state));
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
  }

  private static Path log(int run) {
    return LOGS.resolve("baton-" + run + ".log");
  }
}
