package io.baton.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.BatonException;
import io.baton.cli.BatonCli;
import io.baton.cli.PgbenchWorkload;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.PostgresServer;
import io.baton.pg.Database;
import io.baton.pg.TableInfo;
import io.baton.reconciler.Reconciler;
import io.baton.reconciler.RowDifference;
import io.baton.reconciler.TableComparison;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import io.baton.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code bench/run soak}: one {@code baton run}, as its own process, streams the demo migration
 * while pgbench writes at a steady rate through PgBouncer, and meets the faults of
 * {@link SoakSchedule} one after the other: the Kafka broker killed, the target restarted with an
 * immediate shutdown, Baton's sessions cut on either side, and cutovers and rollbacks through the
 * control API. After each fault the soak waits for Baton to apply again what clients write
 * ({@link SoakFigures}); at the end the clients stop, the stream drains, and the reconciler compares
 * both sides row by row.
 *
 * <p>Lag is sampled once a second from outside ({@link LagProbe}) and drawn with the fault windows
 * ({@link LagChart}). Every file of the run (the spec, {@code baton run}'s log, the clients' logs,
 * the lag samples as {@code lag.csv}) stays in the work directory for a post-mortem.
 */
final class SoakBench {
  /** How long Baton has to apply changes again after a fault before it counts as not survived, ms. */
  static final long RECOVERY_LIMIT_MS = 180_000;
  /** The least time between a fault's window and the next fault, ms. */
  static final long MIN_QUIET_MS = 5_000;
  /** How long the broker stays down when killed, ms. */
  static final long BROKER_DOWN_MS = 5_000;
  /** The lag under which the stream counts as caught up after the bulk snapshot, s. */
  static final double CAUGHT_UP_SECONDS = 1.0;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.time.format.DateTimeFormatter CLOCK = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");

  private final EmbeddedEnvironment env;
  private final int scale;
  private final int clients;
  private final int rate;
  private final int minutes;
  private final List<SoakSchedule.Kind> cycle;
  private final Path work;
  private final Path png;
  private final Database source;
  private final Database target;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String api;
  private Path tokenFile;
  private Process baton;
  private final long startNanos = System.nanoTime();

  /**
   * @param env the servers: source, target, Kafka and PgBouncer
   * @param scale pgbench's scale
   * @param clients pgbench clients
   * @param rate pgbench transactions per second over all clients
   * @param minutes how long the faults go on ({@link SoakSchedule#plan})
   * @param cycle the faults of one cycle ({@link SoakSchedule#CYCLE} unless asked otherwise)
   * @param work where the run's files go; kept
   * @param png where the lag chart goes
   */
  SoakBench(EmbeddedEnvironment env, int scale, int clients, int rate, int minutes, List<SoakSchedule.Kind> cycle,
      Path work, Path png) {
    this.env = env;
    this.scale = scale;
    this.clients = clients;
    this.rate = rate;
    this.minutes = minutes;
    this.cycle = cycle;
    this.work = work;
    this.png = png;
    this.source = BenchDb.database(env.source(), env.sourceDatabase());
    this.target = BenchDb.database(env.target(), env.targetDatabase());
  }

