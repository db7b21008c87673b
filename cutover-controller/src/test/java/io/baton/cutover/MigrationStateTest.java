package io.baton.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MigrationStateTest {
  @Test
  void shouldAllowTheCutoverAndRollbackPath() {
    MigrationState s = MigrationState.PLANNED;
    for (MigrationState next : new MigrationState[] {MigrationState.SNAPSHOTTING, MigrationState.STREAMING,
        MigrationState.CUTTING_OVER, MigrationState.CUT_OVER, MigrationState.ROLLING_BACK, MigrationState.ROLLED_BACK,
        MigrationState.CUTTING_OVER}) {
      s = s.moveTo(next);
    }
    assertThat(s).isEqualTo(MigrationState.CUTTING_OVER);
  }

  @Test
  void shouldRefuseSkippingTheSnapshotNamingStates() {
    assertThatThrownBy(() -> MigrationState.PLANNED.moveTo(MigrationState.CUT_OVER))
        .hasMessageContaining("state PLANNED cannot move to CUT_OVER");
  }

  @Test
  void shouldNeverLeaveFinalized() {
    assertThat(MigrationState.FINALIZED.next()).isEmpty();
    assertThat(MigrationState.FAILED.next()).isEmpty();
  }
}
