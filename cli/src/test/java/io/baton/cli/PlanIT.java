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
 * reported at once.
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
        .contains("spec tables[0].columns.name: column public.items.name is character varying(20) but the source's name is"
            + " character varying(40), and not every value fits. Fix: ALTER TABLE \"public\".\"items\" ALTER COLUMN \"name\""
            + " TYPE character varying(40)")
        .contains("spec tables[0].columns.price: target table public.items has no column 'price'")
        .contains("spec tables[0]: target column public.items.label is NOT NULL without a default and no source column fills it")
        .contains("spec tables[0]: target table public.items has no primary key or unique index on (id)")
        .doesNotContain("columns.qty");
    assertThat(run.err().lines().filter(l -> l.startsWith("  - ")).count()).as(run.err()).isEqualTo(4);
  }
}