  /**
   * Runs the soak.
   *
   * @return the figures, in the order they are printed
   * @throws BatonException when the setting cannot be built or {@code baton run} never starts streaming
   * @throws IOException when the work directory cannot be written
   * @throws InterruptedException when interrupted
   */
  Map<String, Object> run() throws IOException, InterruptedException {
    List<SoakSchedule.Planned> plan = SoakSchedule.plan(minutes, cycle);
    PgbenchWorkload.loadSource(source, scale, work.resolve("source-load.log"));
    Path specFile = Files.writeString(work.resolve("soak-spec.yaml"), spec(env), StandardCharsets.UTF_8);
    MigrationSpec spec = new SpecLoader().load(specFile);
    tokenFile = Files.writeString(work.resolve("api-token"), java.util.UUID.randomUUID() + "\n");
    long historyAtStart = Long.parseLong(BenchDb.query(source, "SELECT count(*) FROM pgbench_history"));
    Map<String, Object> f = new LinkedHashMap<>();
    List<SoakFigures.Fault> faults = new ArrayList<>();
    PgbenchWorkload.Result clientsSaw;
    List<LagProbe.Sample> samples;
    long soakStart;
    long soakEnd;
    try (PgbenchWorkload workload = new PgbenchWorkload(env.pgbouncer().host(), env.pgbouncer().port(),
            env.pgbouncer().alias(), source.user(), clients, rate, null, work.resolve("workload"), 10);
        LagProbe probe = new LagProbe(env.source(), env.sourceDatabase(), env.target(), env.targetDatabase())) {
      workload.start();
      startBaton(specFile);
      awaitStreaming();
      probe.start();
      awaitCaughtUp(probe);
      soakStart = System.currentTimeMillis();
      progress("streaming; %d faults planned over %d minutes (work directory %s)", plan.size(), minutes, work);
      long nextAllowed = soakStart;
      for (SoakSchedule.Planned p : plan) {
        long due = Math.max(soakStart + p.atMs(), nextAllowed);
        sleepUntil(due);
        if (!baton.isAlive()) {
          progress("baton run is not running (exit code %d): no further fault injected; see %s", baton.exitValue(),
              work.resolve("baton.log"));
          break;
        }
        SoakFigures.Fault fault = inject(p.kind(), probe);
        faults.add(fault);
        nextAllowed = fault.windowEndMs() + MIN_QUIET_MS;
        if (!fault.survived()) {
          // what follows would meet a pipeline that is already down: stop here, and let the final
          // comparison say what the stall cost
          progress("stopping the schedule after the first fault not survived (%d of %d injected)", faults.size(),
              plan.size());
          break;
        }
      }
      boolean stoppedEarly = !faults.isEmpty() && !faults.get(faults.size() - 1).survived();
      sleepUntil(stoppedEarly ? nextAllowed : Math.max(soakStart + minutes * 60_000L, nextAllowed));
      soakEnd = System.currentTimeMillis();
      progress("stopping the clients");
      clientsSaw = workload.stop();
      // the catch-up after the bulk snapshot, sampled before the clock started, is not part of the soak
      samples = probe.samples().stream().filter(x -> x.atMs() >= soakStart).toList();
    }
    f.put("minutes", minutes);
    f.put("fault_cycle", cycle.stream().map(k -> k.label).toList());
    f.put("scale", scale);
    f.put("clients", clients);
    f.put("rate", rate);
    f.put("faults_planned", plan.size());
    f.put("faults_injected", faults.size());
    f.put("faults_survived", faults.stream().filter(SoakFigures.Fault::survived).count());
    f.put("baton_run_alive", baton.isAlive());
    f.put("transactions", clientsSaw.log().committed());
    f.put("failed_transactions", clientsSaw.failedTransactions() + clientsSaw.failedRuns());
    f.putAll(rowsCheck(spec, clientsSaw.log().committed(), historyAtStart));
    f.putAll(SoakFigures.lag(samples, faults));
    f.put("grace_after_recovery_ms", SoakFigures.GRACE_MS);
    f.put("faults", faultFigures(faults, clientsSaw, soakStart));
    f.put("soak_seconds", (soakEnd - soakStart) / 1000);
    f.put("wall_clock_seconds", (System.nanoTime() - startNanos) / 1_000_000_000L);
    double top = Math.max(1.5, ((Number) f.get("lag_max_seconds")).doubleValue() * 1.1);
    new LagChart(soakStart, soakEnd, top).write(png, String.format("bench/run soak --minutes %d: lag at %d tx/s, %d of %d"
        + " faults survived, lag p99 %.3f s outside the shaded fault windows", minutes, rate, f.get("faults_survived"),
        faults.size(), ((Number) f.get("lag_p99_seconds")).doubleValue()), samples, faults);
    f.put("png", png.toString());
    Path csv = Files.writeString(work.resolve("lag.csv"), SoakFigures.csv(samples, faults, soakStart), StandardCharsets.UTF_8);
    f.put("lag_csv", csv.toString());
    f.put("baton_log", work.resolve("baton.log").toString());
    stopBaton();
    return f;
  }

