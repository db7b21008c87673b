package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.query;
import static io.baton.cli.Db.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.BatonException;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.reconciler.LiveVerifier;
import io.baton.reconciler.TableComparison;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Value operations end to end: day-first text dates cast to a date column, region codes mapped
 * through a CSV file (unmapped ones to a default), three programme ids consolidated into one, NULL
 * names filled, amounts rescaled with a rounding mode, and a deterministic UUID key derived from the
 * source key. The four paths that apply the spec agree on the same rows: every row the bulk copy
 * wrote comes out the same through the stream, the reconciler's own transform finds them equal, and
 * the reverse path brings the target's changes back so that the rollback's final verification is
 * equal. Rows are copied by the bulk snapshot,
 * then inserted, updated and deleted while streaming; the reconciler (which transforms the source's
 * rows itself) and live verification find spec(source) equal to the target, and name a value put
 * wrong into the target; after a cutover rows changed on the target go back through the inverse
 * operations and the reverse rules, so that the rollback's final verification finds spec(source)
 * equal to the target at the freeze; and a row that breaks a validation rule
 * halts the stream with the row, the column and the rule named.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class ValueOpsIT {
  private static final String SPEC = """
      name: vops
      schema: create
      tables:
        - source: vo.people
          columns:
            registered: { rename: registered_on, cast: { to: date, format: dd/MM/yyyy } }
            region:
              map: { file: regions.csv, onUnmapped: default, default: XX-UNK }
              reverse: { map: { values: { GB-LND: "1001", FR-75: "1002" }, onUnmapped: keep } }
            programme:
              map: { values: { "101": "100", "102": "100", "103": "100" }, onUnmapped: keep }
              reverse: { keep: true }
            name:
              nullFill: unknown
              reverse: { map: { values: { unknown: ~ }, onUnmapped: keep } }
            balance: { cast: { to: "numeric(12,2)", rounding: HALF_EVEN } }
          derive:
            person_uuid: { uuid5: { namespace: 6ba7b811-9dad-11d1-80b4-00c04fd430c8, from: [id] } }
          validate:
            - { column: region, notNull: true, allowed: [GB-LND, FR-75, XX-UNK] }
            - { column: balance, min: 0 }
            - { column: registered, min: "1990-01-01" }
      verify: { continuous: false }
      """;

  @TempDir
  Path work;

  @Test
  void shouldCastMapAndFillThroughSnapshotStreamVerifyAndRollback(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, """
        CREATE SCHEMA vo;
        CREATE TABLE vo.people (id int PRIMARY KEY, registered text NOT NULL, region text, programme int,
          name text, balance numeric(10,3));
        INSERT INTO vo.people SELECT g, to_char(DATE '2020-01-01' + g, 'DD/MM/YYYY'),
          (ARRAY['1001', '1002', '9999'])[1 + g % 3], (ARRAY[101, 102, 103, 200])[1 + g % 4],
          CASE WHEN g % 5 = 0 THEN NULL ELSE 'person ' || g END, g * 1.235
          FROM generate_series(1, 3000) g;
        """);
    Files.writeString(work.resolve("regions.csv"), "legacy,iso\n1001,GB-LND\n1002,\"FR-75\"\n");
    Path specFile = Files.writeString(work.resolve("vops.yaml"), SPEC);
    MigrationSpec spec = new SpecLoader().load(specFile);
    CliRun plan = CliRun.of("run", "--spec", specFile.toString(), "--source", source.toString(), "--target", target.toString(),
        "--kafka", env.kafka().bootstrapServers(), "--dry-run");
    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(plan.out()).contains("registered -> registered_on (cast to date from dd/MM/yyyy)")
        .contains("name (fill NULL with 'unknown')")
        .contains("derived: person_uuid = uuid5 of id in namespace 6ba7b811-9dad-11d1-80b4-00c04fd430c8")
        .contains("validate: region notNull, allowed [FR-75, GB-LND, XX-UNK]; balance min 0; registered min 1990-01-01"
            + " (a row that breaks one: halt)")
        .contains("column programme: the target's value goes back as it is")
        .contains("\"registered_on\" date").contains("\"person_uuid\" uuid NOT NULL UNIQUE");

    try (Migration migration = Migration.prepare(spec, source, target, env.kafka().bootstrapServers(), work.resolve("state"),
        Environments.router(env))) {
      migration.start();
      assertThat(query(target, "SELECT column_name || ' ' || data_type FROM information_schema.columns"
          + " WHERE table_schema = 'vo' AND table_name = 'people' ORDER BY ordinal_position")).containsExactly(
          "id integer", "registered_on date", "region text", "programme integer", "name text", "balance numeric",
          "person_uuid uuid");
      // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, '5'))"
      assertThat(value(target, "SELECT person_uuid FROM vo.people WHERE id = 5")).isEqualTo("afca48e9-59ea-5a28-b8a4-88e0cc6eda1c");
      assertThat(value(target, "SELECT registered_on || '|' || region || '|' || programme || '|' || name || '|' || balance"
          + " FROM vo.people WHERE id = 5")).isEqualTo("2020-01-06|XX-UNK|100|unknown|6.18");

      // the four paths agree: every row the bulk copy wrote is written again by the stream (a no-op
      // update of each on the source) and comes out the same; the reconciler and, after the
      // switches below, the reverse path are checked against the same rows
      String copied = value(target, "SELECT md5(string_agg(p::text, ',' ORDER BY id)) FROM vo.people p");
      exec(source, "UPDATE vo.people SET id = id");
      migration.catchUp();
      assertThat(value(target, "SELECT md5(string_agg(p::text, ',' ORDER BY id)) FROM vo.people p"))
          .as("3,000 rows through the stream, as the bulk copy wrote them").isEqualTo(copied);

      exec(source, """
          INSERT INTO vo.people VALUES (5001, '29/02/2024', '1001', 102, NULL, 0.005);
          UPDATE vo.people SET region = '1002', registered = '31/12/1999' WHERE id = 7;
          DELETE FROM vo.people WHERE id = 8;
          """);
      migration.catchUp();
      assertThat(value(target, "SELECT registered_on || '|' || region || '|' || programme || '|' || name || '|' || balance"
          + " FROM vo.people WHERE id = 5001")).isEqualTo("2024-02-29|GB-LND|100|unknown|0.00");
      assertThat(value(target, "SELECT registered_on || '|' || region FROM vo.people WHERE id = 7")).isEqualTo("1999-12-31|FR-75");

      List<TableComparison> whole = migration.verify();
      assertThat(whole).singleElement().satisfies(c -> {
        assertThat(c.equal()).as(c.toString()).isTrue();
        assertThat(c.sourceRows()).isEqualTo(3000);
      });
      assertThat(migration.verifyLive(LiveVerifier.Settings.DEFAULTS)).allSatisfy(c -> assertThat(c.equal()).isTrue());
      exec(target, "SET session_replication_role = replica; UPDATE vo.people SET balance = 1.23 WHERE id = 9");
      assertThat(migration.verify()).singleElement().satisfies(c -> {
        assertThat(c.equal()).isFalse();
        assertThat(c.mismatchedRows()).isEqualTo(1);
        assertThat(c.differences()).singleElement().hasToString("differing: key {id=9} [balance '11.12' on the source, '1.23' on the target]");
      });
      exec(target, "SET session_replication_role = replica; UPDATE vo.people SET balance = 11.12 WHERE id = 9");

      migration.cutover();
      exec(target, """
          UPDATE vo.people SET name = 'unknown', registered_on = DATE '2021-05-04', balance = 7.5 WHERE id = 11;
          UPDATE vo.people SET programme = 100 WHERE id = 12;
          """);
      await("the target's changes are back on the source").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
          .until(() -> value(source, "SELECT registered FROM vo.people WHERE id = 11").equals("04/05/2021"));
      assertThat(value(source, "SELECT coalesce(name, 'NULL') || '|' || balance || '|' || programme FROM vo.people WHERE id = 11"))
          .as("unknown goes back as NULL, the date in its day-first text, the amount at the source's scale")
          .isEqualTo("NULL|7.500|200");
      await().atMost(Duration.ofSeconds(30)).until(() -> value(source, "SELECT programme FROM vo.people WHERE id = 12").equals("100"));
      assertThat(migration.finalVerification().await(Duration.ofMinutes(1)).outcome())
          .isEqualTo(FinalVerification.Outcome.EQUAL);
      migration.rollback();
      assertThat(migration.finalVerification().await(Duration.ofMinutes(1)).summary())
          .as("the target's changes came back through the reverse rules, so spec(source) is the target again")
          .contains("1 table equal, 3,000 rows");

      exec(source, "INSERT INTO vo.people VALUES (6001, '01/03/1980', '1001', 101, 'too early', 1);"
          + " INSERT INTO vo.people VALUES (6002, '01/03/2020', '1001', 101, 'after the bad one', 1)");
      await("the stream halts on a row that breaks a validation rule").atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
              assertThatThrownBy(() -> migration.forwardPipeline().checkHealthy()).isInstanceOf(BatonException.class)
                  .hasMessageContaining("halted at the row with key {id=6001}")
                  .hasMessageContaining("column registered: '1980-03-01' breaks a validation rule (validate min 1990-01-01)"));
      assertThat(query(target, "SELECT count(*) FROM vo.people WHERE id IN (6001, 6002)")).as("nothing after it applied")
          .containsExactly("0");
    }
  }
}
