package io.baton.cli;

import io.baton.BatonException;
import io.baton.embedded.PostgresServer;
import io.baton.pg.Database;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecException;
import io.baton.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code baton} command.
 *
 * <p>Exit codes: 0 every check passed; 1 the migration ran but a check failed (see the summary);
 * 2 bad input (a missing or invalid spec, an unknown table, a bad option); 3 the environment is not
 * usable (a server or program missing or unreachable).
 */
@Command(name = "baton", mixinStandardHelpOptions = true, version = "baton 0.1.0",
    description = "Zero-downtime PostgreSQL migrations: COPY snapshot, CDC through Kafka, verified cutover and rollback.",
    subcommands = {BatonCli.Demo.class, BatonCli.Rehearse.class, BatonCli.Run.class, BatonCli.Reconcile.class,
        BatonCli.Report.class, BatonCli.RunbookCmd.class, BatonCli.Profile.class, BatonCli.Plan.class, BatonCli.SpecReferenceCommand.class, ControlCommands.Cutover.class,
        ControlCommands.Rollback.class, ControlCommands.Finalize.class, ControlCommands.Status.class,
        QuarantineCommand.class, TransformCommand.class},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:every check passed", "1:a check failed (see the summary)", "2:bad input", "3:environment not usable"})
public final class BatonCli implements Callable<Integer> {
  static final int OK = 0;
  static final int CHECK_FAILED = 1;
  static final int BAD_INPUT = 2;
  static final int ENVIRONMENT = 3;

  /**
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /**
   * Runs the command without exiting the JVM.
   *
   * @param args command-line arguments
   * @return the exit code
   */
  public static int execute(String... args) {
    return new CommandLine(new BatonCli()).setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("baton: " + e.getMessage());
      return e instanceof SpecException ? BAD_INPUT : ENVIRONMENT;
    }).execute(args);
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return BAD_INPUT;
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = {"Rehearse a migration of a live pgbench database: pgbench writes through PgBouncer the whole time,"
          + " while Baton snapshots, streams, renames pgbench_accounts to accounts and abalance to balance, cuts over,"
          + " and rolls back, verifying after each step.", ""},
      footer = {"", "Examples:", "  baton demo --scale 10 --summary-json demo.json",
          "  baton demo --operate   # you watch and cut over from the status page at http://127.0.0.1:9464/",
          "  baton demo --rate 0 --cycles 10 --summary-json cutovers.json   # ten cutovers and rollbacks at full speed"})
  static final class Demo implements Callable<Integer> {
    @Option(names = "--scale", defaultValue = "10", description = "pgbench scale factor, 100,000 accounts each (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--operate", description = "Leave the migration to you: it streams until you cut over, roll back and"
        + " finalize from the status page or with baton cutover/rollback/finalize, as with a real migration.")
    boolean operate;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9464",
        description = "With --operate: where the status page and the control API listen (default: ${DEFAULT-VALUE}).")
    String listen;

    @CommandLine.Mixin
    RunOptionsMixin run = new RunOptionsMixin();

    @Override
    public Integer call() throws IOException, InterruptedException {
      if (scale < 1) {
        throw new SpecException("--scale must be at least 1");
      }
      if (operate) {
        java.net.InetSocketAddress address = Run.metricsAddress(listen);
        if (address == null || !address.getAddress().isLoopbackAddress()) {
          throw new SpecException("--listen must be a loopback HOST:PORT for the demo, not '" + listen + "'");
        }
        try {
          return OperatedDemo.run(scale, run.clients, run.rate, run.workDir(), run.postgres, address, System.out);
        } finally {
          if (!run.keepWorkDir && run.workDirOption == null) {
            deleteTree(run.workDir());
          }
        }
      }
      Path work = run.workDir();
      Path spec = work.resolve("demo-spec.yaml");
      try (InputStream in = BatonCli.class.getResourceAsStream("/demo-spec.yaml")) {
        Files.write(spec, in.readAllBytes());
      }
      return run.execute(new Rehearsal.Options(spec, List.of(), scale, null, run.clients, run.rate, run.phaseSeconds,
          run.cycles, work, run.postgres));
    }
  }

  @Command(name = "rehearse", mixinStandardHelpOptions = true,
      description = {"Rehearse a migration end to end on embedded servers: load the SQL into the source, run the workload"
          + " through PgBouncer, snapshot, stream, cut over, roll back, verifying after each step.", ""},
      footer = {"", "Example:", "  baton rehearse --source-sql schema.sql --source-sql data.sql --spec migration.yaml --workload pgbench"})
  static final class Rehearse implements Callable<Integer> {
    @Option(names = "--source-sql", paramLabel = "FILE", required = true, arity = "1..*", description = "SQL files loaded into the source, in order.")
    List<Path> sourceSql = new ArrayList<>();

    @Option(names = "--spec", paramLabel = "FILE", required = true, description = "The migration spec (YAML).")
    Path spec;

    @Option(names = "--workload", paramLabel = "pgbench|FILE.sql", defaultValue = "pgbench",
        description = "The client workload: pgbench's built-in script (needs pgbench tables), or a pgbench script file (default: ${DEFAULT-VALUE}).")
    String workload;

    @CommandLine.Mixin
    RunOptionsMixin run = new RunOptionsMixin();

    @Override
    public Integer call() throws IOException {
      Path script = workload.equals("pgbench") ? null : Path.of(workload);
      if (script != null && !Files.isReadable(script)) {
        throw new SpecException("workload script " + script + " does not exist or cannot be read");
      }
      for (Path f : sourceSql) {
        if (!Files.isReadable(f)) {
          throw new SpecException("--source-sql " + f + " does not exist or cannot be read");
        }
      }
      if (!Files.isReadable(spec)) {
        throw new SpecException("spec file " + spec + " does not exist or cannot be read (pass an existing file with --spec)");
      }
      return run.execute(new Rehearsal.Options(spec.toAbsolutePath(), sourceSql.stream().map(Path::toAbsolutePath).toList(), 0,
          script == null ? null : script.toAbsolutePath(), run.clients, run.rate, run.phaseSeconds, run.cycles, run.workDir(),
          run.postgres));
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Start a migration, or continue it where it stopped: bulk snapshot, then stream changes until stopped"
          + " (SIGTERM or Ctrl-C). Run the same command again after a stop or a crash: it continues from the journal on"
          + " the target.", "",
          "Passwords come from the environment: BATON_SOURCE_PASSWORD and BATON_TARGET_PASSWORD.",
          "On SIGTERM it stops cleanly (offsets flushed, slot kept) and the JVM exits with 143; 1 when the pipeline failed.", ""},
      footer = {"", "Example:", "  baton run --spec shop.yaml --source postgresql://app@10.0.0.5:5432/shop"
          + " --target postgresql://app@10.0.0.9:5432/shop --kafka 10.0.0.7:9092 --work-dir /var/lib/baton/shop"})
  static final class Run implements Callable<Integer> {
    @CommandLine.Mixin
    MigrationOptions migration = new MigrationOptions();

    @Option(names = "--kafka", paramLabel = "HOST:PORT[,HOST:PORT...]",
        description = "Kafka bootstrap servers (default: the spec's kafka.bootstrapServers).")
    String kafka;

    @Option(names = "--work-dir", paramLabel = "DIR",
        description = "Where Debezium's offsets and Kafka Streams' state live; use the same directory on every run"
            + " (not needed with --dry-run).")
    Path workDir;

    @Option(names = "--dry-run", description = "Make every check and print the plan (tables, sizes, snapshot chunks,"
        + " column operations, what a rollback cannot undo, target DDL), writing nothing anywhere.")
    boolean dryRun;

    @Option(names = "--resync", description = "Copy every table again under a new replication slot, for a migration"
        + " whose slot was dropped or invalidated by the source before cutover (the message that stopped baton run says"
        + " so): empties the target tables, skips what Kafka holds from the old slot, and streams on after the copy."
        + " Stop every baton run and baton transform of the migration first.")
    boolean resync;

    @Option(names = {"--listen", "--metrics"}, paramLabel = "HOST:PORT|off", defaultValue = "127.0.0.1:9464",
        description = "Where to serve Prometheus metrics (GET /metrics) and the control API (/api/...) that baton"
            + " cutover, rollback and finalize talk to; port 0 picks a free one, off serves neither"
            + " (default: ${DEFAULT-VALUE}).")
    String metrics;

    @Option(names = "--api-token-file", paramLabel = "FILE",
        description = "The bearer token the control API's commands require (default: $" + ApiToken.ENV + ", else a new"
            + " random one written to WORK_DIR/" + ApiToken.FILE_NAME + ", readable by its owner only).")
    Path apiTokenFile;

    @Override
    public Integer call() throws IOException, InterruptedException {
      MigrationSpec loaded = migration.spec();
      Database s = migration.source(loaded);
      Database t = migration.target(loaded);
      io.baton.event.KafkaCluster bootstrap = kafka(kafka, loaded);
      if (dryRun) {
        return DryRun.run(loaded, s, t, bootstrap, System.out);
      }
      if (workDir == null) {
        throw new SpecException("--work-dir DIR is missing: where Debezium's offsets and Kafka Streams' state live");
      }
      Files.createDirectories(workDir);
      return RunCommand.run(loaded, s, t, bootstrap, workDir.toAbsolutePath(), java.time.Duration.ofSeconds(10),
          metricsAddress(metrics), ApiToken.given(apiTokenFile), resync);
    }

    /**
     * @param option the value of {@code --kafka}, or null
     * @param spec the loaded spec
     * @return the Kafka cluster: the option's bootstrap servers, or else the spec's {@code kafka.bootstrapServers};
     *     with the spec's {@code kafka.properties} and {@code kafka.propertiesFile} in either case
     * @throws SpecException when neither gives them, or the properties file cannot be read
     */
    static io.baton.event.KafkaCluster kafka(String option, MigrationSpec spec) {
      if (spec.kafka() != null) {
        return spec.kafka().cluster(option);
      }
      if (option == null) {
        throw new SpecException("no Kafka cluster: pass --kafka HOST:PORT, or give kafka.bootstrapServers in the spec");
      }
      return io.baton.event.KafkaCluster.of(option);
    }

    /** @return the address, or null for {@code off} */
    static java.net.InetSocketAddress metricsAddress(String value) {
      if (value.equals("off")) {
        return null;
      }
      int colon = value.lastIndexOf(':');
      try {
        int port = Integer.parseInt(value.substring(colon + 1));
        if (colon < 1 || port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
        return new java.net.InetSocketAddress(value.substring(0, colon), port);
      } catch (NumberFormatException e) {
        throw new SpecException("--metrics must be HOST:PORT (port 0-65535) or off, not '" + value + "'");
      }
    }

  }

  /** The spec and the two databases: options of every command that works on a real migration. */
  /** Where a command that writes a document (a report, a profile) writes it. */
  static final class DocumentOptions {
    @Option(names = "--markdown", paramLabel = "FILE",
        description = "Write it as Markdown to FILE (without --markdown and --json, it goes to standard output).")
    Path markdown;

    @Option(names = "--json", paramLabel = "FILE", description = "Write it as JSON to FILE.")
    Path json;
  }

  static final class MigrationOptions {
    @Option(names = "--spec", paramLabel = "FILE", required = true, description = "The migration spec (YAML).")
    Path spec;

    @Option(names = "--source", paramLabel = "postgresql://USER@HOST:PORT/DB",
        description = "The source database (default: the spec's source.url); its password from BATON_SOURCE_PASSWORD. TLS in the"
            + " query: ?sslmode=verify-full&sslrootcert=CA.pem (recommended), sslcert and sslkey for a client certificate,"
            + " whose key's password comes from BATON_SOURCE_SSL_PASSWORD.")
    String source;

    @Option(names = "--target", paramLabel = "postgresql://USER@HOST:PORT/DB",
        description = "The target database (default: the spec's target.url); its password from BATON_TARGET_PASSWORD. TLS in the"
            + " query: ?sslmode=verify-full&sslrootcert=CA.pem (recommended), sslcert and sslkey for a client certificate,"
            + " whose key's password comes from BATON_TARGET_SSL_PASSWORD.")
    String target;

    /** @throws SpecException when the file is missing or invalid */
    MigrationSpec spec() throws IOException {
      if (!Files.isReadable(spec)) {
        throw new SpecException("spec file " + spec + " does not exist or cannot be read (pass an existing file with --spec)");
      }
      return new SpecLoader().load(spec);
    }

    /**
     * @param spec the loaded spec
     * @return the source: {@code --source} with its password from BATON_SOURCE_PASSWORD, or else the
     *     spec's {@code source}
     * @throws SpecException when neither names it, or its password cannot be read
     */
    Database source(MigrationSpec spec) {
      return database("--source", source, spec.source(), "source", "BATON_SOURCE");
    }

    /** @see #source(MigrationSpec) the same for the target, BATON_TARGET_PASSWORD and {@code target} */
    Database target(MigrationSpec spec) {
      return database("--target", target, spec.target(), "target", "BATON_TARGET");
    }

    /**
     * @param variables the prefix of the environment variables: {@code PREFIX_PASSWORD} holds the
     *     password, {@code PREFIX_SSL_PASSWORD} the TLS client key's password (read only when the
     *     URL names a key with {@code sslkey})
     */
    private static Database database(String option, String url, io.baton.spec.ConnectionSettings fromSpec, String key,
        String variables) {
      try {
        if (url != null) {
          Database parsed = Database.parse(url, System.getenv(variables + "_PASSWORD"));
          return parsed.tls().key() == null ? parsed
              : Database.parse(url, parsed.password(), System.getenv(variables + "_SSL_PASSWORD"));
        }
        if (fromSpec != null) {
          return fromSpec.database(System::getenv, variables + "_PASSWORD", variables + "_SSL_PASSWORD");
        }
      } catch (BatonException e) {
        throw new SpecException(option + ": " + e.getMessage());
      }
      throw new SpecException("no " + key + " database: pass " + option + " postgresql://USER@HOST:PORT/DB, or give "
          + key + ".url in the spec");
    }
  }

  @Command(name = "reconcile", mixinStandardHelpOptions = true,
      description = {"Compare spec(source) with the target once: exact row counts and checksums of every table and,"
          + " for a table that differs, every mismatched row counted and the first ones described (missing in target,"
          + " extra in target, or differing, with the columns and both values).", "",
          "Run it while the stream is stopped or caught up with no writes: under load, changes not yet applied show as"
          + " differences.", "",
          "Passwords come from the environment: BATON_SOURCE_PASSWORD and BATON_TARGET_PASSWORD.",
          "Exits with 0 when every table is equal (after the repair, with --repair), 1 when one differs.", ""},
      footer = {"", "Example:", "  baton reconcile --spec shop.yaml --source postgresql://app@10.0.0.5:5432/shop"
          + " --target postgresql://app@10.0.0.9:5432/shop --output json"})
  static final class Reconcile implements Callable<Integer> {
    @CommandLine.Mixin
    MigrationOptions migration = new MigrationOptions();

    @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
        description = "text for people, json for programs (default: ${DEFAULT-VALUE}).")
    ReconcileCommand.Output output;

    @Option(names = "--repair", description = "Repair the rows found different (tables with a primary key: rows read again"
        + " from the source through the spec and upserted, extra rows deleted), then verify again; the second pass decides"
        + " the exit code.")
    boolean repair;

    @Override
    public Integer call() throws IOException {
      MigrationSpec loaded = migration.spec();
      return ReconcileCommand.run(loaded, migration.source(loaded), migration.target(loaded), output, repair, System.out);
    }
  }

  @Command(name = "profile", mixinStandardHelpOptions = true,
      description = {"Profile the source tables in the spec's scope, column by column: type, NULLs, distinct values,"
          + " minimum and maximum, text length range, the most common values and value patterns (digits as 9, letters"
          + " as A and a). A table larger than --sample-rows is profiled on a random sample, and says so.", "",
          "For a table whose spec changes values or validates rows, a dry run of the spec over every row: how many rows"
          + " each value operation and validation rule rejects, with examples (a row that breaks two rules counts under"
          + " both).", "",
          "Reads the source only; --target is not used. Its password comes from BATON_SOURCE_PASSWORD or the spec.", ""},
      footer = {"", "Example:", "  baton profile --spec shop.yaml --source postgresql://app@10.0.0.5:5432/shop"
          + " --markdown profile.md --json profile.json"})
  static final class Profile implements Callable<Integer> {
    @CommandLine.Mixin
    MigrationOptions migration = new MigrationOptions();

    @Option(names = "--sample-rows", paramLabel = "N", defaultValue = "1000000",
        description = "Profile at most about N rows of each table (default: ${DEFAULT-VALUE}).")
    long sampleRows;

    @CommandLine.Mixin
    DocumentOptions files = new DocumentOptions();

    @Override
    public Integer call() throws IOException {
      if (sampleRows < 1) {
        throw new SpecException("--sample-rows must be at least 1, not " + sampleRows);
      }
      MigrationSpec loaded = migration.spec();
      return ProfileCommand.run(loaded, migration.source(loaded), sampleRows, files.markdown, files.json, System.out);
    }
  }

  @Command(name = "plan", mixinStandardHelpOptions = true,
      description = {"Preflight plan: inspect the source and the target in read-only transactions, before anything is"
          + " written, and print the inventory of the tables in the spec's scope (sizes, estimated rows, primary keys,"
          + " replica identity, TOASTable columns, types Baton cannot carry, sequences, foreign keys and a parent-first"
          + " load order, triggers, partitions, extensions, generated columns), the settings and rights on both sides,"
          + " the estimates (target disk, WAL retained during the copy, copy duration from a measured copy rate), every"
          + " risk with its severity, likelihood and fix, and the point of no return. Writes nothing anywhere.", "",
          "Passwords come from the environment: BATON_SOURCE_PASSWORD and BATON_TARGET_PASSWORD.",
          "Exits with 0 when no risk is blocking, 1 when one is (each printed with its fix), 2 on bad input (spec"
              + " errors), 3 when a database cannot be reached.", ""},
      footer = {"", "Example:", "  baton plan --spec shop.yaml --source postgresql://app@10.0.0.5:5432/shop"
          + " --target postgresql://app@10.0.0.9:5432/shop --markdown plan.md --json plan.json"})
  static final class Plan implements Callable<Integer> {
    @CommandLine.Mixin
    MigrationOptions migration = new MigrationOptions();

    @Option(names = "--output", defaultValue = "text", paramLabel = "text|markdown|json",
        description = "What standard output gets (default: ${DEFAULT-VALUE}).")
    io.baton.cli.plan.PlanCommand.Output output;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the plan as Markdown to FILE.")
    Path markdown;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the plan as JSON to FILE.")
    Path json;

    @Option(names = "--sample-seconds", defaultValue = "5", paramLabel = "N",
        description = "Seconds between the two readings of the source's WAL position that give its WAL rate; 0 skips"
            + " it (default: ${DEFAULT-VALUE}).")
    int sampleSeconds;

    @Override
    public Integer call() throws IOException {
      MigrationSpec loaded = migration.spec();
      io.baton.cli.plan.PreflightPlan plan = io.baton.cli.plan.PlanCommand.run(loaded, migration.source(loaded),
          migration.target(loaded), sampleSeconds, output, markdown, json, System.out, System.err);
      return plan.blocking().isEmpty() ? OK : CHECK_FAILED;
    }
  }

  @Command(name = "spec-reference", mixinStandardHelpOptions = true,
      description = {"Print the reference of the migration spec format (Markdown): every key, its type, default,"
          + " meaning and an example, generated from the definitions the loader uses.", ""})
  static final class SpecReferenceCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.print(io.baton.spec.SpecReference.markdown());
      return OK;
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = {"Write the validation report of a migration: per table, source and target row counts, the variance"
          + " the spec explains (quarantine, filters) and the variance found, checksums, the checks the spec declares"
          + " (aggregates per group, a random sample), rows of the target whose foreign key has no parent, and the live"
          + " verifier's last clean pass; and the verdict, VALIDATED or FAILED.", "",
          "The counts and checksums come from one full pass run now: run it while the stream is stopped or caught up"
          + " with no writes (under load, changes not yet applied show as differences).", "",
          "Passwords come from the environment: BATON_SOURCE_PASSWORD and BATON_TARGET_PASSWORD.",
          "Exits with 0 when VALIDATED, 1 when FAILED.", ""},
      footer = {"", "Example:", "  baton report --spec shop.yaml --source postgresql://app@10.0.0.5:5432/shop"
          + " --target postgresql://app@10.0.0.9:5432/shop --markdown report.md --json report.json"})
  static final class Report implements Callable<Integer> {
    @CommandLine.Mixin
    MigrationOptions migration = new MigrationOptions();

    @CommandLine.Mixin
    DocumentOptions files = new DocumentOptions();

    @Override
    public Integer call() throws IOException {
      MigrationSpec loaded = migration.spec();
      return ReportCommand.run(loaded, migration.source(loaded), migration.target(loaded), files.markdown, files.json,
          System.out);
    }
  }


  @Command(name = "runbook", mixinStandardHelpOptions = true,
      description = {"Write the cutover and rollback runbook of a migration: the steps from preflight to finalize, each"
          + " with its command, owner (a role; names to fill in), expected duration and go/no-go checkpoint, and the"
          + " point of no return.", "",
          "Durations come from what was measured: the source tables' size, and when the migration has run, the rate of"
          + " its bulk copy and live verification and the write pauses of its switches (read from Baton's state on the"
          + " target). It reads both databases and writes nothing.", "",
          "Passwords come from the environment: BATON_SOURCE_PASSWORD and BATON_TARGET_PASSWORD.",
          "Exits with 0, or 2 on bad input, 3 when a database cannot be reached.", ""},
      footer = {"", "Example:", "  baton runbook --spec shop.yaml --source postgresql://app@10.0.0.5:5432/shop"
          + " --target postgresql://app@10.0.0.9:5432/shop --markdown runbook.md --json runbook.json"})
  static final class RunbookCmd implements Callable<Integer> {
    @CommandLine.Mixin
    MigrationOptions migration = new MigrationOptions();

    @CommandLine.Mixin
    DocumentOptions files = new DocumentOptions();

    @Override
    public Integer call() throws IOException {
      MigrationSpec loaded = migration.spec();
      return RunbookCommand.run(loaded, migration.spec, migration.source(loaded), migration.target(loaded), files.markdown,
          files.json, System.out);
    }
  }

  /** Options shared by demo and rehearse, and the run that reports the summary. */
  static final class RunOptionsMixin {
    @Option(names = "--summary-json", paramLabel = "FILE", description = "Also write the summary as JSON to FILE.")
    Path summaryJson;

    @Option(names = "--work-dir", paramLabel = "DIR",
        description = "Where servers, logs and offsets live (default: a new temporary directory, removed at the end).")
    Path workDirOption;

    @Option(names = "--keep-work-dir", description = "Keep the temporary work directory for inspection.")
    boolean keepWorkDir;

    @Option(names = "--clients", defaultValue = "4", description = "Workload clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rate", defaultValue = "300",
        description = "Workload transactions per second, 0 for unthrottled (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--postgres", defaultValue = "EMBEDDED", paramLabel = "EMBEDDED|SYSTEM",
        description = "PostgreSQL binaries for the source and target: EMBEDDED (PostgreSQL 17 from Maven, no install needed)"
            + " or SYSTEM (the distribution's, under /usr/lib/postgresql, run as the postgres OS user) (default: ${DEFAULT-VALUE}).")
    PostgresServer.Flavor postgres;

    @Option(names = "--phase-seconds", defaultValue = "8",
        description = "How long the workload runs between steps (default: ${DEFAULT-VALUE}).")
    int phaseSeconds;

    @Option(names = "--cycles", defaultValue = "1",
        description = "Cutover-and-rollback cycles, each followed by a live verification (default: ${DEFAULT-VALUE}).")
    int cycles;

    private Path work;

    Path workDir() throws IOException {
      if (work == null) {
        work = workDirOption != null ? Files.createDirectories(workDirOption.toAbsolutePath()) : Files.createTempDirectory("baton-");
      }
      return work;
    }

    int execute(Rehearsal.Options options) throws IOException {
      Summary summary;
      try {
        summary = new Rehearsal(options).run();
      } finally {
        if (!keepWorkDir && workDirOption == null) {
          deleteTree(work);
        }
      }
      System.out.print(summary.toText());
      if (summaryJson != null) {
        Files.writeString(summaryJson, summary.toJsonText() + "\n", StandardCharsets.UTF_8);
      }
      if (summary.error != null && summary.verifications.isEmpty()) {
        return summary.badInput ? BAD_INPUT : ENVIRONMENT;
      }
      return summary.ok() ? OK : CHECK_FAILED;
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new BatonException("cannot remove work directory " + dir + ": " + e.getMessage(), e);
    }
  }
}
