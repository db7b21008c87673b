package io.baton.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.baton.BatonException;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/run}: side-by-side benchmarks of Baton against what operators use today, in one run
 * on the same machine and the same pgbench data, so that the ratios hold on a noisy machine. Each
 * prints its figures as JSON on standard output and, with {@code --json}, into a file.
 */
@Command(name = "bench/run", mixinStandardHelpOptions = true, subcommands = {Bench.Snapshot.class, Bench.Stream.class, Bench.Verify.class,
    Bench.Cutover.class, Bench.Transform.class, Bench.Soak.class},
    description = "Benchmarks Baton side by side with a raw COPY pipe and native logical replication.")
public final class Bench {
  private Bench() {}

  /**
   * @param args the command line
   */
  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Bench());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      System.err.println("bench failed: " + e.getMessage());
      return e instanceof BatonException ? 3 : 1;
    });
    System.exit(cli.execute(args));
  }

  /** Options every benchmark takes. */
  static class Common {
    @Option(names = "--scale", defaultValue = "10", description = "pgbench scale: 100,000 accounts each (default ${DEFAULT-VALUE})")
    int scale;

    @Option(names = "--json", description = "also write the figures to this file")
    Path json;

    @Option(names = "--postgres", defaultValue = "EMBEDDED",
        description = "EMBEDDED (PostgreSQL 17 from Maven) or SYSTEM (the distribution's, run as postgres)")
    PostgresServer.Flavor postgres;

    void write(Map<String, Object> figures) throws java.io.IOException {
      String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(figures);
      System.out.println(text);
      if (json != null) {
        Files.writeString(json, text + "\n");
      }
    }
  }

  /** {@code bench/run stream}: catch-up of a fixed backlog (B3 native, B6 Baton) and lag under load. */
  @Command(name = "stream", mixinStandardHelpOptions = true,
      description = "Times native logical replication and Baton catching up the same backlog, then Baton's lag under load.")
  static final class Stream extends Common implements Callable<Integer> {
    @Option(names = "--transactions", defaultValue = "20000", description = "pgbench transactions in the backlog (default ${DEFAULT-VALUE})")
    int transactions;

    @Option(names = "--rate", defaultValue = "1000", description = "transactions/s while lag is measured (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--seconds", defaultValue = "60", description = "how long lag is measured (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--apply-threads", defaultValue = "4", description = "Baton's apply.threads (default ${DEFAULT-VALUE})")
    int applyThreads;

    @Override
    public Integer call() throws Exception {
      try (EmbeddedEnvironment env = EmbeddedEnvironment.builder().flavor(postgres).withPgBouncer(false).start()) {
        write(new StreamBench(env, scale, transactions, rate, seconds, applyThreads).run());
      }
      return 0;
    }
  }

  /** Options and servers of the benchmarks that copy with Baton's bulk snapshot (no Kafka needed). */
  abstract static class Copying extends Common implements Callable<Integer> {
    @Option(names = "--parallelism", defaultValue = "4", description = "Baton's snapshot.parallelism (default ${DEFAULT-VALUE})")
    int parallelism;

    @Override
    public Integer call() throws Exception {
      try (EmbeddedEnvironment env = EmbeddedEnvironment.builder().flavor(postgres).withKafka(false).withPgBouncer(false).start()) {
        write(run(env));
      }
      return 0;
    }

    abstract Map<String, Object> run(EmbeddedEnvironment env) throws Exception;
  }

  /** {@code bench/run verify}: Baton's bulk snapshot, then one full reconciler pass over the copy. */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Copies pgbench's tables with Baton, then verifies the copy in full; compares the two times.")
  static final class Verify extends Copying {
    @Override
    Map<String, Object> run(EmbeddedEnvironment env) {
      return new VerifyBench(env, scale, parallelism).run();
    }
  }

  /** {@code bench/run snapshot}: B1 COPY pipe, B3 native initial sync, B6 Baton's bulk snapshot. */
  @Command(name = "snapshot", mixinStandardHelpOptions = true,
      description = "Copies pgbench's tables three ways into fresh target databases and compares rows/s.")
  static final class Snapshot extends Copying {
    @Override
    Map<String, Object> run(EmbeddedEnvironment env) throws Exception {
      return new SnapshotBench(env, scale, parallelism).run();
    }
  }

  /**
   * {@code bench/run cutover}: cutovers and rollbacks in a row with pgbench at full speed through
   * PgBouncer the whole time, each switch's write pause measured from the clients' commit log.
   */
  @Command(name = "cutover", mixinStandardHelpOptions = true,
      description = "Runs N cutover-and-rollback cycles under pgbench at full speed (the demo with --rate 0 --cycles N)"
          + " and writes, for cutovers and rollbacks separately, the write pause (p50, max), failed transactions and"
          + " the verification after each.")
  static final class Cutover extends Common implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "10", description = "cutover-and-rollback cycles (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--clients", defaultValue = "4", description = "pgbench clients, unthrottled (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--phase-seconds", defaultValue = "10",
        description = "how long the workload runs on each side before the next switch (default ${DEFAULT-VALUE})")
    int phaseSeconds;

    @Override
    public Integer call() throws Exception {
      Path summary = Files.createTempFile("baton-cutover-bench", ".json");
      try {
        int code = io.baton.cli.BatonCli.execute("demo", "--scale", Integer.toString(scale), "--clients",
            Integer.toString(clients), "--rate", "0", "--cycles", Integer.toString(runs), "--phase-seconds",
            Integer.toString(phaseSeconds), "--postgres", postgres.name(), "--summary-json", summary.toString());
        if (Files.size(summary) == 0) {
          throw new BatonException("the cutover rehearsal stopped before it measured anything (exit code " + code + ")");
        }
        write(CutoverFigures.from(new ObjectMapper().readTree(summary.toFile()), scale, clients, runs));
        return code;
      } finally {
        Files.deleteIfExists(summary);
      }
    }
  }

  /**
   * {@code bench/run soak}: {@code baton run} under a steady pgbench load meets broker kills, a target
   * restart, cut sessions, cutovers and rollbacks on a schedule; the figures say which faults it
   * survived, what the clients saw, what the final comparison found, and the lag outside the faults.
   */
  @Command(name = "soak", mixinStandardHelpOptions = true,
      description = "Streams the demo migration with pgbench writing at a steady rate while faults are injected on a"
          + " schedule (broker kill, target restart, connection cuts, a cutover and a rollback, repeated to fill the"
          + " minutes; the schedule stops at the first fault not survived); exits 0 when every planned fault was"
          + " survived and both sides compare equal. Writes faults survived, transactions, lost and doubled rows, lag outside the fault windows,"
          + " and a PNG of the lag with the fault windows shaded.")
  static final class Soak extends Common implements Callable<Integer> {
    @Option(names = "--minutes", defaultValue = "30", description = "how long faults are injected, at least 3 (default ${DEFAULT-VALUE})")
    int minutes;

    @Option(names = "--rate", defaultValue = "200", description = "pgbench transactions/s over all clients (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--clients", defaultValue = "4", description = "pgbench clients (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--faults", split = ",", description = "the faults of one cycle, in order, repeated to fill the"
        + " minutes (default: broker-kill,target-restart,source-cuts,broker-kill,cutover,target-cuts,rollback); for"
        + " example --faults broker-kill to meet many broker kills in one run")
    List<String> faults;

    @Option(names = "--png", description = "the lag chart (default: the --json file with .png, else soak-lag.png)")
    Path png;

    @Option(names = "--work-dir", description = "where baton run's log, state and the clients' logs go, kept"
        + " (default: a new temporary directory)")
    Path workDir;

    @Override
    public Integer call() throws Exception {
      List<SoakSchedule.Kind> cycle = faults == null ? SoakSchedule.CYCLE : SoakSchedule.cycle(faults);
      SoakSchedule.plan(minutes, cycle);
      Path chart = png != null ? png : json != null
          ? json.resolveSibling(json.getFileName().toString().replaceFirst("(\\.json)?$", ".png")) : Path.of("soak-lag.png");
      Path work = workDir != null ? Files.createDirectories(workDir.toAbsolutePath())
          : Files.createTempDirectory("baton-soak-");
      Map<String, Object> figures;
      try (EmbeddedEnvironment env = EmbeddedEnvironment.builder().flavor(postgres).start()) {
        figures = new SoakBench(env, scale, clients, rate, minutes, cycle, work, chart.toAbsolutePath()).run();
      }
      write(figures);
      boolean clean = ((Number) figures.get("faults_survived")).longValue() == ((Number) figures.get("faults_planned")).longValue()
          && Boolean.TRUE.equals(figures.get("reconcile_equal"));
      return clean ? 0 : 1;
    }
  }

  /** {@code bench/run transform}: the row transform's rate per spec, side by side (no database). */
  @Command(name = "transform", mixinStandardHelpOptions = true,
      description = "Measures rows per second through the row transform for a spec that only renames, one that casts,"
          + " and one that adds a CEL filter, rule and derived column, side by side in one JVM.")
  static final class Transform implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "3", description = "seconds per spec and round (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--rounds", defaultValue = "3", description = "rounds; the last one is reported (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--json", description = "also write the figures to this file")
    Path json;

    @Override
    public Integer call() throws Exception {
      String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(TransformBench.run(seconds, rounds));
      System.out.println(text);
      if (json != null) {
        Files.writeString(json, text + "\n");
      }
      return 0;
    }
  }
}
