package io.baton.cli;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.pg.Database;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code baton run} in a thread of the test's JVM, on a pgbench source routed through the
 * environment's PgBouncer ({@link RoutedPgbench}), with its control API on a free loopback port and
 * a token of the test's.
 *
 * @param spec the loaded spec
 * @param specFile its file
 * @param tokenFile the API token's file
 * @param port the API's port
 * @param thread the thread running it
 * @param exit its exit code once it ends, -1 before
 */
record RunningBaton(MigrationSpec spec, Path specFile, Path tokenFile, int port, Thread thread, AtomicInteger exit) {
  /**
   * Loads pgbench scale 1 into the source, writes the spec (3 s gates hold, 4 MiB verification
   * chunks) and starts {@code baton run} as the environment's superuser.
   *
   * @param env the environment
   * @param work the test's directory
   * @param name the migration's name
   * @param token the API token
   * @return the running migration
   */
  static RunningBaton start(EmbeddedEnvironment env, Path work, String name, String token) throws Exception {
    RoutedPgbench.load(Environments.source(env), work);
    return start(env, work, name, token, Environments.source(env), Environments.target(env));
  }

  /**
   * Writes the spec ({@link #writeSpec}) and starts {@code baton run} on a source loaded already
   * ({@link RoutedPgbench#load}), connecting as the users of {@code source} and {@code target}.
   *
   * @param env the environment
   * @param work the test's directory
   * @param name the migration's name
   * @param token the API token
   * @param source the source database, with the user Baton connects as
   * @param target the target database, with the user Baton connects as
   * @return the running migration
   */
  static RunningBaton start(EmbeddedEnvironment env, Path work, String name, String token, Database source,
      Database target) throws Exception {
    Path specFile = writeSpec(env, work, name);
    MigrationSpec spec = new SpecLoader().load(specFile);
    Path tokenFile = Files.writeString(work.resolve("token"), token + "\n");
    int port = RoutedPgbench.freePort();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread thread = new Thread(() -> {
      try {
        exit.set(RunCommand.run(spec, source, target, env.kafka().bootstrapServers(), work.resolve("state"),
            Duration.ofSeconds(5), new InetSocketAddress("127.0.0.1", port), ApiToken.given(tokenFile), false));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "baton-run");
    thread.start();
    return new RunningBaton(spec, specFile, tokenFile, port, thread, exit);
  }

  /**
   * Writes the spec {@link #start} runs: {@link RoutedPgbench#spec} with a 3 s gates hold and 4 MiB
   * verification chunks.
   *
   * @param env the environment
   * @param work the test's directory
   * @param name the migration's name
   * @return the spec file, {@code work/NAME.yaml}
   */
  static Path writeSpec(EmbeddedEnvironment env, Path work, String name) throws java.io.IOException {
    return Files.writeString(work.resolve(name + ".yaml"), RoutedPgbench.spec(name, env, "gates: { holdSeconds: 3 }",
        "verify: { chunkMegabytes: 4 }"));
  }

  /** @return the control API's base address */
  String api() {
    return "http://127.0.0.1:" + port;
  }
}
