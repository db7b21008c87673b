package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cutover and rollback with pgbench writing through PgBouncer the whole time: the demo's own
 * rehearsal at scale 1, checked on its outcomes (client-side failures, client-side write pauses,
 * both databases compared after every step, no slot left).
 */
class CutoverIT {
  @TempDir
  Path work;

  @Test
  void shouldCutOverAndRollBackUnderLoadLosingNothing() throws Exception {
    Path spec = work.resolve("demo-spec.yaml");
    try (var in = BatonCli.class.getResourceAsStream("/demo-spec.yaml")) {
      Files.write(spec, in.readAllBytes());
    }
    Summary s = new Rehearsal(new Rehearsal.Options(spec, List.of(), 1, null, 4, 200, 4, work,
        io.baton.embedded.PostgresServer.Flavor.EMBEDDED)).run();
    System.out.println(s.toText());
    assertThat(s.error).isNull();
    assertThat(s.transactions).isGreaterThan(1000);
    assertThat(s.failedTransactions).isZero();
    assertThat(s.verifications).hasSize(4).allSatisfy(v -> assertThat(v.equal()).as(v.step()).isTrue());
    assertThat(s.verifications.get(1).tables()).anySatisfy(t -> assertThat(t.target()).isEqualTo("public.accounts"));
    assertThat(s.cutoverPauseMs).isBetween(0L, 4999L);
    assertThat(s.rollbackPauseMs).isBetween(0L, 4999L);
    assertThat(s.streamEvents).isGreaterThan(1000);
    assertThat(s.slotsLeft).isZero();
    assertThat(s.ok()).isTrue();
  }
}
