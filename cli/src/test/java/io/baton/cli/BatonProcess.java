package io.baton.cli;

import io.baton.embedded.EmbeddedEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts {@code baton run} as a child JVM on this test's class path, as an operator would run it. */
final class BatonProcess {
  private BatonProcess() {}

  /**
   * @param env the servers: source, target and Kafka
   * @param spec the spec file
   * @param workDir the run's {@code --work-dir}
   * @param log where the child's stdout and stderr go (replaced)
   * @param environment extra environment variables
   * @param extra more arguments after the connection options
   * @return the running process
   * @throws IOException when the JVM cannot be started
   */
  static Process run(EmbeddedEnvironment env, Path spec, Path workDir, Path log, Map<String, String> environment,
      String... extra) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        BatonCli.class.getName(), "run", "--spec", spec.toString(), "--source", Environments.source(env).toString(),
        "--target", Environments.target(env).toString(), "--kafka", env.kafka().bootstrapServers(), "--work-dir",
        workDir.toString()));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(environment);
    return pb.start();
  }

  /**
   * Waits up to 3 minutes until a run streams: its log says so and its sink committed a change
   * in the last 2 seconds; fails the test when the run died instead.
   *
   * @param run the {@code baton run} process
   * @param log its log
   * @param target the target database (Baton's state)
   * @param migration the migration's name
   */
  static void awaitStreaming(Process run, Path log, io.baton.pg.Database target, String migration) {
    org.awaitility.Awaitility.await(log + " streams").atMost(java.time.Duration.ofSeconds(180))
        .pollInterval(java.time.Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> !run.isAlive() || java.nio.file.Files.readString(log).contains("streaming until stopped")
            && !Db.query(target, "SELECT 1 FROM baton.sink_offsets WHERE migration = '" + migration
                + "' AND applied_lsn IS NOT NULL AND updated_at > now() - interval '2 seconds'").isEmpty());
    org.assertj.core.api.Assertions.assertThat(run.isAlive()).as("the run is alive (log %s)", log).isTrue();
  }
}
