package io.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoakScheduleTest {
  @Test
  void shouldInjectEveryKindOnceInThreeMinutes() {
    List<SoakSchedule.Planned> plan = SoakSchedule.plan(3);

    assertThat(plan).extracting(SoakSchedule.Planned::kind).containsExactlyElementsOf(SoakSchedule.CYCLE);
    assertThat(plan).extracting(SoakSchedule.Planned::kind).contains(SoakSchedule.Kind.values());
    assertThat(plan.get(0).atMs()).isGreaterThanOrEqualTo(SoakSchedule.QUIET_MS);
    assertThat(plan.get(plan.size() - 1).atMs()).isLessThanOrEqualTo(3 * 60_000 - SoakSchedule.QUIET_MS);
  }

  @Test
  void shouldRepeatWholeCyclesAboutThirtySecondsApartInThirtyMinutes() {
    List<SoakSchedule.Planned> plan = SoakSchedule.plan(30);

    assertThat(plan).hasSize(8 * SoakSchedule.CYCLE.size());
    assertThat(plan.get(plan.size() - 1).kind()).isEqualTo(SoakSchedule.Kind.ROLLBACK);
    long gap = plan.get(1).atMs() - plan.get(0).atMs();
    assertThat(gap).isBetween(SoakSchedule.TARGET_GAP_MS, SoakSchedule.TARGET_GAP_MS + 5_000);
    for (int i = 1; i < plan.size(); i++) {
      assertThat(plan.get(i).atMs() - plan.get(i - 1).atMs()).isEqualTo(gap);
    }
  }

  @Test
  void shouldRefuseASoakTooShortForOneCycle() {
    assertThatThrownBy(() -> SoakSchedule.plan(2)).hasMessageContaining("at least 3");
  }

  @Test
  void shouldRepeatAChosenCycleOfBrokerKillsOnly() {
    List<SoakSchedule.Kind> cycle = SoakSchedule.cycle(List.of("broker-kill"));

    List<SoakSchedule.Planned> plan = SoakSchedule.plan(15, cycle);

    assertThat(plan).hasSizeGreaterThan(25).extracting(SoakSchedule.Planned::kind)
        .containsOnly(SoakSchedule.Kind.BROKER_KILL);
  }

  @Test
  void shouldReadFaultNamesWithDashesUnderscoresOrSpaces() {
    assertThat(SoakSchedule.cycle(List.of("target_restart", "CUTOVER", "target cuts", "rollback")))
        .containsExactly(SoakSchedule.Kind.TARGET_RESTART, SoakSchedule.Kind.CUTOVER, SoakSchedule.Kind.TARGET_CUTS,
            SoakSchedule.Kind.ROLLBACK);
  }

  @Test
  void shouldRefuseAnUnknownFaultOrACutoverLeftWithoutItsRollback() {
    assertThatThrownBy(() -> SoakSchedule.cycle(List.of("broker-restart"))).hasMessageContaining("no fault named 'broker-restart'")
        .hasMessageContaining("broker-kill");
    assertThatThrownBy(() -> SoakSchedule.cycle(List.of("cutover"))).hasMessageContaining("needs a rollback");
    assertThatThrownBy(() -> SoakSchedule.cycle(List.of("rollback", "cutover"))).hasMessageContaining("alternate");
  }
}
