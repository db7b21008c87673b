package io.baton.cli;

import static io.baton.cli.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.embedded.Pgbench;
import io.baton.pg.Database;
import io.baton.reconciler.LiveVerifier;
import io.baton.reconciler.RowDifference;
import io.baton.reconciler.TableComparison;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live verification while pgbench writes to the source as fast as it can: three full passes over
 * pgbench scale 10 in a row report zero differences, and faults then put into the target (an extra
 * row, a lost row of the keyless history table) are found and described in the next pass while
 * pgbench goes on. Continuous verification then stores the same findings in the state schema and
 * exports them as metrics, scraped over HTTP.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class LiveVerifyIT {
  private static final Logger LOG = LoggerFactory.getLogger(LiveVerifyIT.class);
  private static final String SPEC = """
      name: live
      tables:
        - source: public.pgbench_accounts
        - source: public.pgbench_branches
        - source: public.pgbench_tellers
        - source: public.pgbench_history
      """;
  /** Small chunks, so that a pass over scale 10 compares a few dozen of them. */
  private static final LiveVerifier.Settings SETTINGS = new LiveVerifier.Settings(4L << 20, 3, Duration.ofSeconds(60), 10);

  @TempDir
  Path work;

  @Test
  void shouldReportNoFalseDifferenceUnderFullLoadAndFindRealOnes(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    Pgbench.initialize(source, 10, work.resolve("init.log"));
    exec(source, "ALTER TABLE pgbench_history REPLICA IDENTITY FULL");
    MigrationSpec spec = new SpecLoader().parse(SPEC, "live.yaml");
    try (Migration migration = Migration.prepare(spec, source, target,
        env.kafka().bootstrapServers(), work.resolve("state"), Environments.router(env));
        PgbenchWorkload pgbench = new PgbenchWorkload(source.host(), source.port(), source.database(), source.user(), 4, 0,
            null, work.resolve("pgbench"), 20)) {
      pgbench.start();
      migration.start();
      for (int pass = 1; pass <= 3; pass++) {
        long applied = migration.appliedEvents();
        List<TableComparison> tables = migration.verifyLive(SETTINGS);
        LOG.info("pass {}: {} changes applied during it", pass, migration.appliedEvents() - applied);
        assertThat(tables).as("pass %d", pass).hasSize(4).allSatisfy(c -> {
          assertThat(c.differences()).isEmpty();
          assertThat(c.mismatchedRows()).isZero();
          assertThat(c.equal()).isTrue();
        });
        assertThat(tables.get(0).sourceRows()).isEqualTo(1_000_000);
        assertThat(migration.appliedEvents()).as("pgbench's changes applied during pass %d", pass).isGreaterThan(applied);
      }

      exec(target, """
          SET session_replication_role = replica;
          INSERT INTO pgbench_accounts VALUES (2000001, 1, 0, 'extra');
          DELETE FROM pgbench_history WHERE ctid = (SELECT min(ctid) FROM pgbench_history);
          """);
      List<TableComparison> faulty = migration.verifyLive(SETTINGS);
      assertThat(faulty.get(0).mismatchedRows()).isEqualTo(1);
      assertThat(faulty.get(0).differences()).singleElement().satisfies(d -> {
        assertThat(d.kind()).isEqualTo(RowDifference.Kind.EXTRA_IN_TARGET);
        assertThat(d.key()).isEqualTo(Map.of("aid", "2000001"));
      });
      assertThat(faulty.get(1).equal()).isTrue();
      assertThat(faulty.get(2).equal()).isTrue();
      assertThat(faulty.get(3).mismatchedRows()).isEqualTo(1);
      assertThat(faulty.get(3).differences()).singleElement()
          .satisfies(d -> assertThat(d.kind()).isEqualTo(RowDifference.Kind.MISSING_IN_TARGET));

      try (MigrationMetrics metrics = MigrationMetrics.serve(migration, spec, new InetSocketAddress("127.0.0.1", 0))) {
        migration.startVerifying();
        await().atMost(Duration.ofMinutes(3)).until(() -> migration.verifier().results().size() == 4);
        String page = MetricsPage.scrape(metrics.port(), "the continuous verifier");
        assertThat(MetricsPage.value(page, "baton_verify_mismatched_rows{table=\"public.pgbench_accounts\"}")).as(page)
            .isEqualTo(1);
        assertThat(MetricsPage.value(page, "baton_verify_mismatched_rows{table=\"public.pgbench_branches\"}")).isZero();
        assertThat(MetricsPage.value(page, "baton_verify_last_clean_pass_timestamp_seconds{table=\"public.pgbench_accounts\"}"))
            .isZero();
        assertThat(MetricsPage.value(page, "baton_verify_last_clean_pass_timestamp_seconds{table=\"public.pgbench_tellers\"}"))
            .isGreaterThan(System.currentTimeMillis() / 1000.0 - 600);
        assertThat(MetricsPage.value(page, "baton_verify_rows_total")).isGreaterThanOrEqualTo(1_000_000);
        assertThat(MetricsPage.value(page, "baton_verify_apply_held_seconds_total")).as("holds placed over a full pass")
            .isGreaterThan(0);
        assertThat(MetricsPage.value(page, "baton_verify_last_clean_full_pass_timestamp_seconds")).as("a table never clean")
            .isZero();
        assertThat(MetricsPage.value(page, "baton_verify_mismatch_ratio")).as("2 rows of 1.0 to 1.5 million")
            .isBetween(2.0 / 1_500_000, 2.0 / 1_000_000);
      }
      assertThat(Db.value(target, "SELECT mismatched_rows || ' ' || (differences -> 0 -> 'key' ->> 'aid') FROM baton.verify_tables"
          + " WHERE migration = 'live' AND source_table = 'public.pgbench_accounts'")).isEqualTo("1 2000001");
      assertThat(Db.value(target, "SELECT count(*) FROM baton.verify_tables WHERE migration = 'live' AND clean")).isEqualTo("2");
      PgbenchWorkload.Result w = pgbench.stop();
      assertThat(w.failedTransactions() + w.failedRuns()).isZero();
      assertThat(w.log().committed()).isGreaterThan(1000);
    }
  }
}
