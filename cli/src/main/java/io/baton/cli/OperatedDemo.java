package io.baton.cli;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.PostgresServer;
import io.baton.pg.Database;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code baton demo --operate}: the demo migration left to the operator. The embedded servers
 * start, pgbench is loaded and writes through PgBouncer, and {@code baton run} migrates with its
 * status page and control API on {@code listen}; the operator watches, cuts over, rolls back and
 * finalizes from the page or with the CLI, as with a real migration. It ends with finalize (or
 * Ctrl-C), then reports the clients' transactions.
 */
final class OperatedDemo {
  private OperatedDemo() {}

  /**
   * @param scale pgbench's scale factor
   * @param clients workload clients
   * @param rate workload transactions per second, 0 for unthrottled
   * @param workDir where servers, state and logs live
   * @param postgres which PostgreSQL binaries run the source and target
   * @param listen where the status page and the control API listen
   * @param out where the operator's instructions go
   * @return {@link BatonCli#OK} when the migration was finalized and no client transaction failed,
   *     else {@link BatonCli#CHECK_FAILED}
   * @throws io.baton.BatonException when the environment cannot start
   * @throws IOException when the work directory cannot be written
   * @throws InterruptedException when interrupted
   */
  static int run(int scale, int clients, int rate, Path workDir, PostgresServer.Flavor postgres, InetSocketAddress listen,
      PrintStream out) throws IOException, InterruptedException {
    Rehearsal.allowTraversal(workDir);
    try (EmbeddedEnvironment env = EmbeddedEnvironment.builder().workDir(workDir.resolve("servers")).flavor(postgres).start()) {
      Database source = Environments.source(env);
      Database target = Environments.target(env);
      PgbenchWorkload.loadSource(source, scale, workDir.resolve("source-load.log"));
      Path specFile = Files.writeString(workDir.resolve("demo-spec.yaml"), spec(env), StandardCharsets.UTF_8);
      MigrationSpec spec = new SpecLoader().load(specFile);
      Path state = Files.createDirectories(workDir.resolve("state"));
      try (PgbenchWorkload workload = new PgbenchWorkload(env.pgbouncer().host(), env.pgbouncer().port(),
          Environments.ALIAS, source.user(), clients, rate, null, workDir.resolve("workload"), 10)) {
        workload.start();
        String api = "http://" + listen.getHostString() + ":" + listen.getPort();
        String where = " --api " + api + " --work-dir " + state;
        out.printf("""

            The demo migration runs: pgbench writes through PgBouncer (%s:%d, database %s) while Baton copies and
            streams. Watch it and command it as an operator would:

              status page   %s/
              API token     %s/%s (the page's buttons ask for it)
              status        ./baton status%s
              gates         ./baton cutover --dry-run%s
              cut over      ./baton cutover%s
              roll back     ./baton rollback%s
              finalize      ./baton finalize --confirm %s%s   (the point of no return; the demo then ends)
              metrics       %s/metrics

            Ctrl-C stops the demo without finalizing.

            """, env.pgbouncer().host(), env.pgbouncer().port(), Environments.ALIAS, api, state, ApiToken.FILE_NAME, where,
            where, where, where, spec.name(), where, api);
        int code = RunCommand.run(spec, source, target, env.kafka().bootstrapServers(), state, Duration.ofSeconds(30),
            listen, null, false);
        PgbenchWorkload.Result clientsSaw = workload.stop();
        long failed = clientsSaw.failedTransactions() + clientsSaw.failedRuns();
        out.printf("%nclients: %,d transactions committed, %d failed%n", clientsSaw.log().committed(), failed);
        return code == BatonCli.OK && failed == 0 ? BatonCli.OK : BatonCli.CHECK_FAILED;
      }
    }
  }

  /** @return the demo spec with the embedded PgBouncer as its router */
  private static String spec(EmbeddedEnvironment env) throws IOException {
    String demo;
    try (InputStream in = OperatedDemo.class.getResourceAsStream("/demo-spec.yaml")) {
      demo = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return demo.stripTrailing() + "\n" + """
          gates: { holdSeconds: 10 }
          router:
            pgbouncer: { host: %s, port: %d, adminUser: %s, database: %s, databasesFile: "%s" }
        """.formatted(env.pgbouncer().host(), env.pgbouncer().port(), env.source().user(), env.pgbouncer().alias(),
        env.pgbouncer().databasesFile());
  }
}
