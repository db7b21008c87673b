package io.baton.cli;

import io.baton.BatonException;
import io.baton.cutover.PgBouncerRouter;
import io.baton.cutover.Switchover;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.Pgbench;
import io.baton.embedded.PostgresServer;
import io.baton.pg.Database;
import io.baton.reconciler.LiveVerifier;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full rehearsal of a migration on the embedded environment: load the source, start the client
 * workload through PgBouncer, snapshot and stream, verify; then, once per cycle, cut over, keep the
 * workload running on the target, verify, roll back, verify; stop the workload, verify once more.
 *
 * <p>Each verification under load is live ({@link Migration#verifyLive}): clients keep writing, and
 * each chunk of the destination is read with its table's apply held at the edge of the snapshot
 * its origin side was read in, so the answer is exact without holding client writes. The cutover
 * and rollback write pauses are measured from the clients' own commit log.
 */
final class Rehearsal {
  private static final Logger LOG = LoggerFactory.getLogger(Rehearsal.class);

  /**
   * What to rehearse.
   *
   * @param spec the spec file
   * @param sourceSql SQL files loaded into the source, in order; ignored when {@code pgbenchScale} > 0
   * @param pgbenchScale when > 0, the source is a pgbench database of this scale
   * @param workloadScript a pgbench script for the workload, or null for pgbench's built-in one
   * @param clients workload clients
   * @param rate workload transactions per second, 0 for unthrottled
   * @param phaseSeconds how long the workload runs between steps
   * @param cycles how many cutover-and-rollback cycles, at least 1
   * @param workDir where every server, log and offset lives
   * @param postgres which PostgreSQL binaries run the source and target
   */
  record Options(Path spec, List<Path> sourceSql, int pgbenchScale, Path workloadScript, int clients, int rate,
      int phaseSeconds, int cycles, Path workDir, PostgresServer.Flavor postgres) {
    Options {
      if (cycles < 1) {
        throw new io.baton.spec.SpecException("--cycles must be at least 1, was " + cycles);
      }
    }
  }

  private final Options options;

  Rehearsal(Options options) {
    this.options = options;
  }

  /**
   * Runs the rehearsal. Every server it started is stopped, and every slot dropped, on return.
   *
   * @return the summary; {@link Summary#ok()} tells whether every check passed
   * @throws BatonException when the spec or the environment is not usable (nothing was migrated)
   */
  Summary run() {
    MigrationSpec spec = new SpecLoader().load(options.spec());
    allowTraversal(options.workDir());
    Summary summary = new Summary();
    summary.spec = spec.name();
    try (EmbeddedEnvironment env = EmbeddedEnvironment.builder().workDir(options.workDir().resolve("servers"))
        .flavor(options.postgres()).start()) {
      Database source = Environments.source(env);
      Database target = Environments.target(env);
      loadSource(source);
      PgBouncerRouter router = Environments.router(env);
      try (Migration migration = Migration.prepare(spec, source, target, env.kafka().bootstrapServers(),
              options.workDir(), router);
          PgbenchWorkload workload = new PgbenchWorkload(env.pgbouncer().host(), env.pgbouncer().port(),
              Environments.ALIAS, source.user(), options.clients(), options.rate(), options.workloadScript(),
              options.workDir().resolve("workload"), 10)) {
        workload.start();
        migration.start();
        summary.snapshotRows = migration.snapshotRows();
        summary.snapshotMillis = migration.snapshotMillis();
        pause(options.phaseSeconds());
        summary.verifications.add(verifyLive(migration, spec, "streaming"));
        List<Switch> cutovers = new java.util.ArrayList<>();
        List<Switch> rollbacks = new java.util.ArrayList<>();
        for (int cycle = 1; cycle <= options.cycles(); cycle++) {
          String suffix = options.cycles() == 1 ? "" : " " + cycle;
          cutovers.add(Switch.timed(migration::cutover));
          pause(options.phaseSeconds());
          summary.verifications.add(verifyLive(migration, spec, "after cutover" + suffix));
          cutovers.set(cycle - 1, cutovers.get(cycle - 1).verified(last(summary), finalVerification(migration)));
          rollbacks.add(Switch.timed(migration::rollback));
          pause(options.phaseSeconds());
          summary.verifications.add(verifyLive(migration, spec, "after rollback" + suffix));
          rollbacks.set(cycle - 1, rollbacks.get(cycle - 1).verified(last(summary), finalVerification(migration)));
        }

        PgbenchWorkload.Result w = workload.stop();
        summary.verifications.add(verify(migration, "workload stopped"));
        summary.transactions = w.log().committed();
        summary.failedTransactions = w.failedTransactions() + w.failedRuns();
        for (int i = 0; i < cutovers.size(); i++) {
          summary.cutovers.add(cutovers.get(i).figures(i + 1, w.log()));
          summary.rollbacks.add(rollbacks.get(i).figures(i + 1, w.log()));
        }
        summary.streamEvents = migration.streamedEvents();
        summary.maxPauseMs = spec.cutover().maxWritePauseMs();
        migration.close();
        summary.slotsLeft = migration.slotsLeft();
      }
    } catch (BatonException e) {
      summary.error = e.getMessage();
      summary.badInput = e instanceof io.baton.spec.SpecException;
      LOG.error("rehearsal failed: {}", e.getMessage(), e);
    }
    return summary;
  }

  /**
   * PgBouncer refuses to run as root, so it runs as the OS user postgres, which must be able to
   * reach its directory under the work directory (a new temporary directory is private: 0700).
   */
  static void allowTraversal(Path dir) {
    try {
      var perms = java.nio.file.Files.getPosixFilePermissions(dir);
      perms.add(java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE);
      perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
      java.nio.file.Files.setPosixFilePermissions(dir, perms);
    } catch (java.io.IOException | UnsupportedOperationException e) {
      throw new BatonException("cannot open work directory " + dir + " to the postgres OS user (chmod o+x): " + e.getMessage(), e);
    }
  }

  private void loadSource(Database source) {
    Path logs = options.workDir().resolve("source-load.log");
    if (options.pgbenchScale() > 0) {
      PgbenchWorkload.loadSource(source, options.pgbenchScale(), logs);
    } else {
      for (Path f : options.sourceSql()) {
        LOG.info("loading {} into the source", f);
        Pgbench.runSql(source, f, logs);
      }
    }
  }

  private static Summary.Verification verifyLive(Migration migration, MigrationSpec spec, String step) {
    try {
      return new Summary.Verification(step, migration.verifyLive(LiveVerifier.Settings.of(spec.verify())), 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException("interrupted while verifying " + step, e);
    }
  }


  private static Summary.Verification verify(Migration migration, String step) {
    return new Summary.Verification(step, migration.verify(), 0);
  }

  private static Summary.Verification last(Summary summary) {
    return summary.verifications.get(summary.verifications.size() - 1);
  }

  /**
   * A switch (cutover or rollback) with its wall-clock window, in which the clients' longest gap
   * between commits is the write pause they saw, and whether the verification after it was clean.
   */
  private record Switch(long startMs, long endMs, Switchover.Result result, boolean reconcileEqual, String finalVerification) {
    static Switch timed(java.util.function.Supplier<Switchover.Result> step) {
      long start = System.currentTimeMillis();
      Switchover.Result r = step.get();
      return new Switch(start, System.currentTimeMillis(), r, false, null);
    }

    Switch verified(Summary.Verification after, String finalOutcome) {
      return new Switch(startMs, endMs, result, after.equal(), finalOutcome);
    }

    Summary.SwitchFigures figures(int cycle, PgbenchLog log) {
      return new Summary.SwitchFigures(cycle, result.pauseMs(), result.drainMs(), log.longestGapMs(startMs, endMs),
          log.failedBetween(startMs - 1000, endMs + 1000), reconcileEqual, finalVerification);
    }
  }

  /** @return the outcome of the last switch's final verification, once it ended; OFF when the spec turns it off */
  private static String finalVerification(Migration migration) {
    FinalVerification.Status s = migration.finalVerification().await(java.time.Duration.ofMinutes(10));
    return s == null ? "OFF" : s.outcome().name();
  }

  private static void pause(int seconds) {
    try {
      Thread.sleep(seconds * 1000L);
    } catch (InterruptedException e) {
      throw new BatonException("interrupted", e);
    }
  }
}
