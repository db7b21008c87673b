package io.baton.cli;

import io.baton.BatonException;
import io.baton.cutover.GateReport;
import io.baton.cutover.MigrationState;
import io.baton.cutover.PrometheusQuery;
import io.baton.cutover.RollbackTriggers;
import io.baton.reconciler.ContinuousVerifier;
import io.baton.cutover.Switchover;
import io.baton.spec.MigrationSpec;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cutover controller of {@code baton run}: takes the operator's commands (from the control API)
 * and carries them out one at a time on its own thread, so that a switch never overlaps another.
 *
 * <ul>
 *   <li>Every second it samples the lags for the gates ({@link GateProbe#sample}).
 *   <li>Every {@value #READY_EVERY_S} seconds it evaluates the gates, and the migration moves from
 *       STREAMING to READY while every one passes, and back when one fails
 *       ({@link Migration#gatesEvaluated}).
 *   <li>{@link #arm} arms a cutover: every {@value #EVALUATE_EVERY_S} seconds the gates are
 *       evaluated, and the cutover starts as soon as every one passes. {@link #postpone} disarms it.
 *       Both are journaled with who asked.
 *   <li>{@link #rollback} and {@link #finalizeMigration} run at once (a rollback has no gates: it is
 *       what an operator reaches for when something is wrong).
 *   <li>While the migration is CUT_OVER, every second it checks the automatic rollback triggers
 *       ({@link RollbackTriggers}, spec section {@code rollback}), and rolls back when one fires;
 *       reverse replication that stopped on an error is started again first, so that the rollback
 *       can drain it. A final verification that found the sides different at the freeze is one of
 *       the triggers. An automatic rollback that fails is not tried again before the next cutover:
 *       the outcome says so, and the operator decides.
 * </ul>
 *
 * Each command gets a request number; {@link #status()} tells the outcome of the latest one, so
 * that a client can wait for its own. After each switch live verification starts again over the
 * direction that runs, and the lag must hold again for the gates' holding period.
 */
final class Controller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
  static final int EVALUATE_EVERY_S = 2;
  /** How often the gates are evaluated while no cutover is armed, s: READY follows them. */
  static final int READY_EVERY_S = 10;
  private static final Set<MigrationState> CAN_CUT_OVER = EnumSet.of(MigrationState.STREAMING, MigrationState.READY,
      MigrationState.ROLLED_BACK);

  private final Migration migration;
  private final MigrationSpec spec;
  private final GateProbe probe;
  private final RollbackTriggers triggers;
  private final PrometheusQuery prometheus;
  private boolean triggersArmed;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(() -> {
      // structured logs (BATON_LOG_FORMAT=json) carry this as a field
      org.slf4j.MDC.put("stage", "controller");
      r.run();
    }, "baton-controller");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong requests = new AtomicLong();
  private long armedBy = -1;
  private long lastEvaluationMs;
  private GateReport lastReport;
  private Outcome outcome;
  private String busy;
  private volatile boolean started;

  /**
   * The outcome of a command.
   *
   * @param request the command's number
   * @param action cutover, rollback, finalize or postpone
   * @param ok whether it did what was asked
   * @param message what happened, with its numbers
   * @param pauseMs the write pause of a switch, ms; -1 otherwise
   * @param atMs when it ended, ms since the epoch
   */
  record Outcome(long request, String action, boolean ok, String message, long pauseMs, long atMs) {}

  /**
   * What the controller is doing.
   *
   * @param migration the migration's name
   * @param ready whether the controller takes commands (the migration has started)
   * @param state the journal's state
   * @param armed the request number of the armed cutover, -1 when none is armed
   * @param busy the command running now, or null
   * @param lastReport the last gate evaluation, or null before one
   * @param outcome the outcome of the latest command that ended, or null
   * @param finalVerification the latest switch's final verification, or null before a switch
   */
  record Status(String migration, boolean ready, MigrationState state, long armed, String busy, GateReport lastReport,
      Outcome outcome, FinalVerification.Status finalVerification) {}

  Controller(Migration migration, MigrationSpec spec) {
    this.migration = migration;
    this.spec = spec;
    this.probe = new GateProbe(migration, spec);
    this.triggers = new RollbackTriggers(spec.rollback(), System::currentTimeMillis);
    this.prometheus = spec.rollback().prometheus() == null ? null : new PrometheusQuery(spec.rollback().prometheus());
    this.triggersArmed = migration.state() == MigrationState.CUT_OVER;
  }

  /** Starts sampling (and cutting over once armed); commands are refused before. */
  void start() {
    started = true;
    thread.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
  }

  private void requireStarted() {
    if (!started) {
      throw new BatonException("baton run is still starting (checks, snapshot or pipelines); try again once"
          + " /api/status says ready");
    }
  }

  /**
   * Evaluates every gate now, from the caller's thread (the drain marker may take up to the write
   * pause deadline).
   *
   * @return the report
   */
  GateReport evaluateGates() {
    GateReport r = probe.evaluate();
    synchronized (this) {
      lastReport = r;
    }
    return r;
  }

  /**
   * Arms a cutover: it starts as soon as every gate passes.
   *
   * @param actor who asked
   * @return the request number
   * @throws BatonException when the migration cannot cut over from its state
   */
  synchronized long arm(String actor) {
    requireStarted();
    MigrationState state = migration.state();
    if (!CAN_CUT_OVER.contains(state)) {
      throw new BatonException("migration " + spec.name() + " is " + state + ": a cutover needs it STREAMING, READY or"
          + " ROLLED_BACK");
    }
    if (armedBy < 0) {
      armedBy = requests.incrementAndGet();
      migration.journalCommand("cutover-armed", actor, "request " + armedBy + ": cut over once every gate passes");
      LOG.info("migration {}: cutover armed by {} (request {}); it starts once every gate passes", spec.name(), actor, armedBy);
    }
    return armedBy;
  }

  /**
   * Disarms the armed cutover, if any.
   *
   * @param actor who asked
   * @return the request number of the postpone
   */
  synchronized long postpone(String actor) {
    long id = requests.incrementAndGet();
    if (armedBy >= 0) {
      migration.journalCommand("cutover-postponed", actor, "request " + armedBy + " disarmed");
      outcome = new Outcome(armedBy, "cutover", false, "postponed by " + actor, -1, System.currentTimeMillis());
      LOG.info("migration {}: cutover postponed by {}", spec.name(), actor);
      armedBy = -1;
    }
    return id;
  }

  /**
   * Starts a rollback now, on the controller's thread.
   *
   * @param actor who asked
   * @return the request number
   * @throws BatonException when the migration is not CUT_OVER
   */
  synchronized long rollback(String actor) {
    requireStarted();
    requireState(MigrationState.CUT_OVER, "a rollback");
    long id = requests.incrementAndGet();
    thread.execute(() -> runSwitch(id, "rollback", () -> migration.rollback(actor)));
    return id;
  }

  /**
   * Finalizes now, on the controller's thread: the point of no return.
   *
   * @param actor who asked
   * @return the request number
   * @throws BatonException when the migration is neither CUT_OVER nor ROLLED_BACK
   */
  synchronized long finalizeMigration(String actor) {
    requireStarted();
    MigrationState state = migration.state();
    if (state != MigrationState.CUT_OVER && state != MigrationState.ROLLED_BACK) {
      throw new BatonException("migration " + spec.name() + " is " + state + ": only CUT_OVER or ROLLED_BACK can be finalized");
    }
    armedBy = -1;
    long id = requests.incrementAndGet();
    thread.execute(() -> {
      begin("finalize");
      try {
        migration.finalizeMigration(actor);
        end(new Outcome(id, "finalize", true, "finalized: slots and publications dropped on both sides", -1,
            System.currentTimeMillis()));
      } catch (BatonException e) {
        end(new Outcome(id, "finalize", false, e.getMessage(), -1, System.currentTimeMillis()));
      }
    });
    return id;
  }

  /** @return what the controller is doing */
  synchronized Status status() {
    return new Status(spec.name(), started, migration.state(), armedBy, busy, lastReport, outcome,
        migration.finalVerification().latest());
  }

  private void requireState(MigrationState required, String what) {
    MigrationState state = migration.state();
    if (state != required) {
      throw new BatonException("migration " + spec.name() + " is " + state + ": " + what + " needs it " + required);
    }
  }

  private void tick() {
    try {
      if (migration.state() == MigrationState.CUT_OVER) {
        checkTriggers();
        return;
      }
      probe.sample();
      long armed;
      synchronized (this) {
        armed = armedBy;
      }
      long every = (armed < 0 ? READY_EVERY_S : EVALUATE_EVERY_S) * 1000L;
      if (!CAN_CUT_OVER.contains(migration.state()) || System.currentTimeMillis() - lastEvaluationMs < every) {
        return;
      }
      lastEvaluationMs = System.currentTimeMillis();
      GateReport report = evaluateGates();
      migration.gatesEvaluated(report);
      if (armed < 0) {
        return;
      }
      if (!report.passed()) {
        LOG.info("migration {}: cutover armed, waiting for {}", spec.name(),
            String.join(", ", report.failing().stream().map(g -> g.gate() + " (" + g.observed() + ")").toList()));
        return;
      }
      synchronized (this) {
        armedBy = -1;
      }
      triggers.rearm(migration.router().transactionLatencyMicros());
      triggersArmed = true;
      runSwitch(armed, "cutover", () -> migration.cutover("operator (armed cutover, gates passed)"));
    } catch (RuntimeException e) {
      LOG.warn("controller tick failed: {}", e.getMessage(), e);
    }
  }

  private void checkTriggers() {
    ReplicationPipeline reverse = migration.reversePipeline();
    if (!triggersArmed || reverse == null) {
      return;
    }
    String failure = null;
    try {
      reverse.checkHealthy();
    } catch (BatonException e) {
      failure = e.getMessage();
    }
    ContinuousVerifier v = migration.verifier();
    FinalVerification.Status last = migration.finalVerification().latest();
    String difference = last != null && last.action().equals("cutover")
        && last.outcome() == FinalVerification.Outcome.DIFFERENT ? last.summary() : null;
    String reason = triggers.check(new RollbackTriggers.Observation(failure, reverse.applyLagMs(),
        v == null ? 0 : v.mismatchRatio(), migration.router().transactionLatencyMicros(),
        prometheus == null ? Double.NaN : prometheus.value(), difference));
    if (reason == null) {
      return;
    }
    triggersArmed = false;
    LOG.error("migration {}: automatic rollback: {}", spec.name(), reason);
    boolean restart = failure != null;
    long id = requests.incrementAndGet();
    runSwitch(id, "rollback", () -> {
      if (restart) {
        migration.restartReverse();
      }
      return migration.rollback("trigger (" + reason + ")");
    });
    Outcome o = status().outcome();
    if (o != null && o.request() == id && !o.ok()) {
      end(new Outcome(id, "rollback", false, "automatic rollback (" + reason + ") failed, and is not tried again before"
          + " the next cutover; decide by hand (baton rollback): " + o.message(), -1, System.currentTimeMillis()));
    }
  }

  private void runSwitch(long id, String action, java.util.function.Supplier<Switchover.Result> step) {
    begin(action);
    try {
      Switchover.Result r = step.get();
      end(new Outcome(id, action, true, action + " done: write pause " + r.pauseMs() + " ms (drain " + r.drainMs() + " ms, "
          + r.sequences() + " sequences)", r.pauseMs(), System.currentTimeMillis()));
    } catch (BatonException e) {
      end(new Outcome(id, action, false, e.getMessage(), -1, System.currentTimeMillis()));
    } finally {
      probe.reset();
      restartVerifying();
    }
  }

  private void restartVerifying() {
    if (spec.verify().continuous() && migration.state() != MigrationState.FINALIZED) {
      try {
        migration.startVerifying();
      } catch (BatonException e) {
        LOG.warn("live verification did not start again: {}", e.getMessage());
      }
    }
  }

  private synchronized void begin(String action) {
    busy = action;
  }

  private synchronized void end(Outcome o) {
    busy = null;
    outcome = o;
    if (o.ok()) {
      LOG.info("migration {}: {}", spec.name(), o.message());
    } else {
      LOG.error("migration {}: {} failed: {}", spec.name(), o.action(), o.message());
    }
  }

  /** Stops the controller's thread, waiting for a switch in progress to end (up to a minute). */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.warn("the controller's thread did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
