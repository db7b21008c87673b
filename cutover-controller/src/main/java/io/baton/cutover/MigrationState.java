package io.baton.cutover;

import io.baton.BatonException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a migration, with the legal transitions declared here and nowhere else.
 *
 * <pre>
 *  PLANNED ─▶ SNAPSHOTTING ─▶ STREAMING ◀──────────────┐ (cutover aborted)
 *                               │   ▲                    │
 *                               ▼   │                    │
 *                              READY ─▶ CUTTING_OVER ────┘
 *                                            │
 *                                            ▼
 *        ┌───────────────────────────────▶ CUT_OVER ─▶ FINALIZED
 *        │ (rollback aborted)                │
 *        │                                   ▼
 *        └────────────────────────────── ROLLING_BACK ─▶ ROLLED_BACK ─▶ CUTTING_OVER (again)
 *
 *  any state but FINALIZED ─▶ FAILED
 *  STREAMING, READY, ROLLED_BACK ─▶ SNAPSHOTTING (a resync, after the forward slot was lost)
 * </pre>
 */
public enum MigrationState {
  /** Nothing written yet. */
  PLANNED,
  /** The bulk snapshot is copying. */
  SNAPSHOTTING,
  /** Changes stream from source to target. */
  STREAMING,
  /** Streaming, and every cutover gate passes. */
  READY,
  /** Writes are paused and traffic is being moved to the target. */
  CUTTING_OVER,
  /** Traffic goes to the target; reverse replication keeps the source current. */
  CUT_OVER,
  /** Writes are paused and traffic is being moved back to the source. */
  ROLLING_BACK,
  /** Traffic is back on the source; the forward stream runs again from a fresh slot. */
  ROLLED_BACK,
  /** The point of no return: slots and publications dropped. */
  FINALIZED,
  /** Stopped on an error that needs an operator. */
  FAILED;

  /** @return the states this state may move to */
  public Set<MigrationState> next() {
    return switch (this) {
      case PLANNED -> EnumSet.of(SNAPSHOTTING, FAILED);
      case SNAPSHOTTING -> EnumSet.of(STREAMING, FAILED);
      case STREAMING -> EnumSet.of(READY, CUTTING_OVER, SNAPSHOTTING, FAILED);
      case READY -> EnumSet.of(STREAMING, CUTTING_OVER, SNAPSHOTTING, FAILED);
      case CUTTING_OVER -> EnumSet.of(CUT_OVER, STREAMING, FAILED);
      case CUT_OVER -> EnumSet.of(ROLLING_BACK, FINALIZED, FAILED);
      case ROLLING_BACK -> EnumSet.of(ROLLED_BACK, CUT_OVER, FAILED);
      case ROLLED_BACK -> EnumSet.of(CUTTING_OVER, FINALIZED, SNAPSHOTTING, FAILED);
      case FINALIZED, FAILED -> EnumSet.noneOf(MigrationState.class);
    };
  }

  /**
   * @param to the requested state
   * @return {@code to}
   * @throws BatonException when the transition is not legal, naming both states and the legal ones
   */
  public MigrationState moveTo(MigrationState to) {
    if (!next().contains(to)) {
      throw new BatonException("a migration in state " + this + " cannot move to " + to + " (allowed: " + next() + ")");
    }
    return to;
  }
}
