package io.baton.cli;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.TableInfo;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import io.baton.transform.TransformStage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code baton transform}: a worker that runs only the Kafka Streams transform of a migration, for
 * both directions: forward (application {@code baton-<name>-transform}) at once, and reverse
 * (application {@code baton-<name>_rev-transform}) as soon as the target tables exist. It joins the
 * same applications as the controller's in-process transform ({@code baton run}), so Kafka Streams
 * deals the tables out over the controller and every worker; a worker that stops or dies hands its
 * tables back at the next rebalance (at once when it leaves, after the 6 s session timeout when it
 * is killed). Capture and sink stay in the controller.
 *
 * <p>The transforms are built from the catalogs exactly as the controller builds them
 * ({@link MigrationTables}), and every topic a stage reads or writes is created first when missing
 * ({@link TransformStage#topics}, {@link KafkaTopics#ensure}: idempotent).
 */
final class TransformWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransformWorker.class);
  /** How often the worker looks for the target tables before the reverse transform can start. */
  private static final Duration REVERSE_RETRY = Duration.ofSeconds(5);

  private final MigrationSpec spec;
  private final Database target;
  private final io.baton.event.KafkaCluster kafka;
  private final Path workDir;
  private final int threads;
  private final Map<TableInfo, RowTransform> forwardTables;
  private final TransformStage forward;
  private volatile TransformStage reverse;
  private long nextReverseTry;

  private TransformWorker(MigrationSpec spec, Database target, io.baton.event.KafkaCluster kafka, Path workDir, int threads,
      Map<TableInfo, RowTransform> forwardTables, TransformStage forward) {
    this.spec = spec;
    this.target = target;
    this.kafka = kafka;
    this.workDir = workDir;
    this.threads = threads;
    this.forwardTables = forwardTables;
    this.forward = forward;
  }

  /**
   * Reads the source catalog, creates the forward topics when missing and starts the forward
   * transform; the reverse one starts on a later {@link #poll()} once the target tables exist.
   *
   * @param spec the spec
   * @param source the source database (read only)
   * @param target the target database (read only)
   * @param kafka the Kafka cluster
   * @param workDir where Kafka Streams' state directories go ({@code streams-<pipeline>})
   * @param threads stream threads per direction, at least 1
   * @return the running worker
   * @throws BatonException when the source does not fit the spec, or Kafka cannot be reached
   */
  static TransformWorker start(MigrationSpec spec, Database source, Database target, io.baton.event.KafkaCluster kafka, Path workDir,
      int threads) {
    Map<TableInfo, RowTransform> forwardTables = MigrationTables.forward(spec, source);
    TransformStage forward = startStage(spec.name(), forwardTables, kafka, workDir, threads);
    TransformWorker worker = new TransformWorker(spec, target, kafka, workDir, threads, forwardTables, forward);
    try {
      worker.poll();
    } catch (RuntimeException e) {
      worker.close();
      throw e;
    }
    return worker;
  }

  private static TransformStage startStage(String pipeline, Map<TableInfo, RowTransform> tables, io.baton.event.KafkaCluster kafka,
      Path workDir, int threads) {
    List<RowTransform> transforms = List.copyOf(tables.values());
    KafkaTopics.ensure(kafka, TransformStage.topics(pipeline, transforms));
    return TransformStage.start(pipeline, transforms, kafka, workDir.resolve("streams-" + pipeline), threads,
        clientId(pipeline));
  }

  /**
   * @param pipeline the pipeline's name
   * @return the worker's Kafka Streams client id: {@code baton-<pipeline>-transform-worker-<host>},
   *     the host from {@code HOSTNAME} (a pod's name) or else the process id
   */
  static String clientId(String pipeline) {
    String host = System.getenv("HOSTNAME");
    return TransformStage.applicationId(pipeline) + "-worker-"
        + (host == null || host.isBlank() ? Long.toString(ProcessHandle.current().pid()) : host);
  }

  /**
   * Checks both stages, and starts the reverse transform once the target tables exist (looked for
   * every 5 s).
   *
   * @throws BatonException when a stage stopped on an error, or the reverse transforms cannot be built
   */
  void poll() {
    forward.checkHealthy();
    TransformStage r = reverse;
    if (r != null) {
      r.checkHealthy();
      return;
    }
    if (System.nanoTime() - nextReverseTry < 0) {
      return;
    }
    nextReverseTry = System.nanoTime() + REVERSE_RETRY.toNanos();
    if (!MigrationTables.targetTablesExist(target, forwardTables)) {
      LOG.info("transform {}: the target tables do not exist yet; the reverse transform starts once they do", spec.name());
      return;
    }
    reverse = startStage(MigrationTables.reverseName(spec.name()), MigrationTables.reverse(target, forwardTables),
        kafka, workDir, threads);
  }

  /** @return the topic partitions this worker transforms now, both directions */
  List<String> localPartitions() {
    List<String> all = new ArrayList<>(forward.localPartitions());
    TransformStage r = reverse;
    if (r != null) {
      all.addAll(r.localPartitions());
    }
    return all;
  }

  /** @return change events this worker has read since it started, both directions */
  long processed() {
    TransformStage r = reverse;
    return forward.processed() + (r == null ? 0 : r.processed());
  }

  /** Stops both stages; each commits what it processed and leaves its group, handing its tables back. */
  @Override
  public void close() {
    TransformStage r = reverse;
    if (r != null) {
      r.close();
    }
    forward.close();
  }

  /**
   * Runs a worker until the process is asked to stop (SIGTERM, Ctrl-C) or the thread is
   * interrupted, logging what it transforms every {@code statusEvery}.
   *
   * @param spec the spec
   * @param source the source database
   * @param target the target database
   * @param kafka the Kafka cluster
   * @param workDir where Kafka Streams' state lives
   * @param threads stream threads per direction
   * @param statusEvery how often the status line is logged
   * @return {@link BatonCli#OK} when stopped on request, {@link BatonCli#CHECK_FAILED} when a stage
   *     failed (the reason is logged)
   * @throws BatonException when the worker cannot start (see {@link #start})
   */
  static int run(MigrationSpec spec, Database source, Database target, io.baton.event.KafkaCluster kafka, Path workDir, int threads,
      Duration statusEvery) {
    MDC.put("migration", spec.name());
    MDC.put("stage", "transform");
    TransformWorker worker = null;
    boolean interrupted = false;
    StopSignal stop = StopSignal.install("baton-transform-stop");
    try {
      worker = start(spec, source, target, kafka, workDir, threads);
      LOG.info("transform worker for {} running ({} stream thread{} per direction): transforming until stopped", spec.name(),
          threads, threads == 1 ? "" : "s");
      long nextStatus = System.nanoTime() + statusEvery.toNanos();
      long lastProcessed = 0;
      while (!stop.await(1, TimeUnit.SECONDS)) {
        worker.poll();
        if (System.nanoTime() >= nextStatus) {
          long processed = worker.processed();
          List<String> local = worker.localPartitions();
          LOG.info("transform worker for {}: {} changes transformed since the last status, {} topic partitions here{}",
              spec.name(), processed - lastProcessed, local.size(), local.isEmpty() ? "" : " (" + String.join(", ", local) + ")");
          lastProcessed = processed;
          nextStatus = System.nanoTime() + statusEvery.toNanos();
        }
      }
      LOG.info("transform worker for {}: stopping; its tables go back to the other instances", spec.name());
      return BatonCli.OK;
    } catch (InterruptedException e) {
      LOG.info("transform worker for {}: interrupted; stopping", spec.name());
      interrupted = true;
      return BatonCli.OK;
    } catch (BatonException e) {
      if (worker == null) {
        throw e;
      }
      LOG.error("transform worker for {} stopped: {}", spec.name(), e.getMessage());
      return BatonCli.CHECK_FAILED;
    } finally {
      try {
        if (worker != null) {
          worker.close();
        }
      } finally {
        stop.close();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      MDC.remove("stage");
      MDC.remove("migration");
    }
  }
}
