package io.baton.cli;

import io.baton.BatonException;
import io.baton.cutover.CutoverGates;
import io.baton.cutover.GateObservation;
import io.baton.cutover.GateReport;
import io.baton.cutover.ReverseReadiness;
import io.baton.reconciler.ContinuousVerifier;
import io.baton.spec.MigrationSpec;
import java.time.Duration;

/**
 * Feeds the cutover gates from a running migration: lag samples from the forward pipeline, and, at
 * evaluation, live verification's results, the reverse replication checks on the target, the
 * router's health, and a predicted write pause.
 *
 * <p>The prediction is measured, not guessed: a drain marker is sent through the forward pipeline
 * without pausing anyone, and the time it takes to be applied is what the drain inside a pause
 * would take at this load; to it is added what the other steps of the last switch took in this
 * process ({@link Migration#switchOverheadMs()}).
 */
final class GateProbe {
  private final Migration migration;
  private final MigrationSpec spec;
  private final CutoverGates gates;

  GateProbe(Migration migration, MigrationSpec spec) {
    this.migration = migration;
    this.spec = spec;
    this.gates = new CutoverGates(spec.cutover().gates(), spec.cutover().maxWritePauseMs(), System::currentTimeMillis);
  }

  /** Takes one lag sample; does nothing while no forward pipeline runs. */
  void sample() {
    ReplicationPipeline forward = migration.forwardPipeline();
    if (forward != null) {
      gates.sample(forward.slotLagBytes(), forward.applyLagMs(), forward.failedApplyAttempts());
    }
  }

  /** Forgets the samples: after a switch the lag must hold again from then. */
  void reset() {
    gates.reset();
  }

  /**
   * Evaluates every gate now; takes as long as the drain marker needs (at most the write pause
   * deadline).
   *
   * @return the report
   */
  GateReport evaluate() {
    ContinuousVerifier v = migration.verifier();
    return gates.evaluate(new GateObservation(v != null, v == null ? 0 : v.lastCleanFullPassAtMs(),
        v == null ? 0 : v.mismatchRatio(), quarantined(), ReverseReadiness.problems(migration.target(), migration.targetTables()),
        migration.router().problem(migration.source()), slotProblem(), predictPauseMs()));
  }

  /** @return why the forward slot is at risk of losing WAL it needs, or null when it is not */
  private String slotProblem() {
    ReplicationPipeline forward = migration.forwardPipeline();
    ReplicationPipeline.SlotStatus slot = forward == null ? null : forward.slotStatus();
    return slot == null || !slot.atRisk() ? null : "the source reports wal_status " + slot.walStatus() + " for slot "
        + spec.slotName() + ": it " + ("lost".equals(slot.walStatus()) ? "has removed" : "is about to remove")
        + " WAL the slot needs (max_slot_wal_keep_size); a lost slot needs baton run --resync";
  }

  /** @return rows in quarantine for this migration; -1 when the target cannot be read */
  private long quarantined() {
    try (java.sql.Connection c = migration.target().connect()) {
      return io.baton.state.QuarantineTable.count(c, spec.name());
    } catch (java.sql.SQLException | BatonException e) {
      return -1;
    }
  }

  private long predictPauseMs() {
    ReplicationPipeline forward = migration.forwardPipeline();
    if (forward == null) {
      return -1;
    }
    long start = System.nanoTime();
    try {
      forward.drain(Duration.ofMillis(spec.cutover().maxWritePauseMs()));
    } catch (BatonException e) {
      return -1;
    }
    return (System.nanoTime() - start) / 1_000_000 + migration.switchOverheadMs();
  }
}
