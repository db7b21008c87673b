package io.baton.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.cli.plan.PreflightPlan.Extension;
import io.baton.cli.plan.PreflightPlan.ForeignKey;
import io.baton.cli.plan.PreflightPlan.GeneratedColumn;
import io.baton.cli.plan.PreflightPlan.Likelihood;
import io.baton.cli.plan.PreflightPlan.Risk;
import io.baton.cli.plan.PreflightPlan.SequenceUse;
import io.baton.cli.plan.PreflightPlan.Severity;
import io.baton.cli.plan.PreflightPlan.TargetTable;
import io.baton.cli.plan.PreflightPlan.Trigger;
import io.baton.cli.plan.PreflightPlan.TypeIssue;
import io.baton.cli.plan.PreflightPlan.TypeIssueKind;
import io.baton.pg.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class RisksTest {
  private static Risk risk(PreflightPlan plan, String id) {
    return plan.risks().stream().filter(r -> r.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no risk " + id + " in " + plan.risks().stream().map(Risk::id).toList()));
  }

  private static List<String> ids(PreflightPlan plan) {
    return plan.risks().stream().map(Risk::id).toList();
  }

  @Test
  void shouldFindOnlyTheAlwaysPresentRisksInAHealthyPlan() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.orders");
    PreflightPlan plan = p.judged();
    assertThat(ids(plan)).containsExactly("ddl", "slot-wal-unbounded", "target-disk");
    assertThat(plan.blocking()).isEmpty();
    assertThat(risk(plan, "ddl").severity()).isEqualTo(Severity.MEDIUM);
    assertThat(risk(plan, "ddl").likelihood()).isEqualTo(Likelihood.POSSIBLE);
    assertThat(risk(plan, "slot-wal-unbounded").severity()).as("small WAL estimate").isEqualTo(Severity.LOW);
  }

  @Test
  void shouldBlockATableWithoutPrimaryKeyUnlessItsIdentityIsFull() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    PlanFixtures.Table t = p.table("shop.\"Audit Log\"");
    t.primaryKey.clear();
    Risk blocking = risk(p.judged(), "replica-identity/shop.Audit Log");
    assertThat(blocking.severity()).isEqualTo(Severity.BLOCKING);
    assertThat(blocking.likelihood()).isEqualTo(Likelihood.CERTAIN);
    assertThat(blocking.what()).contains("no primary key and REPLICA IDENTITY DEFAULT").contains("refuses its UPDATE and DELETE");
    assertThat(blocking.mitigation()).startsWith("ALTER TABLE \"shop\".\"Audit Log\" REPLICA IDENTITY FULL;");
    assertThat(blocking.reference()).contains("29.1 Publication").contains("REPLICA IDENTITY");

    t.identity = 'i';
    t.identityIndex = "audit_uq";
    assertThat(risk(p.judged(), "replica-identity/shop.Audit Log").severity()).isEqualTo(Severity.BLOCKING);

    t.identity = 'f';
    Risk full = risk(p.judged(), "replica-identity/shop.Audit Log");
    assertThat(full.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(full.what()).contains("slower");
    assertThat(p.judged().blocking()).isEmpty();
  }

  @Test
  void shouldBlockReplicaIdentityNothingAndSuggestDefaultWhenThereIsAKey() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.orders").identity = 'n';
    Risk r = risk(p.judged(), "replica-identity/public.orders");
    assertThat(r.severity()).isEqualTo(Severity.BLOCKING);
    assertThat(r.mitigation()).isEqualTo("ALTER TABLE \"public\".\"orders\" REPLICA IDENTITY DEFAULT;");
  }

  @Test
  void shouldBlockOnSourceSettingsAndRights() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.orders").select = false;
    p.source.walLevel = "replica";
    p.source.slotsUsed = 10;
    p.source.sendersUsed = 10;
    p.source.replication = false;
    PreflightPlan plan = p.judged();
    assertThat(risk(plan, "wal-level").mitigation()).startsWith("on the source: ALTER SYSTEM SET wal_level = logical;")
        .contains("restart");
    assertThat(risk(plan, "replication-slots").mitigation()).contains("ALTER SYSTEM SET max_replication_slots = 11;");
    assertThat(risk(plan, "wal-senders").what()).contains("10 of max_wal_senders = 10");
    assertThat(risk(plan, "replication-privilege").mitigation()).contains("ALTER ROLE \"app\" REPLICATION;");
    assertThat(risk(plan, "select-privilege").mitigation())
        .isEqualTo("on the source: GRANT SELECT ON TABLE \"public\".\"orders\" TO \"app\";");
    assertThat(plan.blocking()).extracting(Risk::id)
        .containsExactlyInAnyOrder("wal-level", "replication-slots", "wal-senders", "replication-privilege", "select-privilege");
    assertThat(plan.risks().get(0).severity()).as("most severe first").isEqualTo(Severity.BLOCKING);
  }

  @Test
  void shouldNameTheGrantForTheReplicaRoleByVersion() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.orders");
    p.target.replicaRole = false;
    assertThat(risk(p.judged(), "replica-role/target").mitigation())
        .isEqualTo("on the target, as a superuser: GRANT SET ON PARAMETER session_replication_role TO \"app\";");
    p.target.versionNum = 140011;
    assertThat(risk(p.judged(), "replica-role/target").mitigation()).contains("ALTER ROLE \"app\" SUPERUSER;");
    p.source.replicaRole = false;
    assertThat(risk(p.judged(), "replica-role/source").severity()).isEqualTo(Severity.BLOCKING);
  }

  @Test
  void shouldAskForOwnershipAndCreateToPublish() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    PlanFixtures.Table t = p.table("public.orders");
    t.owned = false;
    t.owner = "owner role";
    p.source.createInDatabase = false;
    Risk r = risk(p.judged(), "publication-privilege");
    assertThat(r.severity()).isEqualTo(Severity.BLOCKING);
    assertThat(r.mitigation()).contains("GRANT CREATE ON DATABASE \"shop\" TO \"app\";")
        .contains("GRANT \"owner role\" TO \"app\";");
    p.source.superuser = true;
    assertThat(ids(p.judged())).doesNotContain("publication-privilege");
  }

  @Test
  void shouldBlockWhenTheTargetCannotBeWritten() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.orders").targetTable = new TargetTable(true, false, true, true, "app", true, List.of());
    p.target.schemas = List.of(new PreflightPlan.SchemaAccess("public", true, false, "tables"),
        new PreflightPlan.SchemaAccess("baton", false, false, "state"));
    p.target.createInDatabase = false;
    PreflightPlan plan = p.judged();
    assertThat(risk(plan, "target-write/public.orders").mitigation())
        .isEqualTo("on the target: GRANT UPDATE ON TABLE \"public\".\"orders\" TO \"app\";");
    assertThat(risk(plan, "target-create").mitigation())
        .isEqualTo("on the target: GRANT CREATE ON SCHEMA \"public\" TO \"app\"; GRANT CREATE ON DATABASE \"shop\" TO \"app\";");
    p.table("public.items").targetTable = new TargetTable(true, true, true, false, "app", true, List.of());
    assertThat(risk(p.judged(), "target-write/public.items").severity()).as("TRUNCATE only").isEqualTo(Severity.MEDIUM);
  }

  @Test
  void shouldRateTypesBatonCannotCarry() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    PlanFixtures.Table t = p.table("public.grid");
    t.types.add(new TypeIssue("cells", "integer[]", TypeIssueKind.MULTIDIMENSIONAL_ARRAY));
    t.types.add(new TypeIssue("opens", "time with time zone", TypeIssueKind.TIMETZ));
    t.types.add(new TypeIssue("at", "timestamp with time zone", TypeIssueKind.TIMESTAMP_RANGE));
    t.types.add(new TypeIssue("seen", "timestamp without time zone", TypeIssueKind.TIMESTAMP_RANGE));
    PreflightPlan plan = p.judged();
    assertThat(risk(plan, "type/public.grid.cells").severity()).isEqualTo(Severity.HIGH);
    assertThat(risk(plan, "type/public.grid.cells").mitigation())
        .contains("ALTER TABLE \"public\".\"grid\" ALTER COLUMN \"cells\" TYPE jsonb USING to_jsonb(\"cells\")")
        .contains("baton reconcile --repair");
    assertThat(risk(plan, "type/public.grid.opens").what()).contains("UTC");
    Risk range = risk(plan, "type-range/public.grid");
    assertThat(range.severity()).isEqualTo(Severity.LOW);
    assertThat(range.mitigation())
        .isEqualTo("check on the source: SELECT count(*) FROM \"public\".\"grid\" WHERE \"at\" >= '294247-01-01' OR"
            + " \"seen\" >= '294247-01-01';");
  }

  @Test
  void shouldNameWhoComputesAGeneratedColumnOnTheTarget() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.line").generated.add(new GeneratedColumn("total", "numeric", "(qty * price)", false));
    Risk r = risk(p.judged(), "generated-column/public.line.total");
    assertThat(r.severity()).as("schema: create makes it generated on the target").isEqualTo(Severity.LOW);
    assertThat(r.what()).contains("GENERATED ALWAYS AS ((qty * price)) STORED");
    assertThat(r.mitigation()).contains("tables[].columns.total: { drop: true }")
        .contains("ALTER TABLE \"public\".\"line\" ADD COLUMN \"total\" numeric GENERATED ALWAYS AS (qty * price) STORED;");
    p.schemaMode = "existing";
    assertThat(risk(p.judged(), "generated-column/public.line.total").severity()).isEqualTo(Severity.HIGH);
    p.tables.get(0).generated.set(0, new GeneratedColumn("total", "numeric", "(qty * price)", true));
    assertThat(risk(p.judged(), "generated-column/public.line.total").severity()).isEqualTo(Severity.LOW);
  }

  @Test
  void shouldSayWhichTriggersFireDuringTheApply() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    PlanFixtures.Table t = p.table("public.orders");
    t.triggers.add(new Trigger("audit", 'O', "CREATE TRIGGER audit AFTER INSERT ON public.orders FOR EACH ROW EXECUTE FUNCTION f()"));
    t.triggers.add(new Trigger("off", 'D', "CREATE TRIGGER off ..."));
    t.targetTable = new TargetTable(true, true, true, true, "app", true, List.of(new Trigger("stamp", 'O', "..."),
        new Trigger("mirror", 'A', "...")));
    PreflightPlan plan = p.judged();
    Risk missing = risk(plan, "trigger-not-on-target/public.orders");
    assertThat(missing.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(missing.what()).contains("audit, enabled").doesNotContain("off");
    Risk ordinary = risk(plan, "trigger-target/public.orders");
    assertThat(ordinary.severity()).isEqualTo(Severity.LOW);
    assertThat(ordinary.what()).contains("stamp").contains("do not fire while Baton applies changes")
        .contains("session_replication_role = replica");
    Risk firing = risk(plan, "trigger-fires-on-apply/public.orders");
    assertThat(firing.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(firing.mitigation()).startsWith("ALTER TABLE \"public\".\"orders\" ENABLE TRIGGER \"mirror\";");
  }

  @Test
  void shouldTellOwnedFromUnownedSequences() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    PlanFixtures.Table t = p.table("public.orders");
    t.sequences.add(new SequenceUse("id", "public.orders_id_seq", "by default", true, false));
    t.sequences.add(new SequenceUse("ref", "public.loose", null, false, false));
    PreflightPlan plan = p.judged();
    assertThat(risk(plan, "sequence/public.orders.id").severity()).isEqualTo(Severity.LOW);
    Risk loose = risk(plan, "sequence/public.orders.ref");
    assertThat(loose.severity()).as("schema create, no such sequence on the target").isEqualTo(Severity.BLOCKING);
    assertThat(loose.mitigation()).isEqualTo("ALTER SEQUENCE public.loose OWNED BY \"public\".\"orders\".\"ref\";");
    t.sequences.set(1, new SequenceUse("ref", "public.loose", null, false, true));
    assertThat(risk(p.judged(), "sequence/public.orders.ref").severity()).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void shouldFlagForeignKeysAcrossTheScopeAndCycles() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    PlanFixtures.Table t = p.table("public.orders");
    t.keys.add(new ForeignKey("orders_customer_fk", t.source, List.of("customer_id"), TableName.parse("crm.customer"),
        List.of("id"), false));
    t.referencedBy.add(new ForeignKey("invoice_order_fk", TableName.parse("public.invoice"), List.of("order_id"), t.source,
        List.of("id"), false));
    p.cycles.add(List.of("public.a", "public.b"));
    PreflightPlan plan = p.judged();
    Risk out = risk(plan, "foreign-key-out-of-scope/public.orders.orders_customer_fk");
    assertThat(out.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(out.mitigation()).contains("add crm.customer to the spec's tables")
        .contains("FOREIGN KEY (\"customer_id\") REFERENCES \"crm\".\"customer\" (\"id\");");
    assertThat(risk(plan, "referenced-from-out-of-scope/public.invoice.invoice_order_fk").mitigation())
        .contains("ALTER TABLE \"public\".\"invoice\" DROP CONSTRAINT \"invoice_order_fk\";");
    assertThat(risk(plan, "foreign-key-cycle/public.a,public.b").what()).contains("public.a, public.b");
  }

  @Test
  void shouldSayWhatToDoWithPartitions() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    PlanFixtures.Table parent = p.table("public.event");
    parent.kind = "partitioned";
    parent.partitions.addAll(List.of("public.event_2024", "public.event_2025"));
    PlanFixtures.Table leaf = p.table("public.event_2024");
    leaf.kind = "partition";
    leaf.partitionOf = "public.event";
    PlanFixtures.Table lone = p.table("public.log_1");
    lone.kind = "partition";
    lone.partitionOf = "public.log";
    PreflightPlan plan = p.judged();
    assertThat(risk(plan, "partitioned/public.event").severity()).isEqualTo(Severity.MEDIUM);
    assertThat(risk(plan, "partitioned/public.event").mitigation()).contains("schema: existing");
    assertThat(risk(plan, "partition-twice/public.event_2024").severity()).isEqualTo(Severity.HIGH);
    assertThat(risk(plan, "partition/public.log_1").mitigation()).contains("source: public.log");
  }

  @Test
  void shouldCompareTheSlotLimitWithTheWalTheCopyRetains() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    PlanFixtures.Table t = p.table("public.big");
    t.heap = 100L * 1024 * 1024 * 1024;
    p.sample = new PreflightPlan.CopySample("public.big", 1000, 100L * 1024 * 1024, 1.0, false); // 100 MiB/s: 1024 s
    p.walRate = 20.0 * 1024 * 1024; // 20 MiB/s: 20 GiB during the copy
    Risk unbounded = risk(p.judged(), "slot-wal-unbounded");
    assertThat(unbounded.severity()).isEqualTo(Severity.HIGH);
    assertThat(unbounded.what()).contains("about 20.0 GiB");
    assertThat(unbounded.mitigation()).contains("ALTER SYSTEM SET max_slot_wal_keep_size = '40960MB';");

    p.source.keepSizeMb = 1024;
    Risk small = risk(p.judged(), "slot-wal-too-small");
    assertThat(small.severity()).isEqualTo(Severity.HIGH);
    assertThat(small.what()).contains("invalidated");
    assertThat(ids(p.judged())).doesNotContain("slot-wal-unbounded");

    p.source.keepSizeMb = 30 * 1024;
    assertThat(ids(p.judged())).doesNotContain("slot-wal-too-small", "slot-wal-unbounded");

    p.walRate = null;
    p.source.keepSizeMb = -1;
    Risk unknown = risk(p.judged(), "slot-wal-unbounded");
    assertThat(unknown.severity()).as("no estimate to compare with").isEqualTo(Severity.LOW);
  }

  @Test
  void shouldAskForMissingExtensionsOnTheTarget() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.orders");
    p.extensions.add(new Extension("citext", "1.6", null, "1.6"));
    p.extensions.add(new Extension("postgis", "3.4.2", null, null));
    p.extensions.add(new Extension("hstore", "1.8", "1.7", "1.8"));
    p.extensions.add(new Extension("plpgsql", "1.0", "1.0", "1.0"));
    PreflightPlan plan = p.judged();
    assertThat(risk(plan, "extension-missing/citext").severity()).isEqualTo(Severity.HIGH);
    assertThat(risk(plan, "extension-missing/citext").mitigation())
        .isEqualTo("on the target, before baton run: CREATE EXTENSION IF NOT EXISTS \"citext\" VERSION '1.6';");
    assertThat(risk(plan, "extension-missing/postgis").mitigation()).startsWith("install the extension's package");
    assertThat(risk(plan, "extension-version/hstore").mitigation()).contains("ALTER EXTENSION \"hstore\" UPDATE TO '1.8';");
    assertThat(ids(plan)).noneMatch(id -> id.contains("plpgsql"));
  }

  @Test
  void shouldFlagExistingTargetTablesTheUserDoesNotOwnForTheReversePublication() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    PlanFixtures.Table orders = p.table("public.orders");
    orders.targetTable = new TargetTable(true, true, true, true, "app_owner", false, List.of());
    p.table("public.items").targetTable = new TargetTable(true, true, true, true, "app", true, List.of());
    Risk r = risk(p.judged(), "reverse-publication-owner");
    assertThat(r.severity()).isEqualTo(Severity.HIGH);
    assertThat(r.what()).contains("existing target table public.orders (owned by app_owner)").doesNotContain("items");
    assertThat(r.mitigation()).isEqualTo("on the target, as a superuser: GRANT \"app_owner\" TO \"app\";");

    p.target.superuser = true;
    assertThat(ids(p.judged())).as("a superuser may publish any table").doesNotContain("reverse-publication-owner");
    assertThat(risk(p.judged(), "excess-privilege/target").mitigation()).as("the grants that replace SUPERUSER")
        .contains("GRANT INSERT, UPDATE, DELETE, TRUNCATE ON TABLE \"public\".\"orders\", \"public\".\"items\" TO \"app\";")
        .contains("GRANT \"app_owner\" TO \"app\";");

    p.target.bootstrap = true;
    p.target.user = "postgres";
    orders.targetTable = new TargetTable(true, true, true, true, "postgres", true, List.of());
    assertThat(risk(p.judged(), "excess-privilege/target").mitigation()).as("the bootstrap superuser's tables change owner")
        .contains("ALTER TABLE \"public\".\"orders\" OWNER TO \"baton_shop\";").contains("GRANT \"app\" TO \"baton_shop\";")
        .doesNotContain("GRANT \"postgres\"");
  }

  @Test
  void shouldShowExcessPrivilegesWithTheStatementsThatDropThem() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.orders");
    p.target.superuser = true;
    p.target.createDb = true;
    Risk r = risk(p.judged(), "excess-privilege/target");
    assertThat(r.severity()).isEqualTo(Severity.LOW);
    assertThat(r.mitigation()).startsWith("on the target, as a superuser: ALTER ROLE \"app\" NOSUPERUSER NOCREATEDB;")
        .contains("ALTER ROLE \"app\" REPLICATION;").contains("GRANT SET ON PARAMETER session_replication_role TO \"app\";")
        .contains("GRANT CREATE ON SCHEMA \"public\" TO \"app\";");

    p.target.versionNum = 140011;
    assertThat(risk(p.judged(), "excess-privilege/target").what()).as("before 15 a superuser is needed")
        .contains("has CREATEDB on").doesNotContain("SUPERUSER");

    p.source.superuser = true;
    p.source.bootstrap = true;
    p.source.user = "postgres";
    p.tables.get(0).owner = "postgres";
    Risk bootstrap = risk(p.judged(), "excess-privilege/source");
    assertThat(bootstrap.mitigation()).contains("CREATE ROLE \"baton_shop\" LOGIN;")
        .contains("GRANT SELECT ON TABLE \"public\".\"orders\" TO \"baton_shop\";")
        .contains("ALTER TABLE \"public\".\"orders\" OWNER TO \"baton_shop\";")
        .doesNotContain("NOSUPERUSER");
  }

  @Test
  void shouldKeepTheRowSecurityBypassThatTheCopyNeeds() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    PlanFixtures.Table t = p.table("public.orders");
    t.rowSecurity = true;
    t.owned = false;
    assertThat(risk(p.judged(), "row-security/public.orders").mitigation()).contains("ALTER ROLE \"app\" BYPASSRLS;");
    p.source.bypassRls = true;
    assertThat(ids(p.judged())).doesNotContain("row-security/public.orders", "excess-privilege/source");
  }

  @Test
  void shouldTurnBatonRunsOwnChecksIntoBlockingRisksOnce() {
    List<String> problems = List.of(
        "the source has wal_level=replica; logical decoding needs wal_level=logical. Fix: ALTER SYSTEM ...",
        "spec tables[0]: source table public.x does not exist in the source database. Fix: correct the name",
        "table public.y has no primary key and REPLICA IDENTITY DEFAULT: ... Fix: ALTER TABLE ...",
        "spec tables[1].columns.nme: table public.z has no column 'nme' (columns: id, name)",
        "spec tables[2]: table public.w has no primary key, and the spec changes its values. Fix: add a primary key");
    List<String> kept = Risks.uncovered(problems);
    assertThat(kept).containsExactly(problems.get(3), problems.get(4));

    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.orders");
    p.checkProblems.addAll(kept);
    PreflightPlan plan = p.judged();
    assertThat(risk(plan, "baton-run-check/1").mitigation()).isEqualTo("correct the spec or the database as the message says");
    assertThat(risk(plan, "baton-run-check/2").what()).startsWith("spec tables[2]: table public.w has no primary key");
    assertThat(risk(plan, "baton-run-check/2").mitigation()).isEqualTo("add a primary key");
    assertThat(plan.blocking()).hasSize(2);
  }

  @Test
  void shouldReportMissingTablesAndUnanalyzedOnes() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.orders").rows = -1;
    p.missing.add("public.gone");
    PreflightPlan plan = p.judged();
    assertThat(risk(plan, "source-table-missing/public.gone").severity()).isEqualTo(Severity.BLOCKING);
    assertThat(risk(plan, "not-analyzed/public.orders").mitigation()).isEqualTo("on the source: ANALYZE \"public\".\"orders\";");
  }

  @Test
  void shouldBlockANewMigrationThatWouldCreateATableThatExists() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.orders");
    p.table("public.items").targetTable = new TargetTable(true, true, true, true, "app", true, List.of());
    Risk r = risk(p.judged(), "target-table-exists");
    assertThat(r.severity()).isEqualTo(Severity.BLOCKING);
    assertThat(r.subject()).isEqualTo("public.items");
    assertThat(r.mitigation()).contains("schema: existing").endsWith("DROP TABLE \"public\".\"items\";");
    p.earlierRun = "STREAMING";
    assertThat(ids(p.judged())).doesNotContain("target-table-exists").contains("earlier-run");
    assertThat(risk(p.judged(), "earlier-run").what()).contains("last state STREAMING");
    p.earlierRun = null;
    p.schemaMode = "existing";
    assertThat(ids(p.judged())).doesNotContain("target-table-exists", "earlier-run");
  }

  @Test
  void shouldCheckWhatReverseReplicationNeedsOnTheTarget() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.orders");
    p.target.walLevel = "replica";
    p.target.replication = false;
    p.target.slotsUsed = 10;
    p.source.schemas = List.of(new PreflightPlan.SchemaAccess("baton", false, false, "state"));
    p.source.createInDatabase = false;
    PreflightPlan plan = p.judged();
    assertThat(risk(plan, "reverse-wal-level").severity()).isEqualTo(Severity.HIGH);
    assertThat(risk(plan, "reverse-replication-slots").what()).contains("baton_shop_rev");
    assertThat(risk(plan, "reverse-replication-privilege").mitigation()).contains("ALTER ROLE \"app\" REPLICATION;");
    assertThat(risk(plan, "reverse-state/baton").mitigation())
        .isEqualTo("on the source: GRANT CREATE ON DATABASE \"shop\" TO \"app\";");
    assertThat(plan.blocking()).extracting(Risk::id).as("the source's CREATE is for the publication")
        .containsExactly("publication-privilege");
  }
}