  /** Injects one fault, waits for its recovery, and prints what happened. */
  private SoakFigures.Fault inject(SoakSchedule.Kind kind, LagProbe probe) {
    long start = System.currentTimeMillis();
    progress("%s ...", kind.label);
    boolean ok = true;
    String detail;
    try {
      detail = switch (kind) {
        case BROKER_KILL -> {
          env.kafka().kill();
          pause(BROKER_DOWN_MS);
          env.kafka().restart();
          yield "broker down " + (System.currentTimeMillis() - start) + " ms";
        }
        case TARGET_RESTART -> {
          env.target().restartImmediately(Duration.ofSeconds(2));
          yield "target down and back in " + (System.currentTimeMillis() - start) + " ms";
        }
        case SOURCE_CUTS -> terminate(env.source(), env.sourceDatabase()) + " sessions terminated on the source";
        case TARGET_CUTS -> terminate(env.target(), env.targetDatabase()) + " sessions terminated on the target";
        case CUTOVER, ROLLBACK -> {
          int code = BatonCli.execute(kind == SoakSchedule.Kind.CUTOVER ? "cutover" : "rollback", "--api", api,
              "--api-token-file", tokenFile.toString(), "--wait-seconds", "300");
          ok = code == 0;
          if (ok) {
            probe.direction(kind == SoakSchedule.Kind.CUTOVER);
          } else if (kind == SoakSchedule.Kind.CUTOVER) {
            // a cutover left armed would start whenever the gates pass again, in the middle of what follows
            BatonCli.execute("cutover", "--postpone", "--api", api, "--api-token-file", tokenFile.toString());
          }
          yield kind.label + (ok ? " done" : " failed (exit code " + code + ")");
        }
      };
    } catch (BatonException e) {
      ok = false;
      detail = "injection failed: " + e.getMessage();
    }
    long over = System.currentTimeMillis();
    boolean reverse = probe.reverse();
    long recovered = -1;
    long deadline = over + RECOVERY_LIMIT_MS;
    while (recovered < 0 && System.currentTimeMillis() < deadline && baton.isAlive()) {
      pause(250);
      recovered = SoakFigures.recoveredAt(probe.samples(), over, reverse);
    }
    long gaveUp = System.currentTimeMillis();
    SoakFigures.Fault fault = new SoakFigures.Fault(kind, start, over, reverse, ok, detail, recovered,
        SoakFigures.windowEnd(recovered, gaveUp));
    if (fault.survived()) {
      progress("%s: %s; changes applied again %d ms after", kind.label, detail, fault.recoveredAfterMs());
    } else {
      progress("%s: NOT SURVIVED: %s; %s", kind.label, detail, recovered < 0
          ? "no change applied within " + (gaveUp - over) / 1000 + " s" + (baton.isAlive() ? "" : ", baton run exited")
          : "changes applied again after " + fault.recoveredAfterMs() + " ms");
      lastErrors().forEach(l -> progress("  baton.log: %s", l));
      try {
        Files.copy(env.kafka().logFile(), work.resolve("broker.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        progress("  the broker's log is kept in %s", work.resolve("broker.log"));
      } catch (IOException e) {
        progress("  the broker's log could not be kept: %s", e.getMessage());
      }
    }
    return fault;
  }

  /** @return the figures of each fault, times relative to the soak's start */
  private static List<Map<String, Object>> faultFigures(List<SoakFigures.Fault> faults, PgbenchWorkload.Result clientsSaw,
      long soakStart) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SoakFigures.Fault x : faults) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", x.kind().label);
      m.put("start_ms", x.startMs() - soakStart);
      m.put("over_ms", x.overMs() - soakStart);
      m.put("window_end_ms", x.windowEndMs() - soakStart);
      m.put("recovered_after_ms", x.recoveredAfterMs());
      m.put("survived", x.survived());
      m.put("detail", x.detail());
      if (x.kind() == SoakSchedule.Kind.CUTOVER || x.kind() == SoakSchedule.Kind.ROLLBACK) {
        m.put("write_pause_ms", clientsSaw.log().longestGapMs(x.startMs(), x.overMs()));
      }
      m.put("failed_transactions", clientsSaw.log().failedBetween(x.startMs(), x.windowEndMs()));
      out.add(m);
    }
    return out;
  }

  /**
   * Waits for the stream to drain, then compares both sides: the reconciler's verdict, and the rows
   * lost or doubled. Lost: rows whose key one side holds and the other not, plus client commits
   * that neither side's {@code pgbench_history} holds (pgbench inserts one row per transaction).
   * Doubled: {@code pgbench_history} rows beyond the clients' commits, plus ids held twice.
   */
  private Map<String, Object> rowsCheck(MigrationSpec spec, long committed, long historyAtStart) throws InterruptedException {
    Map<TableInfo, RowTransform> tables = BenchMigration.tables(source, spec);
    progress("waiting for the stream to drain, then comparing both sides");
    long deadline = System.currentTimeMillis() + RECOVERY_LIMIT_MS;
    List<TableComparison> last = Reconciler.compare(source, target, tables);
    while (!last.stream().allMatch(TableComparison::equal) && System.currentTimeMillis() < deadline) {
      Thread.sleep(3000);
      last = Reconciler.compare(source, target, tables);
    }
    long oneSide = 0;
    long differing = 0;
    for (Map.Entry<TableInfo, RowTransform> t : tables.entrySet()) {
      String name = t.getKey().name().toString();
      if (last.stream().anyMatch(c -> c.source().equals(name) && !c.equal())) {
        AtomicLong only = new AtomicLong();
        AtomicLong diff = new AtomicLong();
        Reconciler.forEachMismatch(source, target, t.getKey(), t.getValue(), d -> {
          (d.kind() == RowDifference.Kind.DIFFERING ? diff : only).incrementAndGet();
        });
        oneSide += only.get();
        differing += diff.get();
      }
    }
    long[] src = history(source);
    long[] tgt = history(target);
    long written = committed + historyAtStart;
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("lost_rows", oneSide + Math.max(0, written - Math.max(src[0], tgt[0])));
    f.put("doubled_rows", Math.max(0, Math.max(src[0], tgt[0]) - written) + (src[0] - src[1]) + (tgt[0] - tgt[1]));
    f.put("differing_rows", differing);
    f.put("reconcile_equal", last.stream().allMatch(TableComparison::equal));
    f.put("history_rows", Map.of("source", src[0], "target", tgt[0], "committed_by_clients", committed));
    return f;
  }

  /** @return rows of {@code pgbench_history} and distinct ids among them */
  private static long[] history(Database db) {
    String[] r = BenchDb.query(db, "SELECT count(*) || ' ' || count(DISTINCT id) FROM pgbench_history").split(" ");
    return new long[] {Long.parseLong(r[0]), Long.parseLong(r[1])};
  }

  /**
   * Terminates Baton's sessions (application name {@code baton}) and the WAL senders on a database,
   * as an administrator or a failing network would; the probe's and the clients' sessions stay.
   *
   * @return how many sessions were terminated
   * @throws BatonException when the database cannot be reached
   */
  private static int terminate(PostgresServer server, String database) {
    try (Connection c = server.connect(database); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
            + " AND datname = current_database() AND (application_name = 'baton' OR backend_type = 'walsender')")) {
      int n = 0;
      while (rs.next()) {
        n++;
      }
      return n;
    } catch (SQLException e) {
      throw new BatonException("cutting sessions on " + server.name() + ": " + e.getMessage(), e);
    }
  }

  private void startBaton(Path specFile) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    api = "http://127.0.0.1:" + port;
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), BatonCli.class.getName(),
        "run", "--spec", specFile.toString(), "--source", source.toString(), "--target", target.toString(), "--kafka",
        env.kafka().bootstrapServers(), "--work-dir", work.resolve("state").toString(), "--listen", "127.0.0.1:" + port,
        "--api-token-file", tokenFile.toString());
    baton = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("baton.log").toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> baton.destroyForcibly(), "soak-baton-stop"));
    progress("baton run started (pid %d), control API %s", baton.pid(), api);
  }

  /** Waits until {@code baton run} has copied the source and streams (its controller takes commands). */
  private void awaitStreaming() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15 * 60_000L;
    while (System.currentTimeMillis() < deadline) {
      if (!baton.isAlive()) {
        throw new BatonException("baton run exited with " + baton.exitValue() + " before it streamed; see "
            + work.resolve("baton.log"));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/status"))
            .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode status = JSON.readTree(r.body());
        if (status.path("ready").asBoolean()) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(1000);
    }
    throw new BatonException("baton run did not start streaming within 15 minutes; see " + work.resolve("baton.log"));
  }

  /**
   * Waits until the stream has caught up with what the clients wrote during the bulk snapshot (a
   * lag sample under {@link #CAUGHT_UP_SECONDS}), so that the soak's clock starts in the steady state.
   */
  private void awaitCaughtUp(LagProbe probe) {
    long start = System.currentTimeMillis();
    long deadline = start + 10 * 60_000L;
    while (System.currentTimeMillis() < deadline) {
      List<LagProbe.Sample> samples = probe.samples();
      if (!samples.isEmpty() && samples.get(samples.size() - 1).hasLag()
          && samples.get(samples.size() - 1).lagSeconds() < CAUGHT_UP_SECONDS) {
        progress("caught up with the bulk snapshot's backlog in %d s", (System.currentTimeMillis() - start) / 1000);
        return;
      }
      pause(500);
    }
    throw new BatonException("the stream did not catch up with the bulk snapshot's backlog within 10 minutes; see "
        + work.resolve("baton.log"));
  }

  private void stopBaton() throws InterruptedException {
    baton.destroy();
    if (!baton.waitFor(60, TimeUnit.SECONDS)) {
      baton.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** @return the last error lines of {@code baton run}'s log */
  private List<String> lastErrors() {
    try (Stream<String> lines = Files.lines(work.resolve("baton.log"))) {
      List<String> errors = lines.filter(l -> l.contains("ERROR") || l.contains(" WARN ")).toList();
      return errors.subList(Math.max(0, errors.size() - 5), errors.size());
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of("(cannot read the log: " + e.getMessage() + ")");
    }
  }

  /** @return the demo spec, named soak, routed through the environment's PgBouncer, with the soak's gates */
  static String spec(EmbeddedEnvironment env) throws IOException {
    String demo;
    try (InputStream in = BatonCli.class.getResourceAsStream("/demo-spec.yaml")) {
      demo = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // gates that pass once the lag is low: the soak is about faults, not about the gates' holding
    // periods; no automatic rollback, so that a fault during a cutover meets the supervisor
    return demo.replaceFirst("(?m)^name: demo$", "name: soak").stripTrailing() + "\n" + """
          gates: { holdSeconds: 0, requireCleanPass: false, maxSinkErrorsPerMinute: 1000000 }
          router:
            pgbouncer: { host: %s, port: %d, adminUser: %s, database: %s, databasesFile: "%s" }
        rollback: { automatic: false }
        """.formatted(env.pgbouncer().host(), env.pgbouncer().port(), env.source().user(), env.pgbouncer().alias(),
        env.pgbouncer().databasesFile());
  }

  private static void progress(String format, Object... args) {
    System.err.printf("[soak %s] %s%n", LocalTime.now().format(CLOCK), String.format(format, args));
  }

  private static void sleepUntil(long ms) {
    pause(ms - System.currentTimeMillis());
  }

  private static void pause(long ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException("interrupted", e);
    }
  }
}
