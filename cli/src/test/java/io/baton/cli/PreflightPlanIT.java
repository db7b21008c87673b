package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.embedded.EmbeddedEnvironmentOptions;
import io.baton.cutover.ReverseReadiness;
import io.baton.pg.Database;
import io.baton.pg.TableName;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton plan} on real servers: the inventory of a schema with one of everything the plan
 * looks for, the blocking risk of a table without a primary key and its fix, the estimates from a
 * measured copy, and that nothing is written on either side.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
@EmbeddedEnvironmentOptions(kafka = false, pgbouncer = false)
class PreflightPlanIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;

  @Test
  void shouldPlanFindTheBlockingRiskAndWriteNothing(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, """
        CREATE SCHEMA shop;
        -- the child first: neither name order nor creation order is the load order
        CREATE TABLE shop.child (id int PRIMARY KEY, parent_id int NOT NULL, note text);
        CREATE TABLE shop.parent (id int PRIMARY KEY, name text);
        ALTER TABLE shop.child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES shop.parent (id);
        CREATE TABLE shop.nokey (a int, b text);
        CREATE TABLE shop.ticket (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text);
        CREATE TABLE shop.line (id int PRIMARY KEY, qty int, price numeric(10,2),
          total numeric GENERATED ALWAYS AS (qty * price) STORED);
        CREATE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN NEW.name := coalesce(NEW.name, 'unnamed'); RETURN NEW; END $$;
        CREATE TRIGGER parent_touch BEFORE INSERT ON shop.parent FOR EACH ROW EXECUTE FUNCTION shop.touch();
        CREATE TABLE shop.event (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE shop.event_2024 PARTITION OF shop.event FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE shop.event_2025 PARTITION OF shop.event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE shop.doc (id int PRIMARY KEY, body text);
        CREATE TABLE shop.grid (id int PRIMARY KEY, cells int[][], opens timetz);
        INSERT INTO shop.parent SELECT g, 'parent ' || g FROM generate_series(1, 20000) g;
        INSERT INTO shop.child SELECT g, 1 + g % 20000, 'note' FROM generate_series(1, 5000) g;
        INSERT INTO shop.nokey SELECT g, 'b' FROM generate_series(1, 100) g;
        INSERT INTO shop.ticket (title) SELECT 't' || g FROM generate_series(1, 10) g;
        INSERT INTO shop.line SELECT g, g, 1.5 FROM generate_series(1, 10) g;
        INSERT INTO shop.event SELECT g, DATE '2024-06-01' + g FROM generate_series(1, 300) g;
        -- about 6 kB of hex per row: stored out of line in the TOAST table
        INSERT INTO shop.doc SELECT g, (SELECT string_agg(md5(g::text || '-' || i), '') FROM generate_series(1, 200) i)
          FROM generate_series(1, 50) g;
        INSERT INTO shop.grid VALUES (1, '{{1,2},{3,4}}', '10:00+02');
        ANALYZE;
        """);
    Path spec = Files.writeString(work.resolve("preflight.yaml"), """
        name: preflight
        tables:
          - source: shop.child
          - source: shop.parent
          - source: shop.nokey
          - source: shop.ticket
          - source: shop.line
            columns:
              total: { drop: true }
          - source: shop.event
          - source: shop.doc
          - source: shop.grid
        """);
    List<String> sourceBefore = footprint(source);
    List<String> targetBefore = footprint(target);
    Path json = work.resolve("plan.json");
    Path markdown = work.resolve("plan.md");

    CliRun run = CliRun.of("plan", "--spec", spec.toString(), "--source", source.toString(), "--target", target.toString(),
        "--json", json.toString(), "--markdown", markdown.toString(), "--sample-seconds", "1");

    assertThat(run.code()).as(run.err()).isEqualTo(BatonCli.CHECK_FAILED);
    assertThat(run.err()).contains("baton: 1 blocking risk; fix it before baton run:")
        .contains("replica-identity/shop.nokey: shop.nokey has no primary key and REPLICA IDENTITY DEFAULT")
        .contains("Fix: ALTER TABLE \"shop\".\"nokey\" REPLICA IDENTITY FULL;");
    JsonNode plan = JSON.readTree(json.toFile());
    assertThat(plan.get("verdict").asText()).isEqualTo("blocked");
    assertThat(plan.get("blocking").asInt()).as("one blocking risk, named once").isEqualTo(1);
    JsonNode blocking = risk(plan, "replica-identity/shop.nokey");
    assertThat(blocking.get("severity").asText()).isEqualTo("blocking");
    assertThat(blocking.get("likelihood").asText()).isEqualTo("certain");
    assertThat(blocking.get("mitigation").asText()).startsWith("ALTER TABLE \"shop\".\"nokey\" REPLICA IDENTITY FULL;");

    List<String> order = strings(plan.get("load_order"));
    assertThat(order).hasSize(8).contains("shop.parent", "shop.child");
    assertThat(order.indexOf("shop.parent")).as("parent before child: %s", order).isLessThan(order.indexOf("shop.child"));
    assertThat(plan.get("cycles")).isEmpty();

    JsonNode child = table(plan, "shop.child");
    assertThat(child.get("foreign_keys").get(0).get("name").asText()).isEqualTo("child_parent_fk");
    assertThat(child.get("foreign_keys").get(0).get("references").asText()).isEqualTo("shop.parent");
    assertThat(child.get("foreign_keys").get(0).get("in_scope").asBoolean()).isTrue();
    JsonNode parent = table(plan, "shop.parent");
    assertThat(parent.get("estimated_rows").asLong()).isEqualTo(20000);
    assertThat(parent.get("heap_bytes").asLong()).isPositive();
    assertThat(parent.get("total_bytes").asLong()).isGreaterThan(parent.get("heap_bytes").asLong());
    assertThat(parent.get("triggers").get(0).get("name").asText()).isEqualTo("parent_touch");
    assertThat(parent.get("triggers").get(0).get("state").asText()).isEqualTo("enabled");
    JsonNode nokey = table(plan, "shop.nokey");
    assertThat(nokey.get("primary_key")).isEmpty();
    assertThat(nokey.get("replica_identity").asText()).isEqualTo("default");
    JsonNode ticket = table(plan, "shop.ticket").get("sequences").get(0);
    assertThat(ticket.get("column").asText()).isEqualTo("id");
    assertThat(ticket.get("identity").asText()).isEqualTo("always");
    assertThat(ticket.get("owned").asBoolean()).isTrue();
    JsonNode generated = table(plan, "shop.line").get("generated_columns").get(0);
    assertThat(generated.get("column").asText()).isEqualTo("total");
    assertThat(generated.get("expression").asText()).contains("qty").contains("price");
    assertThat(generated.get("dropped_by_spec").asBoolean()).isTrue();
    JsonNode event = table(plan, "shop.event");
    assertThat(event.get("kind").asText()).isEqualTo("partitioned");
    assertThat(strings(event.get("partitions"))).containsExactly("shop.event_2024", "shop.event_2025");
    assertThat(event.get("estimated_rows").asLong()).isEqualTo(300);
    assertThat(risk(plan, "partitioned/shop.event").get("severity").asText()).isEqualTo("medium");
    JsonNode doc = table(plan, "shop.doc");
    assertThat(strings(doc.get("toastable_columns"))).containsExactly("body");
    assertThat(doc.get("toast_bytes").asLong()).as("the bodies were stored out of line").isGreaterThan(8192);
    JsonNode grid = table(plan, "shop.grid");
    assertThat(grid.get("type_issues").toString())
        .contains("{\"column\":\"cells\",\"type\":\"integer[]\",\"kind\":\"multidimensional_array\"}")
        .contains("{\"column\":\"opens\",\"type\":\"time with time zone\",\"kind\":\"timetz\"}");
    assertThat(risk(plan, "type/shop.grid.cells").get("severity").asText()).isEqualTo("high");
    JsonNode plpgsql = StreamSupport.stream(plan.get("extensions").spliterator(), false)
        .filter(e -> e.get("name").asText().equals("plpgsql")).findFirst().orElseThrow();
    assertThat(plpgsql.get("target_version").asText()).isEqualTo(plpgsql.get("source_version").asText());

    assertThat(plan.get("source").get("wal_level").asText()).isEqualTo("logical");
    assertThat(plan.get("source").get("free_replication_slots").asInt()).isPositive();
    assertThat(plan.get("target").get("can_set_replica_role").asBoolean()).isTrue();
    JsonNode estimates = plan.get("estimates");
    JsonNode sample = estimates.get("copy_sample");
    assertThat(sample.get("table").asText()).as("the largest table").isEqualTo("shop.parent");
    assertThat(sample.get("rows").asLong()).isEqualTo(20000);
    assertThat(sample.get("bytes_per_second").asDouble()).isPositive();
    assertThat(estimates.get("copy_seconds").asDouble()).isPositive();
    assertThat(estimates.get("parallel_copy_seconds").asDouble()).isPositive()
        .isLessThanOrEqualTo(estimates.get("copy_seconds").asDouble());
    assertThat(estimates.get("wal_bytes_per_second").isNumber()).as("sampled").isTrue();
    assertThat(estimates.get("wal_during_copy_bytes").isNumber()).isTrue();
    assertThat(estimates.get("target_disk_bytes").asLong())
        .isGreaterThanOrEqualTo((long) (estimates.get("total_bytes").asLong() * 1.2));
    assertThat(plan.get("point_of_no_return").asText()).startsWith("baton finalize is the point of no return");

    assertThat(run.out()).startsWith("Preflight plan of migration preflight (read-only: nothing was written)")
        .contains("load order (parents first): ")
        .contains("5. Point of no return")
        .contains("baton finalize is the point of no return");
    String md = Files.readString(markdown);
    assertThat(md).startsWith("# Preflight plan: migration preflight")
        .contains("## 5. Point of no return")
        .contains("`replica-identity/shop.nokey`");

    assertThat(footprint(source)).as("nothing written on the source").isEqualTo(sourceBefore);
    assertThat(footprint(target)).as("nothing written on the target").isEqualTo(targetBefore);

    exec(source, "ALTER TABLE shop.nokey REPLICA IDENTITY FULL");
    CliRun fixed = CliRun.of("plan", "--spec", spec.toString(), "--source", source.toString(), "--target",
        target.toString(), "--output", "json", "--sample-seconds", "0");
    assertThat(fixed.code()).as(fixed.err()).isZero();
    assertThat(fixed.err()).doesNotContain("blocking risk");
    JsonNode after = JSON.readTree(fixed.out());
    assertThat(after.get("verdict").asText()).isEqualTo("ok");
    assertThat(risk(after, "replica-identity/shop.nokey").get("severity").asText())
        .as("no primary key but FULL: works, slower").isEqualTo("medium");
    assertThat(after.get("estimates").get("wal_bytes_per_second").isNull()).as("not sampled").isTrue();
    assertThat(footprint(source)).isEqualTo(sourceBefore);
    assertThat(footprint(target)).isEqualTo(targetBefore);
  }

  @Test
  void shouldReadTheExistingTargetTablesAndTheirTriggers(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, "CREATE SCHEMA ready; CREATE TABLE ready.item (id int PRIMARY KEY, name text)");
    exec(target, """
        CREATE SCHEMA ready;
        CREATE TABLE ready.item (id int PRIMARY KEY, name text);
        CREATE FUNCTION ready.stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER item_stamp BEFORE INSERT ON ready.item FOR EACH ROW EXECUTE FUNCTION ready.stamp();
        ALTER TABLE ready.item ENABLE ALWAYS TRIGGER item_stamp;
        """);
    Path spec = Files.writeString(work.resolve("ready.yaml"), "name: ready\nschema: existing\ntables:\n  - source: ready.item\n");
    List<String> targetBefore = footprint(target);
    CliRun run = CliRun.of("plan", "--spec", spec.toString(), "--source", source.toString(), "--target", target.toString(),
        "--output", "json", "--sample-seconds", "0");
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode plan = JSON.readTree(run.out());
    assertThat(plan.get("schema_mode").asText()).isEqualTo("existing");
    assertThat(plan.get("earlier_run").isNull()).isTrue();
    JsonNode item = table(plan, "ready.item").get("target_table");
    assertThat(item.get("insert").asBoolean() && item.get("update").asBoolean() && item.get("delete").asBoolean()).isTrue();
    assertThat(item.get("triggers").get(0).get("name").asText()).isEqualTo("item_stamp");
    assertThat(item.get("triggers").get(0).get("state").asText()).isEqualTo("enabled always");
    assertThat(risk(plan, "trigger-fires-on-apply/ready.item").get("mitigation").asText())
        .startsWith("ALTER TABLE \"ready\".\"item\" ENABLE TRIGGER \"item_stamp\";");
    assertThat(plan.get("check_problems")).as("the target fits the spec").isEmpty();
    assertThat(item.get("owned_by_user").asBoolean()).isTrue();
    assertThat(ids(plan)).doesNotContain("reverse-publication-owner");

    // a user that may write the table but does not own it cannot put it in the reverse publication
    exec(target, """
        CREATE ROLE ready_owner NOLOGIN;
        ALTER TABLE ready.item OWNER TO ready_owner;
        CREATE ROLE ready_user LOGIN;
        GRANT USAGE ON SCHEMA ready TO ready_user;
        GRANT INSERT, UPDATE, DELETE, TRUNCATE ON ready.item TO ready_user;
        """);
    Database notOwner = Database.parse("postgresql://ready_user@" + target.host() + ":" + target.port() + "/"
        + target.database(), null);
    JsonNode byUser = JSON.readTree(CliRun.of("plan", "--spec", spec.toString(), "--source", source.toString(), "--target",
        notOwner.toString(), "--output", "json", "--sample-seconds", "0").out());
    JsonNode notOwned = table(byUser, "ready.item").get("target_table");
    assertThat(notOwned.get("owner").asText()).isEqualTo("ready_owner");
    assertThat(notOwned.get("owned_by_user").asBoolean()).isFalse();
    String grant = risk(byUser, "reverse-publication-owner").get("mitigation").asText();
    assertThat(grant).isEqualTo("on the target, as a superuser: GRANT \"ready_owner\" TO \"ready_user\";");
    assertThat(ReverseReadiness.problems(notOwner, List.of(new TableName("ready", "item")))).as("the reverse gate")
        .anyMatch(p -> p.startsWith("user ready_user does not own table \"ready\".\"item\"") && p.contains(
            "(GRANT \"ready_owner\" TO \"ready_user\")"));
    exec(target, grant.substring(grant.indexOf("GRANT")));
    assertThat(ReverseReadiness.problems(notOwner, List.of(new TableName("ready", "item")))).as("the reverse gate")
        .noneMatch(p -> p.contains("does not own"));
    JsonNode granted = JSON.readTree(CliRun.of("plan", "--spec", spec.toString(), "--source", source.toString(), "--target",
        notOwner.toString(), "--output", "json", "--sample-seconds", "0").out());
    assertThat(table(granted, "ready.item").get("target_table").get("owned_by_user").asBoolean()).isTrue();
    assertThat(ids(granted)).doesNotContain("reverse-publication-owner");
    exec(target, "ALTER TABLE ready.item OWNER TO " + target.user() + "; DROP OWNED BY ready_user; DROP ROLE ready_user;"
        + " DROP ROLE ready_owner");

    exec(target, "ALTER TABLE ready.item DROP COLUMN name");
    CliRun misfit = CliRun.of("plan", "--spec", spec.toString(), "--source", source.toString(), "--target",
        target.toString(), "--output", "json", "--sample-seconds", "0");
    assertThat(misfit.code()).as(misfit.err()).isEqualTo(BatonCli.CHECK_FAILED);
    assertThat(misfit.err()).contains("baton-run-check/1: spec tables[0].columns.name: target table ready.item has no column"
        + " 'name'");
    assertThat(footprint(target)).isEqualTo(targetBefore);
  }

  @Test
  void shouldExitWithTwoOnABadSpecAndThreeWhenADatabaseIsUnreachable(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Path bad = Files.writeString(work.resolve("bad.yaml"), "name: bad\ntables:\n  - source: public.t\n    colums: {}\n");
    CliRun badSpec = CliRun.of("plan", "--spec", bad.toString(), "--source", source.toString(), "--target",
        source.toString());
    assertThat(badSpec.code()).as(badSpec.err()).isEqualTo(BatonCli.BAD_INPUT);
    assertThat(badSpec.err()).contains("colums");

    exec(source, "CREATE TABLE IF NOT EXISTS public.t (id int PRIMARY KEY)");
    Path good = Files.writeString(work.resolve("good.yaml"), "name: good\ntables:\n  - source: public.t\n");
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    CliRun unreachable = CliRun.of("plan", "--spec", good.toString(), "--source", source.toString(), "--target",
        "postgresql://nobody@127.0.0.1:" + closed + "/app", "--sample-seconds", "0");
    assertThat(unreachable.code()).as(unreachable.err()).isEqualTo(BatonCli.ENVIRONMENT);
    assertThat(unreachable.err()).contains("cannot connect to postgresql://nobody@127.0.0.1:" + closed + "/app");
  }

  @Test
  void shouldOpenSessionsThatPostgresqlKeepsFromWriting(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    try (Connection c = io.baton.cli.plan.ReadOnlySession.open(source); Statement st = c.createStatement()) {
      assertThatThrownBy(() -> st.execute("CREATE TABLE public.written_by_plan (id int)"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as("read_only_sql_transaction").isEqualTo("25006"));
      c.rollback();
      c.setAutoCommit(true);
      assertThatThrownBy(() -> st.execute("CREATE SCHEMA written_by_plan"))
          .as("still read-only in auto-commit: the session's default").isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
    }
    assertThat(query(source, "SELECT 1 FROM pg_class WHERE relname = 'written_by_plan'")).isEmpty();
    assertThat(query(source, "SELECT 1 FROM pg_namespace WHERE nspname = 'written_by_plan'")).isEmpty();
  }

  /** @return what the plan must not change: slots, publications, schemas and tables, each as a line */
  private static List<String> footprint(Database db) throws Exception {
    List<String> rows = new ArrayList<>();
    rows.addAll(query(db, "SELECT 'slot ' || slot_name FROM pg_replication_slots ORDER BY 1"));
    rows.addAll(query(db, "SELECT 'publication ' || pubname FROM pg_publication ORDER BY 1"));
    rows.addAll(query(db, "SELECT 'schema ' || nspname FROM pg_namespace ORDER BY 1"));
    rows.addAll(query(db, "SELECT 'table ' || table_schema || '.' || table_name FROM information_schema.tables ORDER BY 1"));
    return rows;
  }

  private static JsonNode table(JsonNode plan, String source) {
    return StreamSupport.stream(plan.get("tables").spliterator(), false)
        .filter(t -> t.get("source").asText().equals(source)).findFirst()
        .orElseThrow(() -> new AssertionError("no table " + source + " in the plan"));
  }

  private static List<String> ids(JsonNode plan) {
    return StreamSupport.stream(plan.get("risks").spliterator(), false).map(r -> r.get("id").asText()).toList();
  }

  private static JsonNode risk(JsonNode plan, String id) {
    return StreamSupport.stream(plan.get("risks").spliterator(), false)
        .filter(r -> r.get("id").asText().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no risk " + id + " in " + plan.get("risks")));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
