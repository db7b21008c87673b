package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton run --dry-run} makes every check and prints the plan without writing anything
 * anywhere; with {@code schema: existing}, every way the target tables do not fit the spec is
 * reported at once; {@code baton profile} describes the source tables column by column.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class PlanIT {
  @TempDir
  Path work;

  @Test
  void shouldPrintThePlanAndWriteNothing(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, """
        CREATE TABLE orders (id int PRIMARY KEY, region text, total numeric(10,2), note text);
        INSERT INTO orders SELECT g, 'r' || (g % 4), g, 'n' FROM generate_series(1, 1000) g;
        ANALYZE orders;
        """);
    Path spec = Files.writeString(work.resolve("plan.yaml"), """
        name: plan
        tables:
          - source: public.orders
            target: sales.orders
            columns:
              total: { rename: amount }
              note: { drop: true }
            checks:
              aggregates:
                - { groupBy: [region], sum: [total] }
        """);
    CliRun run = CliRun.of("run", "--spec", spec.toString(), "--source", source.toString(), "--target", target.toString(),
        "--kafka", env.kafka().bootstrapServers(), "--dry-run");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("Plan of migration plan (dry run: nothing was written)")
        .contains("earlier run: none (a new migration)")
        .contains("public.orders -> sales.orders: about 1,000 rows, 1 snapshot chunk(s) of whole table")
        .contains("columns: total -> amount, note dropped; the other 2 as they are")
        .contains("topics: baton.plan.source.public.orders, baton.plan.target.sales.orders")
        .contains("rollback: rows written on the target reach the source without note (dropped)")
        .contains("checks: row counts and checksums; count, sum(total) by region")
        .contains("CREATE TABLE \"sales\".\"orders\" (\"id\" integer NOT NULL, \"region\" text,"
            + " \"amount\" numeric(10,2), PRIMARY KEY (\"id\"));");
    assertThat(value(target, "SELECT count(*) FROM pg_namespace WHERE nspname IN ('baton', 'sales')")).isEqualTo("0");
    assertThat(value(source, "SELECT count(*) FROM pg_replication_slots")).isEqualTo("0");
    assertThat(value(source, "SELECT count(*) FROM pg_publication")).isEqualTo("0");
  }

  @Test
  void shouldReportEveryWayAnExistingTargetDoesNotFit(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, "CREATE TABLE items (id int PRIMARY KEY, name varchar(40), qty integer, price numeric(10,2))");
    exec(target, "CREATE TABLE items (id int, name varchar(20), qty bigint, label text NOT NULL)");
    Path spec = Files.writeString(work.resolve("existing.yaml"), """
        name: existing
        schema: existing
        tables:
          - source: public.items
        """);
    CliRun run = CliRun.of("run", "--spec", spec.toString(), "--source", source.toString(), "--target", target.toString(),
        "--kafka", env.kafka().bootstrapServers(), "--dry-run");

    assertThat(run.code()).isEqualTo(BatonCli.ENVIRONMENT);
    assertThat(run.err()).contains("the target does not fit the spec:")
        .contains("spec tables[0].columns.name: column public.items.name is character varying(20) but the source's name arrives as"
            + " character varying(40), and not every value fits. Fix: ALTER TABLE \"public\".\"items\" ALTER COLUMN \"name\""
            + " TYPE character varying(40)")
        .contains("spec tables[0].columns.price: target table public.items has no column 'price'")
        .contains("spec tables[0]: target column public.items.label is NOT NULL without a default and no source column fills it")
        .contains("spec tables[0]: target table public.items has no primary key or unique index on (id)")
        .doesNotContain("columns.qty");
    assertThat(run.err().lines().filter(l -> l.startsWith("  - ")).count()).as(run.err()).isEqualTo(4);
  }

  @Test
  void shouldProfileTheSourceTablesColumnByColumn(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    exec(source, """
        CREATE TABLE people (id int PRIMARY KEY, code text, born date, spot point);
        INSERT INTO people SELECT g, CASE WHEN g % 10 = 0 THEN NULL WHEN g % 3 = 0 THEN 'XY-' || g ELSE 'AB-12' END,
          DATE '1990-01-01' + g, point(g, g) FROM generate_series(1, 300) g;
        ANALYZE people;
        """);
    Path spec = Files.writeString(work.resolve("profile.yaml"), "name: profile\ntables:\n  - source: public.people\n");
    Path json = work.resolve("profile.json");
    CliRun all = CliRun.of("profile", "--spec", spec.toString(), "--source", source.toString(), "--json", json.toString());
    assertThat(all.code()).as(all.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode table = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile())
        .get("tables").get(0);
    assertThat(table.get("profiled_rows").asLong()).isEqualTo(300);
    assertThat(table.get("sampled").asBoolean()).isFalse();
    com.fasterxml.jackson.databind.JsonNode code = table.get("columns").get(1);
    assertThat(code.get("nulls").asLong()).isEqualTo(30);
    assertThat(code.get("distinct").asLong()).as("AB-12 and the 90 XY- codes").isEqualTo(91);
    assertThat(code.get("common").get(0).toString()).isEqualTo("{\"value\":\"AB-12\",\"rows\":180}");
    assertThat(code.get("patterns").toString())
        .isEqualTo("[{\"value\":\"AA-99\",\"rows\":207},{\"value\":\"AA-999\",\"rows\":60},{\"value\":\"AA-9\",\"rows\":3}]");
    assertThat(code.get("min_length").asInt()).isEqualTo(4);
    com.fasterxml.jackson.databind.JsonNode born = table.get("columns").get(2);
    assertThat(born.get("min").asText()).isEqualTo("1990-01-02");
    assertThat(born.get("max").asText()).isEqualTo("1990-10-28");
    assertThat(table.get("columns").get(3).get("min").isNull()).as("point has no ordering").isTrue();

    CliRun sampled = CliRun.of("profile", "--spec", spec.toString(), "--source", source.toString(), "--sample-rows", "100");
    assertThat(sampled.code()).as(sampled.err()).isZero();
    assertThat(sampled.out()).startsWith("# Source profile: migration profile")
        .containsPattern("\\d+ rows profiled, a random sample of about 300 estimated rows")
        .contains("| code | text | ");
  }
}
