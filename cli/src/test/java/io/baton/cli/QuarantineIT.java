package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.query;
import static io.baton.cli.Db.value;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.reconciler.TableComparison;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code onInvalid: quarantine}: rows with a NULL name (a validation rule) or an impossible date (a
 * cast) are set aside, by the bulk snapshot and by the stream, into {@code baton.quarantine} with
 * their key, LSN, column, rule and reason, while every other row is applied; a row whose update is
 * set aside leaves the target until a valid change brings it back. The reconciler expects exactly
 * the accepted rows; {@code baton quarantine list} shows them all. Before anything runs, the
 * profile's dry run of the spec counts the same rows per rule.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class QuarantineIT {
  private static final String SPEC = """
      name: quar
      schema: create
      tables:
        - source: q.applicants
          columns:
            born: { cast: { to: date, format: dd/MM/yyyy } }
          validate:
            - { column: name, notNull: true }
          onInvalid: quarantine
      verify: { continuous: false }
      """;

  @TempDir
  Path work;

  @Test
  void shouldSetInvalidRowsAsideAndApplyTheRest(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, """
        CREATE SCHEMA q;
        CREATE TABLE q.applicants (id int PRIMARY KEY, name text, born text NOT NULL);
        INSERT INTO q.applicants SELECT g, CASE WHEN g % 50 = 0 THEN NULL ELSE 'applicant ' || g END,
          CASE WHEN g % 77 = 0 THEN '30/02/2001' ELSE to_char(DATE '1980-01-01' + g, 'DD/MM/YYYY') END
          FROM generate_series(1, 500) g;
        """);
    Path specFile = Files.writeString(work.resolve("quar.yaml"), SPEC);
    MigrationSpec spec = new SpecLoader().load(specFile);
    Path profile = work.resolve("profile.json");
    CliRun dry = CliRun.of("profile", "--spec", specFile.toString(), "--source", source.toString(), "--json",
        profile.toString());
    assertThat(dry.code()).as(dry.err()).isZero();
    JsonNode gate = new ObjectMapper().readTree(profile.toFile()).path("dry_run").get(0);
    assertThat(gate.path("rows").asInt()).isEqualTo(500);
    assertThat(gate.path("rejected").asInt()).as("the rows the gate would set aside").isEqualTo(16);
    assertThat(gate.path("rules").toString()).contains("\"column\":\"born\",\"rule\":\"cast to date from dd/MM/yyyy\",\"rows\":6")
        .contains("\"column\":\"name\",\"rule\":\"validate notNull\",\"rows\":10")
        .contains("key {id=77}: '30/02/2001': not a date in format dd/MM/yyyy");
    try (Migration migration = Migration.prepare(spec, source, target, env.kafka().bootstrapServers(), work.resolve("state"),
        Environments.router(env))) {
      migration.start();
      // 10 NULL names (every 50th), 6 impossible dates (every 77th), none both
      assertThat(value(target, "SELECT count(*) FROM q.applicants")).isEqualTo("484");
      assertThat(query(target, "SELECT lsn || ' ' || source_key || ' ' || column_name || ' ' || rule FROM baton.quarantine"
          + " WHERE source_key IN ('{\"id\":\"50\"}', '{\"id\":\"77\"}') ORDER BY source_key")).containsExactly(
          "snapshot {\"id\":\"50\"} name validate notNull",
          "snapshot {\"id\":\"77\"} born cast to date from dd/MM/yyyy");

      exec(source, """
          INSERT INTO q.applicants VALUES (501, NULL, '01/01/1990'), (502, 'valid', '02/01/1990');
          UPDATE q.applicants SET name = NULL WHERE id = 3;
          UPDATE q.applicants SET born = '15/06/1985' WHERE id = 77;
          """);
      migration.catchUp();
      assertThat(value(target, "SELECT count(*) FROM q.applicants")).as("502 and the fixed 77 arrive, 3 is set aside")
          .isEqualTo("485");
      assertThat(value(target, "SELECT born FROM q.applicants WHERE id = 77")).isEqualTo("1985-06-15");
      assertThat(query(target, "SELECT name FROM q.applicants WHERE id = 3")).as("no older version of a row in quarantine")
          .isEmpty();
      assertThat(value(target, "SELECT count(*) FROM baton.quarantine WHERE migration = 'quar' AND lsn <> 'snapshot'"))
          .isEqualTo("2");
      assertThat(value(target, "SELECT reason FROM baton.quarantine WHERE source_key = '{\"id\":\"501\"}'"))
          .isEqualTo("NULL breaks a validation rule");

      List<TableComparison> pass = migration.verify();
      assertThat(pass).singleElement().satisfies(c -> {
        assertThat(c.sourceRows()).as("the rows the spec accepts").isEqualTo(485);
        assertThat(c.equal()).isTrue();
      });
      exec(source, "UPDATE q.applicants SET name = 'applicant three' WHERE id = 3");
      migration.catchUp();
      assertThat(value(target, "SELECT name FROM q.applicants WHERE id = 3")).isEqualTo("applicant three");
      assertThat(migration.verify()).singleElement().satisfies(c -> {
        assertThat(c.equal()).isTrue();
        assertThat(c.targetRows()).isEqualTo(486);
      });

      CliRun list = CliRun.of("quarantine", "list", "--spec", specFile.toString(), "--target", target.toString(),
          "--output", "json");
      assertThat(list.code()).as(list.err()).isZero();
      JsonNode json = new ObjectMapper().readTree(list.out().substring(list.out().indexOf('{')));
      assertThat(json.path("total").asInt()).isEqualTo(18);
      assertThat(json.path("rows").get(0).path("source_table").asText()).isEqualTo("q.applicants");

      // the spec is fixed (a name may be missing after all) and baton run restarted with it; the
      // replay sends the quarantined rows through it: the nameless ones arrive, the impossible
      // dates are set aside again under new LSNs
      migration.stopPipelines();
      Path fixedFile = Files.writeString(work.resolve("quar-fixed.yaml"),
          SPEC.replace("    validate:\n      - { column: name, notNull: true }\n", ""));
      MigrationSpec fixed = new SpecLoader().load(fixedFile);
      assertThat(fixed.tables().get(0).validate()).isEmpty();
      try (Migration again = Migration.prepare(fixed, source, target, env.kafka().bootstrapServers(), work.resolve("state"),
          Environments.router(env))) {
        again.start();
        CliRun replay = CliRun.of("quarantine", "replay", "--spec", fixedFile.toString(), "--source", source.toString(),
            "--target", target.toString());
        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("replayed: 18 rows sent through the stream again, 0 no longer on the source,"
            + " 18 quarantine entries removed");
        again.catchUp();
        assertThat(value(target, "SELECT count(*) FROM q.applicants")).as("486 and the 11 nameless").isEqualTo("497");
        assertThat(query(target, "SELECT source_key FROM baton.quarantine WHERE migration = 'quar' ORDER BY lsn::pg_lsn"))
            .as("the impossible dates, set aside again").containsExactly("{\"id\":\"154\"}", "{\"id\":\"231\"}",
                "{\"id\":\"308\"}", "{\"id\":\"385\"}", "{\"id\":\"462\"}");
        assertThat(again.verify()).singleElement().satisfies(c -> assertThat(c.equal()).isTrue());
      }
    }
  }
}
