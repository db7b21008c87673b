package io.baton.cli.plan;

import io.baton.cli.plan.PreflightPlan.CopySample;
import io.baton.cli.plan.PreflightPlan.Extension;
import io.baton.cli.plan.PreflightPlan.ForeignKey;
import io.baton.cli.plan.PreflightPlan.Forecast;
import io.baton.cli.plan.PreflightPlan.GeneratedColumn;
import io.baton.cli.plan.PreflightPlan.SchemaAccess;
import io.baton.cli.plan.PreflightPlan.SequenceUse;
import io.baton.cli.plan.PreflightPlan.ServerReport;
import io.baton.cli.plan.PreflightPlan.TableReport;
import io.baton.cli.plan.PreflightPlan.TargetTable;
import io.baton.cli.plan.PreflightPlan.Trigger;
import io.baton.cli.plan.PreflightPlan.TypeIssue;
import io.baton.pg.TableName;
import io.baton.spec.SnapshotSettings;
import java.util.ArrayList;
import java.util.List;

/** Plans built by hand for the unit tests: a healthy default that each test spoils in one way. */
final class PlanFixtures {
  private PlanFixtures() {}

  /** A table with a primary key, default identity, readable and owned, not on the target yet. */
  static final class Table {
    TableName source;
    TableName target;
    String kind = "table";
    String partitionOf;
    List<String> partitions = new ArrayList<>();
    long heap = 8L * 1024 * 1024;
    long toast = 0;
    long indexes = 2L * 1024 * 1024;
    long rows = 100_000;
    List<String> primaryKey = new ArrayList<>(List.of("id"));
    char identity = 'd';
    String identityIndex;
    boolean rowSecurity;
    boolean forceRowSecurity;
    String owner = "app";
    boolean owned = true;
    boolean select = true;
    List<String> toastable = new ArrayList<>();
    List<TypeIssue> types = new ArrayList<>();
    List<SequenceUse> sequences = new ArrayList<>();
    List<GeneratedColumn> generated = new ArrayList<>();
    List<ForeignKey> keys = new ArrayList<>();
    List<ForeignKey> referencedBy = new ArrayList<>();
    List<Trigger> triggers = new ArrayList<>();
    TargetTable targetTable;

    Table(String name) {
      source = TableName.parse(name);
      target = source;
    }

    TableReport build() {
      return new TableReport(source, target, kind, partitionOf, partitions, heap + toast + indexes, heap, toast, indexes, rows,
          primaryKey, identity, identityIndex, rowSecurity, forceRowSecurity, owner, owned, select, toastable, types,
          sequences, generated, keys, referencedBy, triggers, targetTable);
    }
  }

  /** A PostgreSQL 17 server ready for Baton, the user with exactly what it needs. */
  static final class Server {
    String url = "postgresql://app@db:5432/shop";
    String user = "app";
    int versionNum = 170006;
    String walLevel = "logical";
    int maxSlots = 10;
    int slotsUsed = 0;
    int maxSenders = 10;
    int sendersUsed = 0;
    long keepSizeMb = -1;
    boolean superuser;
    boolean bootstrap;
    boolean replication = true;
    boolean createRole;
    boolean createDb;
    boolean bypassRls;
    boolean replicaRole = true;
    boolean createInDatabase = true;
    List<SchemaAccess> schemas = new ArrayList<>();

    ServerReport build() {
      return new ServerReport(url, user, "shop", versionNum, versionNum / 10000 + "." + versionNum % 100, walLevel, maxSlots,
          slotsUsed, maxSenders, sendersUsed, keepSizeMb, superuser, bootstrap, replication, createRole, createDb, bypassRls,
          replicaRole, createInDatabase, schemas);
    }
  }

  /** A plan over tables and servers. */
  static final class Plan {
    String schemaMode = "create";
    String earlierRun;
    List<Table> tables = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> order;
    List<List<String>> cycles = new ArrayList<>();
    List<Extension> extensions = new ArrayList<>();
    Server source = new Server();
    Server target = new Server();
    Double walRate = 1024.0 * 1024;
    CopySample sample = new CopySample("public.orders", 100_000, 10L * 1024 * 1024, 0.1, false);
    List<String> checkProblems = new ArrayList<>();

    Plan() {
      target.url = "postgresql://app@db2:5432/shop";
    }

    Table table(String name) {
      Table t = new Table(name);
      tables.add(t);
      return t;
    }

    PreflightPlan findings() {
      List<TableReport> reports = tables.stream().map(Table::build).toList();
      Forecast forecast = Estimates.forecast(reports, SnapshotSettings.DEFAULTS, walRate == null ? 0 : 5, walRate, sample);
      return new PreflightPlan("shop", 1_700_000_000_000L, schemaMode, earlierRun, reports, missing,
          order != null ? order : reports.stream().map(t -> t.source().toString()).toList(), cycles, extensions,
          source.build(), target.build(), forecast, checkProblems, List.of());
    }

    PreflightPlan judged() {
      PreflightPlan p = findings();
      return p.withRisks(Risks.assess(p));
    }
  }
}
