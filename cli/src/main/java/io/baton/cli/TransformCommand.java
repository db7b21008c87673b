package io.baton.cli;

import io.baton.pg.Database;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code baton transform}: runs a {@link TransformWorker} next to {@code baton run}, to spread the
 * CPU-heavy transform of a migration (CEL expressions, casts, maps) over more processes or pods.
 */
@Command(name = "transform", mixinStandardHelpOptions = true,
    description = {"Run only the Kafka Streams transform of a migration, both directions, as an extra worker next to"
        + " baton run: it joins the same Kafka Streams applications as the controller's own transform, and Kafka deals"
        + " the tables out over the controller and every worker (one table is one task). Start as many as you like;"
        + " one that stops or dies hands its tables back. Capture and apply stay in baton run.", "",
        "It reads both catalogs to build the same transforms as the controller and writes nothing to either database;"
        + " it creates the migration's topics in Kafka when missing.",
        "Passwords come from the environment: BATON_SOURCE_PASSWORD and BATON_TARGET_PASSWORD (or the spec's"
        + " passwordEnv and passwordFile).",
        "On SIGTERM it commits what it transformed, leaves the group and the JVM exits with 143; 1 when a transform"
        + " failed (a row that halts the migration, Kafka lost).", ""},
    footer = {"", "Examples:",
        "  baton transform --spec shop.yaml --source postgresql://app@10.0.0.5:5432/shop"
            + " --target postgresql://app@10.0.0.9:5432/shop --kafka 10.0.0.7:9092 --threads 2",
        "  baton transform --spec /etc/baton/spec.yaml --work-dir /var/lib/baton-transform   # databases and Kafka from the spec"},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:stopped on request (143 on SIGTERM, from the JVM)", "1:a transform stage failed (the reason is logged)",
        "2:bad input", "3:environment not usable (a database or Kafka unreachable, the source does not fit the spec)"})
final class TransformCommand implements Callable<Integer> {
  @CommandLine.Mixin
  BatonCli.MigrationOptions migration = new BatonCli.MigrationOptions();

  @Option(names = "--kafka", paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "Kafka bootstrap servers (default: the spec's kafka.bootstrapServers).")
  String kafka;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where Kafka Streams' state directories live; one per worker on a machine (default: a new temporary"
          + " directory, removed at the end).")
  Path workDir;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
      description = "Stream threads per direction; each transforms one table at a time (default: ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public Integer call() throws IOException {
    if (threads < 1) {
      throw new SpecException("--threads must be at least 1, not " + threads);
    }
    MigrationSpec loaded = migration.spec();
    Database s = migration.source(loaded);
    Database t = migration.target(loaded);
    io.baton.event.KafkaCluster bootstrap = BatonCli.Run.kafka(kafka, loaded);
    Path dir = workDir != null ? Files.createDirectories(workDir).toAbsolutePath() : Files.createTempDirectory("baton-transform-");
    try {
      return TransformWorker.run(loaded, s, t, bootstrap, dir, threads, Duration.ofSeconds(60));
    } finally {
      if (workDir == null) {
        BatonCli.deleteTree(dir);
      }
    }
  }
}
