package io.baton.cli;

import io.baton.BatonException;
import io.baton.cutover.TrafficRouters;
import io.baton.pg.Database;
import io.baton.reconciler.ContinuousVerifier;
import io.baton.reconciler.VerifyResults;
import io.baton.spec.MigrationSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code baton run}: starts a migration, or continues it from the journal on the target, and
 * streams until the process is asked to stop (SIGTERM, Ctrl-C). Stopping keeps the slots, the
 * offsets and the journal, so that running the same command again continues; so does a crash.
 *
 * <p>It serves metrics and the control API ({@link ControlApi}) on one address, and runs the
 * cutover {@link Controller}: {@code baton cutover}, {@code rollback} and {@code finalize} are
 * commands to this process, carried out with the spec's router ({@code cutover.router}).
 *
 * <p>A stage that stops on a transient error (a database restarted, sessions cut, the broker away
 * for longer than its clients wait) has its pipeline restarted from the slot and stored offsets
 * with a bounded backoff ({@link PipelineSupervisor}); a permanent error stops the run.
 */
final class RunCommand {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  /**
   * How long the control API stays up after the migration is finalized, s: {@code baton finalize}
   * polls it every 250 ms for the outcome of its request.
   */
  static final int FINALIZED_GRACE_SECONDS = 5;

  private RunCommand() {}

  /** As {@link #run(MigrationSpec, Database, Database, io.baton.event.KafkaCluster, Path, Duration, java.net.InetSocketAddress, ApiToken, boolean)}, with the Kafka clients' defaults. */
  static int run(MigrationSpec spec, Database source, Database target, String kafka, Path workDir, Duration statusEvery,
      java.net.InetSocketAddress metrics, ApiToken token, boolean resync) throws InterruptedException {
    return run(spec, source, target, io.baton.event.KafkaCluster.of(kafka), workDir, statusEvery, metrics, token, resync);
  }

  /**
   * @param spec the spec
   * @param source the source database
   * @param target the target database
   * @param kafka the Kafka cluster and its common client settings
   * @param workDir where Debezium's offsets and Kafka Streams' state live; the same on every run
   * @param statusEvery how often the status is logged
   * @param metrics where to serve metrics ({@link MigrationMetrics}) and the control API, or null
   *     for neither
   * @param token the control API's token, or null to generate one into the work directory
   * @param resync whether to copy the source again under a new slot first ({@link Migration#resync})
   * @return {@link BatonCli#OK} when stopped on request, {@link BatonCli#CHECK_FAILED} when the
   *     pipeline failed
   * @throws BatonException when the API would listen beyond loopback without a given token
   */
  static int run(MigrationSpec spec, Database source, Database target, io.baton.event.KafkaCluster kafka, Path workDir,
      Duration statusEvery, java.net.InetSocketAddress metrics, ApiToken token, boolean resync) throws InterruptedException {
    if (metrics != null && token == null && !metrics.getAddress().isLoopbackAddress()) {
      throw new io.baton.spec.SpecException("the control API would listen on " + metrics.getHostString() + ", beyond"
          + " loopback, without a token of yours: pass --api-token-file FILE or set " + ApiToken.ENV);
    }
    Migration migration = Migration.prepare(spec, source, target, kafka, workDir,
        TrafficRouters.from(spec.cutover().router(), source));
    MigrationMetrics endpoint = metrics == null ? null : MigrationMetrics.serve(migration, spec, metrics);
    Controller controller = new Controller(migration, spec);
    if (endpoint != null) {
      ControlApi.serve(endpoint, controller, new StatusViews(migration, spec),
          token != null ? token : ApiToken.generate(workDir));
    }
    StopSignal stop = StopSignal.install("baton-run-stop");
    try {
      if (resync) {
        migration.resync("the operator asked for it (baton run --resync)");
      } else {
        migration.start();
      }
      LOG.info("migration {} is {}: streaming until stopped", spec.name(), migration.state());
      if (spec.verify().continuous()) {
        migration.startVerifying();
      }
      controller.start();
      PipelineSupervisor supervisor = new PipelineSupervisor(migration, spec.name(), io.baton.Backoff.PIPELINE,
          System::currentTimeMillis);
      long nextStatus = System.nanoTime() + statusEvery.toNanos();
      while (!stop.await(1, TimeUnit.SECONDS)) {
        if (migration.state() == io.baton.cutover.MigrationState.FINALIZED) {
          LOG.info("migration {} is finalized: nothing left to run", spec.name());
          // the command that asked for it reads its outcome from the control API: keep it up a moment
          stop.await(FINALIZED_GRACE_SECONDS, TimeUnit.SECONDS);
          return BatonCli.OK;
        }
        // after a cutover, the automatic rollback triggers decide what a broken reverse replication means
        if (migration.state() != io.baton.cutover.MigrationState.CUT_OVER || !spec.rollback().automatic()) {
          supervisor.check();
        }
        if (System.nanoTime() >= nextStatus) {
          LOG.info("migration {} ({}): {} changes applied since start{}", spec.name(), migration.state(),
              migration.appliedEvents(), verifyStatus(migration.verifier()));
          nextStatus = System.nanoTime() + statusEvery.toNanos();
        }
      }
      LOG.info("migration {}: stopping; run the same command again to continue", spec.name());
      return BatonCli.OK;
    } catch (BatonException e) {
      LOG.error("migration {} stopped: {}", spec.name(), e.getMessage());
      return BatonCli.CHECK_FAILED;
    } finally {
      try {
        controller.close();
        migration.stopPipelines();
        if (endpoint != null) {
          endpoint.close();
        }
      } finally {
        // also when the clean-up failed: else the hook would hold the JVM's exit for its 60 s
        stop.close();
      }
    }
  }

  /** @return a few words on live verification for the status line, empty when it does not run */
  private static String verifyStatus(ContinuousVerifier v) {
    if (v == null) {
      return "";
    }
    long clean = v.results().values().stream().filter(VerifyResults.TableResult::clean).count();
    long mismatched = v.results().values().stream().mapToLong(VerifyResults.TableResult::mismatchedRows).sum();
    return String.format("; live verify: %,d rows compared, %d of %d tables clean in their last pass, %,d rows differ%s%s",
        v.rowsVerified(), clean, v.tables().size(), mismatched, v.backingOff() ? " (backing off: apply lags)" : "",
        v.lastError() == null ? "" : "; last error: " + v.lastError());
  }
}
