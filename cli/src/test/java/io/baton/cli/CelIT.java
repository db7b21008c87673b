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
import io.baton.reconciler.LiveVerifier;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * CEL in a spec, end to end: a row filter leaves test orders out, derived columns computed by CEL
 * expressions (a text, a numeric rounded to cents, two doubles that PostgreSQL must print exactly as
 * Baton does, one of them in exponent form), and a CEL rule on the whole row that quarantines
 * orders without a quantity. The bulk copy, the stream (inserts, an update that takes a row out of
 * scope and one that brings a row in, deletes), the reconciler, live verification, the profile's
 * dry run and the validation report agree with an independent SQL rendering of the spec over the
 * source. A stored generated column of the source is created generated on the target, which
 * computes it.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class CelIT {
  private static final String SPEC = """
      name: celx
      schema: create
      tables:
        - source: ce.orders
          filter: "row.status != 'test'"
          onInvalid: quarantine
          columns:
            first_name: { drop: true }
            placed: { cast: { to: date, format: dd/MM/yyyy } }
          derive:
            full_name: { cel: "row.first_name + ' ' + row.last_name.upperAscii()" }
            total: { cel: "row.price * double(row.qty)", type: "numeric(12,2)", rounding: HALF_UP }
            third: { cel: "row.price / 3.0", type: double precision }
            tiny: { cel: "row.price / 30000.0", type: double precision }
          validate:
            - { cel: "row.qty > 0 || row.status == 'refund'" }
            - { column: placed, cel: "value >= '2000-01-01'" }
      verify: { continuous: false }
      """;

  /** The spec rendered in SQL on the source: the rows the target must hold, as text. */
  private static final String EXPECTED = "SELECT concat_ws('|', id, status, price, qty, last_name, to_date(placed, 'DD/MM/YYYY'),"
      + " first_name || ' ' || upper(last_name), round(price * qty, 2), (price::float8 / 3.0::float8)::text,"
      + " (price::float8 / 30000.0::float8)::text) FROM ce.orders"
      + " WHERE status <> 'test' AND (qty > 0 OR status = 'refund') ORDER BY id";
  private static final String ACTUAL = "SELECT concat_ws('|', id, status, price, qty, last_name, placed, full_name, total,"
      + " third::text, tiny::text) FROM ce.orders ORDER BY id";

  @TempDir
  Path work;

  @Test
  void shouldFilterDeriveAndValidateWithCelInEveryPath(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, """
        CREATE SCHEMA ce;
        CREATE TABLE ce.orders (id int PRIMARY KEY, status text NOT NULL, price numeric(8,2) NOT NULL, qty int NOT NULL,
          first_name text NOT NULL, last_name text NOT NULL, placed text NOT NULL,
          line_total numeric GENERATED ALWAYS AS (price * qty) STORED);
        INSERT INTO ce.orders SELECT g, CASE WHEN g % 10 = 0 THEN 'test' WHEN g % 35 = 0 THEN 'refund' ELSE 'new' END,
          (g % 997) * 1.01 + 0.05, CASE WHEN g % 7 = 0 THEN 0 ELSE g % 13 + 1 END, 'first' || g, 'last' || g,
          to_char(DATE '2001-01-01' + g, 'DD/MM/YYYY')
          FROM generate_series(1, 4000) g;
        """);
    long expectedCopied = Long.parseLong(value(source,
        "SELECT count(*) FROM ce.orders WHERE status <> 'test' AND (qty > 0 OR status = 'refund')"));
    long expectedQuarantined = Long.parseLong(value(source,
        "SELECT count(*) FROM ce.orders WHERE status <> 'test' AND NOT (qty > 0 OR status = 'refund')"));
    Path specFile = Files.writeString(work.resolve("celx.yaml"), SPEC);
    MigrationSpec spec = new SpecLoader().load(specFile);

    Path profile = work.resolve("profile.json");
    CliRun dry = CliRun.of("profile", "--spec", specFile.toString(), "--source", source.toString(), "--json",
        profile.toString());
    assertThat(dry.code()).as(dry.err()).isZero();
    JsonNode gate = new ObjectMapper().readTree(profile.toFile()).path("dry_run").get(0);
    assertThat(gate.path("rows").asLong()).isEqualTo(4000);
    assertThat(gate.path("filtered").asLong()).isEqualTo(400);
    assertThat(gate.path("rejected").asLong()).isEqualTo(expectedQuarantined);
    assertThat(gate.path("rules").get(0).path("rule").asText()).isEqualTo("validate cel 'row.qty > 0 || row.status == 'refund''");

    CliRun plan = CliRun.of("run", "--spec", specFile.toString(), "--source", source.toString(), "--target", target.toString(),
        "--kafka", env.kafka().bootstrapServers(), "--dry-run");
    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(plan.out()).contains("filter: rows where row.status != 'test'")
        .contains("derived: total = cel 'row.price * double(row.qty)' as numeric(12,2)")
        .contains("validate: (row) cel 'row.qty > 0 || row.status == 'refund''; placed cel 'value >= '2000-01-01''")
        .contains("\"total\" numeric(12,2)").contains("\"third\" double precision");

    try (Migration migration = Migration.prepare(spec, source, target, env.kafka().bootstrapServers(), work.resolve("state"),
        Environments.router(env))) {
      migration.start();
      assertThat(value(target, "SELECT count(*) FROM ce.orders")).isEqualTo(Long.toString(expectedCopied));
      assertThat(value(target, "SELECT count(*) FROM baton.quarantine WHERE migration = 'celx'"))
          .isEqualTo(Long.toString(expectedQuarantined));
      assertThat(query(target, ACTUAL)).as("the bulk copy wrote spec(source)").isEqualTo(query(source, EXPECTED));
      assertThat(value(target, "SELECT tiny::text FROM ce.orders WHERE id = 1")).isEqualTo("3.5333333333333336e-05");

      exec(source, """
          INSERT INTO ce.orders VALUES (5001, 'new', 12.34, 3, 'Ada', 'Lovelace', '10/12/2015'),
            (5002, 'test', 1.00, 1, 'Test', 'Row', '01/01/2020'), (5003, 'new', 1.00, 0, 'No', 'Quantity', '01/01/2020');
          UPDATE ce.orders SET status = 'test' WHERE id = 1;
          UPDATE ce.orders SET status = 'new' WHERE id = 20;
          UPDATE ce.orders SET price = price + 1 WHERE id BETWEEN 100 AND 160;
          DELETE FROM ce.orders WHERE id BETWEEN 200 AND 210;
          """);
      migration.catchUp();
      assertThat(query(target, ACTUAL)).as("the stream wrote spec(source)").isEqualTo(query(source, EXPECTED));
      assertThat(value(target, "SELECT full_name || ' ' || total FROM ce.orders WHERE id = 5001")).isEqualTo("Ada LOVELACE 37.02");
      assertThat(value(target, "SELECT is_generated || ' ' || generation_expression FROM information_schema.columns"
          + " WHERE table_schema = 'ce' AND table_name = 'orders' AND column_name = 'line_total'"))
          .as("a generated column is created generated: the target computes it").isEqualTo("ALWAYS (price * (qty)::numeric)");
      assertThat(value(target, "SELECT count(*) FROM ce.orders WHERE line_total IS DISTINCT FROM price * qty")).isEqualTo("0");
      assertThat(query(target, "SELECT count(*) FROM ce.orders WHERE id IN (1, 5002, 5003)")).containsExactly("0");
      assertThat(value(target, "SELECT rule FROM baton.quarantine WHERE source_key = '{\"id\":\"5003\"}'"))
          .isEqualTo("validate cel 'row.qty > 0 || row.status == 'refund''");

      assertThat(migration.verify()).singleElement().satisfies(c -> assertThat(c.equal()).as(c.toString()).isTrue());
      assertThat(migration.verifyLive(LiveVerifier.Settings.DEFAULTS)).allSatisfy(c -> assertThat(c.equal()).isTrue());
      exec(target, "SET session_replication_role = replica; UPDATE ce.orders SET third = third + 1 WHERE id = 2");
      assertThat(migration.verify()).singleElement().satisfies(c -> {
        assertThat(c.equal()).isFalse();
        assertThat(c.mismatchedRows()).isEqualTo(1);
      });
      exec(target, "SET session_replication_role = replica; UPDATE ce.orders SET third = third - 1 WHERE id = 2");
    }

    Path report = work.resolve("report.json");
    CliRun validation = CliRun.of("report", "--spec", specFile.toString(), "--source", source.toString(), "--target",
        target.toString(), "--json", report.toString());
    JsonNode table = new ObjectMapper().readTree(report.toFile()).path("tables").get(0);
    long sourceRows = Long.parseLong(value(source, "SELECT count(*) FROM ce.orders"));
    assertThat(table.path("source_rows").asLong()).isEqualTo(sourceRows);
    assertThat(table.path("expected_variance").path("filtered").asLong())
        .isEqualTo(Long.parseLong(value(source, "SELECT count(*) FROM ce.orders WHERE status = 'test'")));
    assertThat(table.path("actual_variance").asLong()).isEqualTo(table.path("expected_variance").path("total").asLong());
    assertThat(validation.code()).as(validation.out() + validation.err()).isZero();
    assertThat(List.of(table.path("result").asText())).containsExactly("passed");
  }
}
