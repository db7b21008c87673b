package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunbookTest {
  private final MigrationSpec spec = new SpecLoader().parse("""
      name: shop
      tables:
        - source: public.orders
      cutover: { maxWritePauseMs: 3000 }
      rollback: { forSeconds: 90 }
      """, "shop.yaml");

  @Test
  void shouldComputeDurationsFromWhatWasMeasured() {
    Runbook measured = Runbook.of(spec, "shop.yaml", new Runbook.Measured(1, 1L << 30, 10_000_000, 50 * 1048576.0,
        "this migration's bulk copy", 100_000, "the last live passes", List.of(200L, 1600L, 300L)));
    assertThat(step(measured, "baton run").expectedSeconds()).as("1 GiB at 50 MiB/s").isEqualTo(20);
    assertThat(step(measured, "baton status").expectedSeconds()).as("10M rows at 100k rows/s").isEqualTo(100);
    assertThat(step(measured, "baton cutover").expectedSeconds()).as("the longest pause, 1.6 s").isEqualTo(2);
    assertThat(step(measured, "baton cutover").expectedFrom()).contains("longest of 3 switches measured (median 300 ms)");
    assertThat(measured.steps()).filteredOn(Runbook.Step::pointOfNoReturn).singleElement()
        .satisfies(s -> assertThat(s.command()).startsWith("baton finalize --confirm shop"));
    assertThat(step(measured, null).expectedSeconds()).as("observe ten times rollback.forSeconds").isEqualTo(900);
  }

  @Test
  void shouldSayWhatItCannotKnowYet() {
    Runbook fresh = Runbook.of(spec, "shop.yaml", new Runbook.Measured(1, 1L << 30, 10_000_000, -1,
        "no bulk copy of this migration yet", 200_000, "no live pass yet", List.of()));
    assertThat(step(fresh, "baton run").expectedSeconds()).isEqualTo(-1);
    assertThat(step(fresh, "baton cutover").expectedSeconds()).as("the deadline").isEqualTo(3);
    assertThat(fresh.markdown()).contains("Expected: unknown (no bulk copy of this migration yet)")
        .contains("switches none measured yet");
    assertThat(fresh.json()).contains("\"point_of_no_return\" : true").contains("\"expected_seconds\" : -1");
  }

  private static Runbook.Step step(Runbook r, String commandPrefix) {
    // the command itself, or else the first that starts with it ("baton run" is "baton run --spec ...")
    return r.steps().stream().filter(s -> commandPrefix == null ? s.command() == null
        : s.command() != null && s.command().trim().equals(commandPrefix)).findFirst()
        .orElseGet(() -> r.steps().stream().filter(s -> s.command() != null && s.command().startsWith(commandPrefix + " "))
            .findFirst().orElseThrow());
  }
}
