package io.baton.cli;

import static io.baton.cli.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.pg.TableInfo;
import io.baton.reconciler.CheckResult;
import io.baton.reconciler.Reconciler;
import io.baton.reconciler.RowDifference;
import io.baton.reconciler.RowDifference.ColumnDifference;
import io.baton.reconciler.RowDifference.Kind;
import io.baton.reconciler.TableComparison;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import io.baton.spec.SpecLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults put straight into the target (a changed value, a deleted row, an extra row, NULL turned
 * into an empty string, a changed value in a TOASTed column) are each found by one reconciler pass
 * and reported by row and column, through the spec's table and column renames; {@code baton
 * reconcile --output json} prints the same and exits with 1 (0 before the faults), and {@code --repair}
 * mends exactly those rows, after which a pass is clean. In a table without a key, every surplus
 * copy of a row on either side counts.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class ReconcileFaultsIT {
  private static final String SPEC = """
      name: faults
      tables:
        - source: public.accounts
          target: public.ledger
          columns:
            balance: { rename: amount }
      """;
  private static final String TABLE = """
      CREATE TABLE %s (id int PRIMARY KEY, %s numeric(10,2), note text, doc text);
      INSERT INTO %s SELECT g, g, CASE WHEN g %% 2 = 0 THEN 'even' END,
        (SELECT string_agg(md5((g * 1000 + i)::text), '') FROM generate_series(1, 200) i)
        FROM generate_series(1, 1000) g;
      """;

  private static final String DECLARED = """
      name: declared
      tables:
        - source: public.orders
          target: public.sales
          columns:
            total: { rename: amount }
          checks:
            aggregates:
              - groupBy: [region]
                sum: [total]
                max: [placed]
              - sum: [total]
            sampleRows: 500
      """;

  @TempDir
  Path work;

  @Test
  void shouldReportEachInjectedFaultByRowAndColumn(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, TABLE.formatted("accounts", "balance", "accounts"));
    exec(target, TABLE.formatted("ledger", "amount", "ledger"));
    MigrationSpec spec = new SpecLoader().parse(SPEC, "faults.yaml");
    Map<TableInfo, RowTransform> tables = ReconcileCommand.tables(source, spec);
    assertThat(Reconciler.compare(source, target, tables)).singleElement().satisfies(c -> assertThat(c.equal()).isTrue());
    Path specFile = Files.writeString(work.resolve("faults.yaml"), SPEC);
    String[] reconcile = {"reconcile", "--spec", specFile.toString(), "--source", source.toString(), "--target",
        target.toString(), "--output", "json"};
    assertThat(stdoutOf(reconcile)).as("exit code and output of an equal pass").startsWith("0 {").contains("\"equal\" : true");

    exec(target, """
        UPDATE ledger SET amount = 6 WHERE id = 5;
        DELETE FROM ledger WHERE id = 3;
        INSERT INTO ledger VALUES (1001, 1, NULL, 'extra');
        UPDATE ledger SET note = '' WHERE id = 7;
        UPDATE ledger SET doc = overlay(doc placing 'X' from 5000) WHERE id = 9;
        """);
    TableComparison c = Reconciler.compare(source, target, tables).get(0);

    assertThat(c.equal()).isFalse();
    assertThat(c.mismatchedRows()).isEqualTo(5);
    assertThat(c.differences()).extracting(RowDifference::kind, d -> d.key().get("id")).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple(Kind.MISSING_IN_TARGET, "3"),
        org.assertj.core.groups.Tuple.tuple(Kind.EXTRA_IN_TARGET, "1001"),
        org.assertj.core.groups.Tuple.tuple(Kind.DIFFERING, "5"),
        org.assertj.core.groups.Tuple.tuple(Kind.DIFFERING, "7"),
        org.assertj.core.groups.Tuple.tuple(Kind.DIFFERING, "9"));
    assertThat(columnsOf(c, "5")).containsExactly(new ColumnDifference("balance", "5.00", "6.00"));
    assertThat(columnsOf(c, "7")).containsExactly(new ColumnDifference("note", null, ""));
    assertThat(columnsOf(c, "9")).singleElement().satisfies(d -> {
      assertThat(d.column()).isEqualTo("doc");
      assertThat(d.sourceValue()).startsWith("(from character 4980) ...").endsWith("... (6400 characters)");
      assertThat(d.targetValue()).startsWith("(from character 4980) ...").contains("X").endsWith("... (6400 characters)");
    });
    assertThat(c.differences()).extracting(d -> d.key().get("id")).as("key text in byte order")
        .containsExactly("1001", "3", "5", "7", "9");

    String[] asText = reconcile.clone();
    asText[asText.length - 1] = "text";
    assertThat(stdoutOf(asText)).startsWith("1 public.accounts -> public.ledger: 1,000 / 1,000 rows, 5 rows differ")
        .contains("  differing: key {id=5} [balance '5.00' on the source, '6.00' on the target]")
        .contains("  missing in target: key {id=3}").endsWith("DIFFERENT" + System.lineSeparator());

    String out = stdoutOf(reconcile);
    assertThat(out).startsWith("1 {");
    JsonNode json = new ObjectMapper().readTree(out.substring(2));
    assertThat(json.get("equal").asBoolean()).isFalse();
    JsonNode table = json.get("tables").get(0);
    assertThat(table.get("mismatched_rows").asLong()).isEqualTo(5);
    assertThat(table.get("differences")).hasSize(5);
    assertThat(table.get("differences").get(3).toString()).isEqualTo(
        "{\"kind\":\"DIFFERING\",\"key\":{\"id\":\"7\"},\"columns\":[{\"column\":\"note\",\"source\":null,\"target\":\"\"}]}");

    String[] repair = java.util.Arrays.copyOf(reconcile, reconcile.length + 1);
    repair[repair.length - 1] = "--repair";
    String repaired = stdoutOf(repair);
    assertThat(repaired).as("the pass after the repair decides").startsWith("0 {");
    assertThat(new ObjectMapper().readTree(repaired.substring(2)).get("repaired_rows").toString())
        .isEqualTo("{\"public.ledger\":5}");
    assertThat(Reconciler.compare(source, target, tables)).singleElement().satisfies(r -> assertThat(r.equal()).isTrue());
    assertThat(Db.query(target, "SELECT count(*) FROM ledger WHERE id IN (1001)")).containsExactly("0");
    assertThat(Db.query(target, "SELECT amount::text, note IS NULL FROM ledger WHERE id IN (5, 7) ORDER BY id"))
        .containsExactly("5.00|t", "7.00|t");
  }

  /** @return the exit code, a space, and what {@code baton} printed on standard output */
  private static String stdoutOf(String... args) {
    CliRun run = CliRun.of(args);
    return run.code() + " " + run.out();
  }

  @Test
  void shouldCountEachSurplusCopyOfARowInATableWithoutAKey(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    String table = """
        CREATE TABLE events (kind text, payload text);
        ALTER TABLE events REPLICA IDENTITY FULL;
        INSERT INTO events SELECT 'k' || (g %% 3), 'p' || (g %% 5) FROM generate_series(1, %d) g;
        """;
    exec(source, table.formatted(300));
    exec(target, table.formatted(300));
    MigrationSpec spec = new SpecLoader().parse("name: keyless\ntables:\n  - source: public.events\n", "keyless.yaml");
    Map<TableInfo, RowTransform> tables = ReconcileCommand.tables(source, spec);
    assertThat(Reconciler.compare(source, target, tables).get(0).equal()).isTrue();

    // each (kind, payload) pair is there 20 times: one copy lost, one doubled, one changed
    exec(target, """
        DELETE FROM events WHERE ctid = (SELECT ctid FROM events WHERE kind = 'k0' AND payload = 'p0' LIMIT 1);
        INSERT INTO events VALUES ('k1', 'p1');
        UPDATE events SET payload = NULL WHERE ctid = (SELECT ctid FROM events WHERE kind = 'k2' AND payload = 'p2' LIMIT 1);
        """);
    TableComparison c = Reconciler.compare(source, target, tables).get(0);

    assertThat(c.sourceRows()).isEqualTo(c.targetRows());
    assertThat(c.mismatchedRows()).as("lost, doubled, and changed (one missing, one extra)").isEqualTo(4);
    assertThat(c.differences()).extracting(RowDifference::kind, RowDifference::key).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple(Kind.MISSING_IN_TARGET, row("k0", "p0")),
        org.assertj.core.groups.Tuple.tuple(Kind.EXTRA_IN_TARGET, row("k1", "p1")),
        org.assertj.core.groups.Tuple.tuple(Kind.MISSING_IN_TARGET, row("k2", "p2")),
        org.assertj.core.groups.Tuple.tuple(Kind.EXTRA_IN_TARGET, row("k2", null)));
  }

  @Test
  void shouldRunTheChecksTheSpecDeclares(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    String table = """
        CREATE TABLE %s (id int PRIMARY KEY, region text, %s numeric(10,2), placed date);
        INSERT INTO %s SELECT g, 'r' || (g %% 4), g / 4.0, DATE '2026-01-01' + g FROM generate_series(1, 500) g;
        """;
    exec(source, table.formatted("orders", "total", "orders"));
    exec(target, table.formatted("sales", "amount", "sales"));
    MigrationSpec spec = new SpecLoader().parse(DECLARED, "declared.yaml");
    Map<TableInfo, RowTransform> tables = ReconcileCommand.tables(source, spec);
    assertThat(Reconciler.compare(source, target, tables).get(0).checks())
        .extracting(CheckResult::name, CheckResult::passed, CheckResult::compared).containsExactly(
            org.assertj.core.groups.Tuple.tuple("count, sum(total), max(placed) by region", true, 4L),
            org.assertj.core.groups.Tuple.tuple("count, sum(total) of the whole table", true, 1L),
            org.assertj.core.groups.Tuple.tuple("sample of 500 rows", true, 500L));

    Path specFile = Files.writeString(work.resolve("declared.yaml"), DECLARED);
    String[] report = {"report", "--spec", specFile.toString(), "--source", source.toString(), "--target", target.toString(),
        "--markdown", work.resolve("report.md").toString(), "--json", work.resolve("report.json").toString()};
    assertThat(stdoutOf(report)).isEqualTo("0 ");
    assertThat(Files.readString(work.resolve("report.md"))).contains("Status: **VALIDATED**")
        .contains("| public.orders → public.sales | 500 | 500 | 0 | 0 | equal | 0 | 3 of 3 passed | 0 | never | passed |");

    exec(target, "UPDATE sales SET amount = amount + 1 WHERE id = 42; DELETE FROM sales WHERE region = 'r3'");
    assertThat(stdoutOf(report)).isEqualTo("1 ");
    JsonNode failed = new ObjectMapper().readTree(work.resolve("report.json").toFile());
    assertThat(failed.get("status").asText()).isEqualTo("FAILED");
    assertThat(failed.get("tables").get(0).get("actual_variance").asLong()).isEqualTo(125);
    assertThat(failed.get("tables").get(0).get("checks").get(0).get("details").get(1).asText())
        .isEqualTo("group (r3) only on the source (count 125)");
    TableComparison c = Reconciler.compare(source, target, tables).get(0);
    assertThat(c.passed()).isFalse();
    assertThat(c.checks().get(0).differing()).isEqualTo(2);
    assertThat(c.checks().get(0).details()).containsExactly(
        "group (r2): sum(total) 7812.50 on the source, 7813.50 on the target",
        "group (r3) only on the source (count 125)");
    assertThat(c.checks().get(1).details()).singleElement().asString().startsWith("group (): count 500 on the source, 375");
    CheckResult sample = c.checks().get(2);
    assertThat(sample.differing()).isEqualTo(126);
    assertThat(sample.details()).hasSize(10).allSatisfy(d -> assertThat(d).matches(
        "key \\{id=\\d+}: missing in target|key \\{id=42}: total '10.50' on the source, '11.50' on the target"));
  }

  private static Map<String, String> row(String kind, String payload) {
    Map<String, String> r = new java.util.LinkedHashMap<>();
    r.put("kind", kind);
    r.put("payload", payload);
    return r;
  }

  private static List<ColumnDifference> columnsOf(TableComparison c, String id) {
    return c.differences().stream().filter(d -> d.key().get("id").equals(id)).findFirst().orElseThrow().columns();
  }

}
