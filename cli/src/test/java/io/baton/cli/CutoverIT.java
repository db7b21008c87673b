package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.reconciler.TableComparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cutovers and two rollbacks in a row with pgbench writing through PgBouncer the whole time:
 * the demo's own rehearsal at scale 1, checked on its outcomes (client-side failures, client-side
 * write pauses, both databases compared live after every switch, no slot left). Every pgbench
 * transaction inserts one {@code pgbench_history} row whose id an identity sequence draws on the
 * side that holds traffic: a sequence not carried across a switch fails the clients with duplicate
 * keys, and a lost or doubled change shows in the history count against the transactions committed.
 */
class CutoverIT {
  @TempDir
  Path work;

  @Test
  void shouldCutOverAndRollBackTwiceUnderLoadLosingNothing() throws Exception {
    Path spec = work.resolve("demo-spec.yaml");
    try (var in = BatonCli.class.getResourceAsStream("/demo-spec.yaml")) {
      Files.write(spec, in.readAllBytes());
    }
    Summary s = new Rehearsal(new Rehearsal.Options(spec, List.of(), 1, null, 4, 200, 4, 2, work,
        io.baton.embedded.PostgresServer.Flavor.EMBEDDED)).run();
    System.out.println(s.toText());
    assertThat(s.error).isNull();
    assertThat(s.transactions).isGreaterThan(2000);
    assertThat(s.failedTransactions).isZero();
    assertThat(s.verifications).hasSize(6).allSatisfy(v -> assertThat(v.equal()).as(v.step()).isTrue());
    assertThat(s.verifications.get(1).tables()).anySatisfy(t -> assertThat(t.target()).isEqualTo("public.accounts"));
    assertThat(s.cutovers).hasSize(2).allSatisfy(c -> {
      assertThat(c.writePauseMs()).isBetween(0L, 4999L);
      assertThat(c.reconcileEqual()).isTrue();
      assertThat(c.finalVerification()).isEqualTo("EQUAL");
    });
    assertThat(s.rollbacks).hasSize(2).allSatisfy(r -> {
      assertThat(r.writePauseMs()).isBetween(0L, 4999L);
      assertThat(r.reconcileEqual()).isTrue();
      assertThat(r.finalVerification()).isEqualTo("EQUAL");
    });
    TableComparison history = s.verifications.get(5).tables().stream()
        .filter(t -> t.target().equals("public.pgbench_history")).findFirst().orElseThrow();
    assertThat(history.sourceRows()).isEqualTo(s.transactions);
    assertThat(history.targetRows()).isEqualTo(s.transactions);
    assertThat(s.streamEvents).isGreaterThan(2000);
    assertThat(s.slotsLeft).isZero();
    assertThat(s.ok()).isTrue();
  }
}
