package io.baton.cli.plan;

import io.baton.cli.plan.PreflightPlan.Extension;
import io.baton.cli.plan.PreflightPlan.ForeignKey;
import io.baton.cli.plan.PreflightPlan.GeneratedColumn;
import io.baton.cli.plan.PreflightPlan.Likelihood;
import io.baton.cli.plan.PreflightPlan.Risk;
import io.baton.cli.plan.PreflightPlan.SchemaAccess;
import io.baton.cli.plan.PreflightPlan.SequenceUse;
import io.baton.cli.plan.PreflightPlan.ServerReport;
import io.baton.cli.plan.PreflightPlan.Severity;
import io.baton.cli.plan.PreflightPlan.TableReport;
import io.baton.cli.plan.PreflightPlan.TargetTable;
import io.baton.cli.plan.PreflightPlan.Trigger;
import io.baton.cli.plan.PreflightPlan.TypeIssue;
import io.baton.cli.plan.PreflightPlan.TypeIssueKind;
import io.baton.pg.Sql;
import io.baton.spec.MigrationSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rules that turn a plan's findings into risks, each in one method, each with its source.
 * Pure: it reads the {@link PreflightPlan} and nothing else. Section numbers are those of the
 * PostgreSQL 17 manual.
 *
 * <table>
 *   <caption>The rules</caption>
 *   <tr><th>id</th><th>severity</th><th>when</th></tr>
 *   <tr><td>source-table-missing</td><td>blocking</td><td>a table the spec names does not exist</td></tr>
 *   <tr><td>wal-level</td><td>blocking</td><td>the source's wal_level is not logical</td></tr>
 *   <tr><td>replication-slots, wal-senders</td><td>blocking</td><td>no free slot or WAL sender on the source</td></tr>
 *   <tr><td>replication-privilege, select-privilege, publication-privilege</td><td>blocking</td><td>the user may not
 *       stream, read a table, or publish it</td></tr>
 *   <tr><td>replica-role</td><td>blocking</td><td>the user may not set session_replication_role (either side)</td></tr>
 *   <tr><td>target-create, target-write</td><td>blocking</td><td>the user may not create the target tables and
 *       state, or write an existing target table</td></tr>
 *   <tr><td>target-table-exists, earlier-run</td><td>blocking / low</td><td>schema: create over existing target
 *       tables in a new migration; a migration that has a journal already</td></tr>
 *   <tr><td>replica-identity</td><td>blocking / medium</td><td>no primary key without FULL, NOTHING; or FULL
 *       without a key; or an index that is not the key</td></tr>
 *   <tr><td>type</td><td>high / low</td><td>multi-dimensional arrays, timetz, pseudo-types; timestamps (range)</td></tr>
 *   <tr><td>generated-column</td><td>blocking / high / low</td><td>a generated column</td></tr>
 *   <tr><td>trigger-*</td><td>medium / low</td><td>triggers not on the target; triggers that fire in the replica
 *       role; ordinary target triggers</td></tr>
 *   <tr><td>sequence</td><td>blocking / medium / low</td><td>a default on a sequence the column does not own;
 *       owned sequences and identity (carried at cutover)</td></tr>
 *   <tr><td>foreign-key-out-of-scope, referenced-from-out-of-scope, foreign-key-cycle</td><td>medium / low</td>
 *       <td>foreign keys that cross the scope; cycles</td></tr>
 *   <tr><td>partitioned, partition, partition-twice</td><td>medium / high</td><td>partitioned tables</td></tr>
 *   <tr><td>row-security</td><td>high</td><td>policies hide rows from the user</td></tr>
 *   <tr><td>extension-missing, extension-version</td><td>high / low</td><td>source extensions on the target</td></tr>
 *   <tr><td>ddl</td><td>medium</td><td>always: DDL is not replicated</td></tr>
 *   <tr><td>slot-wal-unbounded, slot-wal-too-small</td><td>high / low</td><td>max_slot_wal_keep_size against the
 *       WAL estimate</td></tr>
 *   <tr><td>reverse-*</td><td>high</td><td>what reverse replication needs on the target (and its state on the
 *       source)</td></tr>
 *   <tr><td>excess-privilege</td><td>low</td><td>SUPERUSER, CREATEROLE, CREATEDB, BYPASSRLS beyond need</td></tr>
 *   <tr><td>target-disk, not-analyzed</td><td>low</td><td>free disk unknown; row estimates unknown</td></tr>
 *   <tr><td>baton-run-check</td><td>blocking</td><td>whatever else baton run's own checks refuse</td></tr>
 * </table>
 */
public final class Risks {
  /** Retained WAL beyond which an unlimited {@code max_slot_wal_keep_size} is a high risk: 10 GiB. */
  public static final long UNBOUNDED_WAL_THRESHOLD_BYTES = 10L * 1024 * 1024 * 1024;

  static final String REF_WAL_LEVEL = "PostgreSQL manual 19.5.1 Settings (wal_level); chapter Logical Decoding";
  static final String REF_CAPACITY = "PostgreSQL manual 19.6.1 Sending Servers (max_replication_slots, max_wal_senders);"
      + " view pg_replication_slots";
  static final String REF_ROLES = "PostgreSQL manual 21.2 Role Attributes; ALTER ROLE";
  static final String REF_PRIVILEGES = "PostgreSQL manual 5.8 Privileges; GRANT";
  static final String REF_PUBLICATION = "PostgreSQL manual, CREATE PUBLICATION (the table's owner, CREATE on the database)";
  static final String REF_REPLICA_ROLE = "PostgreSQL manual 19.11.1 Statement Behavior (session_replication_role);"
      + " GRANT ... SET ON PARAMETER (PostgreSQL 15 and later)";
  static final String REF_IDENTITY = "PostgreSQL manual 29.1 Publication; ALTER TABLE ... REPLICA IDENTITY";
  static final String REF_TYPES = "Baton README, Behaviour: Types (the change stream's known limits)";
  static final String REF_GENERATED = "PostgreSQL manual 5.4 Generated Columns (skipped by logical replication);"
      + " 5.2 Default Values";
  static final String REF_TRIGGERS = "PostgreSQL manual 19.11.1 Statement Behavior (session_replication_role);"
      + " ALTER TABLE ... ENABLE [ REPLICA | ALWAYS ] TRIGGER";
  static final String REF_SEQUENCES = "PostgreSQL manual 29.7 Restrictions (sequence data is not replicated);"
      + " ALTER SEQUENCE ... OWNED BY";
  static final String REF_FOREIGN_KEYS = "PostgreSQL manual 5.5.5 Foreign Keys";
  static final String REF_PARTITIONS = "PostgreSQL manual 5.12 Table Partitioning; CREATE PUBLICATION"
      + " (publish_via_partition_root)";
  static final String REF_ROW_SECURITY = "PostgreSQL manual 5.9 Row Security Policies";
  static final String REF_EXTENSIONS = "PostgreSQL manual, CREATE EXTENSION; view pg_available_extensions";
  static final String REF_DDL = "PostgreSQL manual 29.7 Restrictions (the database schema and DDL commands are not"
      + " replicated)";
  static final String REF_SLOT_WAL = "PostgreSQL manual 19.6.1 Sending Servers (max_slot_wal_keep_size);"
      + " view pg_replication_slots (wal_status)";
  static final String REF_SIZES = "PostgreSQL manual, Database Object Size Functions (pg_total_relation_size)";
  static final String REF_ANALYZE = "PostgreSQL manual, pg_class (reltuples); ANALYZE";
  static final String REF_CHECKS = "the checks baton run makes before it writes anything";

  private Risks() {}

  /**
   * @param plan the findings (its own {@code risks} are ignored)
   * @return every risk the rules find, in rule order
   */
  public static List<Risk> assess(PreflightPlan plan) {
    List<Risk> out = new ArrayList<>();
    missingTables(plan, out);
    walLevel(plan.source(), out);
    capacity(plan.source(), plan.migration(), "", Severity.BLOCKING, out);
    replicationPrivilege(plan.source(), "", Severity.BLOCKING, out);
    selectPrivilege(plan, out);
    publicationPrivilege(plan, out);
    replicaRole(plan.source(), "source", out);
    replicaRole(plan.target(), "target", out);
    targetCreate(plan, out);
    earlierRun(plan, out);
    for (TableReport t : plan.tables()) {
      targetWrite(plan, t, out);
      replicaIdentity(t, out);
      types(t, out);
      generatedColumns(plan, t, out);
      triggers(t, out);
      sequences(plan, t, out);
      foreignKeys(t, out);
      partitions(plan, t, out);
      rowSecurity(plan.source(), t, out);
      notAnalyzed(t, out);
    }
    cycles(plan, out);
    extensions(plan, out);
    ddl(plan, out);
    slotWal(plan, out);
    reverse(plan, out);
    excessPrivileges(plan, plan.source(), "source", out);
    excessPrivileges(plan, plan.target(), "target", out);
    targetDisk(plan, out);
    checkProblems(plan, out);
    return out;
  }

  /**
   * Keeps the messages of baton run's own checks that no rule here names already (wal_level, a
   * missing table, the replica identity of a table without a primary key), so that a problem is
   * listed once.
   *
   * @param problems messages from {@link io.baton.capture.SourceCheck} and {@link io.baton.sink.TargetCheck}
   * @return those not covered by a rule, in order
   */
  public static List<String> uncovered(List<String> problems) {
    return problems.stream()
        .filter(p -> !p.startsWith("the source has wal_level="))
        .filter(p -> !p.contains("does not exist in the source database"))
        .filter(p -> !(p.contains("has no primary key and REPLICA IDENTITY")))
        .toList();
  }

  private static void missingTables(PreflightPlan plan, List<Risk> out) {
    for (String t : plan.missingTables()) {
      out.add(new Risk("source-table-missing/" + t, Severity.BLOCKING, Likelihood.CERTAIN, t,
          "the spec names source table " + t + ", which does not exist in the source database; baton run refuses to start",
          "correct the table's source: entry in the spec (schema.table), or create the table", REF_CHECKS));
    }
  }

  /** Logical decoding needs {@code wal_level = logical} (19.5.1). */
  private static void walLevel(ServerReport s, List<Risk> out) {
    if (!"logical".equals(s.walLevel())) {
      out.add(new Risk("wal-level", Severity.BLOCKING, Likelihood.CERTAIN, "source wal_level",
          "the source has wal_level = " + s.walLevel() + "; logical decoding, on which the change stream is built, needs"
              + " logical, and baton run refuses to start",
          "on the source: ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL (the setting takes effect only at"
              + " server start)", REF_WAL_LEVEL));
    }
  }

  /** One slot and one WAL sender are needed (19.6.1); {@code side} is empty for the source, {@code reverse-} for the target. */
  private static void capacity(ServerReport s, String migration, String prefix, Severity severity, List<Risk> out) {
    String where = prefix.isEmpty() ? "the source" : "the target";
    String why = prefix.isEmpty() ? "Baton needs one for its slot " + MigrationSpec.slotName(migration)
        : "after a cutover, reverse replication needs one there for slot " + MigrationSpec.slotName(migration + "_rev")
            + " (the reverse gate keeps the cutover from starting without it, and rollback would not be lossless)";
    if (s.freeReplicationSlots() < 1) {
      out.add(new Risk(prefix + "replication-slots", severity, Likelihood.CERTAIN, where + " max_replication_slots",
          "no free replication slot on " + where + ": " + s.replicationSlotsUsed() + " of max_replication_slots = "
              + s.maxReplicationSlots() + " are in use; " + why,
          "on " + where + ": ALTER SYSTEM SET max_replication_slots = " + (s.replicationSlotsUsed() + 1)
              + "; then restart PostgreSQL; or drop a slot nobody uses (SELECT slot_name, active FROM pg_replication_slots;"
              + " SELECT pg_drop_replication_slot('NAME');)", REF_CAPACITY));
    }
    if (s.freeWalSenders() < 1) {
      out.add(new Risk(prefix + "wal-senders", severity, Likelihood.CERTAIN, where + " max_wal_senders",
          "no free WAL sender on " + where + ": " + s.walSendersUsed() + " of max_wal_senders = " + s.maxWalSenders()
              + " are running; streaming from a slot takes one",
          "on " + where + ": ALTER SYSTEM SET max_wal_senders = " + (s.walSendersUsed() + 2) + "; then restart PostgreSQL",
          REF_CAPACITY));
    }
  }

  private static void replicationPrivilege(ServerReport s, String prefix, Severity severity, List<Risk> out) {
    if (!s.superuser() && !s.replication()) {
      String where = prefix.isEmpty() ? "the source" : "the target";
      out.add(new Risk(prefix + "replication-privilege", severity, Likelihood.CERTAIN, "role " + s.user(),
          "user " + s.user() + " has neither REPLICATION nor SUPERUSER on " + where + ": it cannot create a replication slot"
              + " or stream from one" + (prefix.isEmpty() ? "" : " (reverse replication after a cutover)"),
          "on " + where + ", as a superuser: ALTER ROLE " + Sql.ident(s.user()) + " REPLICATION;", REF_ROLES));
    }
  }

  private static void selectPrivilege(PreflightPlan plan, List<Risk> out) {
    List<TableReport> denied = plan.tables().stream().filter(t -> !t.canSelect()).toList();
    if (!denied.isEmpty()) {
      out.add(new Risk("select-privilege", Severity.BLOCKING, Likelihood.CERTAIN, names(denied),
          "user " + plan.source().user() + " may not SELECT " + names(denied) + ": the bulk copy and verification read every"
              + " row",
          "on the source: GRANT SELECT ON TABLE " + quoted(denied) + " TO " + Sql.ident(plan.source().user()) + ";",
          REF_PRIVILEGES));
    }
  }

  /** CREATE PUBLICATION ... FOR TABLE needs CREATE on the database and ownership of each table. */
  private static void publicationPrivilege(PreflightPlan plan, List<Risk> out) {
    ServerReport s = plan.source();
    if (s.superuser()) {
      return;
    }
    List<String> fixes = new ArrayList<>();
    List<String> whats = new ArrayList<>();
    if (!s.canCreateInDatabase()) {
      whats.add("may not create a publication in database " + s.database() + " (CREATE on the database)");
      fixes.add("GRANT CREATE ON DATABASE " + Sql.ident(s.database()) + " TO " + Sql.ident(s.user()) + ";");
    }
    List<TableReport> notOwned = plan.tables().stream().filter(t -> !t.ownedByUser()).toList();
    if (!notOwned.isEmpty()) {
      whats.add("does not own " + names(notOwned) + ", and only a table's owner may add it to a publication");
      notOwned.stream().map(TableReport::owner).distinct()
          .forEach(o -> fixes.add("GRANT " + Sql.ident(o) + " TO " + Sql.ident(s.user()) + ";"));
    }
    if (!whats.isEmpty()) {
      out.add(new Risk("publication-privilege", Severity.BLOCKING, Likelihood.CERTAIN, "role " + s.user(),
          "Baton creates publication " + MigrationSpec.slotName(plan.migration()) + " on the source, but user " + s.user()
              + " " + String.join(", and ", whats),
          "on the source, as a superuser: " + String.join(" ", fixes), REF_PUBLICATION));
    }
  }

  /** The apply runs in {@code session_replication_role = replica}, on the target and, in reverse, on the source. */
  private static void replicaRole(ServerReport s, String side, List<Risk> out) {
    if (s.canSetReplicaRole()) {
      return;
    }
    String why = side.equals("target")
        ? "the sink applies changes in the replica role (foreign keys and ordinary triggers do not fire, since a child"
            + " row can arrive before its parent)"
        : "after a cutover, reverse replication applies the target's changes to the source in the replica role";
    String fix = s.versionNum() >= 150000
        ? "on the " + side + ", as a superuser: GRANT SET ON PARAMETER session_replication_role TO " + Sql.ident(s.user()) + ";"
        : "on the " + side + ": ALTER ROLE " + Sql.ident(s.user()) + " SUPERUSER; (PostgreSQL " + s.version()
            + " has no finer grant; 15 and later have GRANT SET ON PARAMETER)";
    out.add(new Risk("replica-role/" + side, Severity.BLOCKING, Likelihood.CERTAIN, side + " session_replication_role",
        "user " + s.user() + " may not set session_replication_role on the " + side + ": " + why
            + "; baton run checks it on both sides and refuses to start", fix, REF_REPLICA_ROLE));
  }

  /** The target tables' schemas (schema: create) and Baton's state schema need CREATE. */
  private static void targetCreate(PreflightPlan plan, List<Risk> out) {
    ServerReport t = plan.target();
    List<String> whats = new ArrayList<>();
    Set<String> fixes = new LinkedHashSet<>();
    for (SchemaAccess s : t.schemas()) {
      if (s.purpose().equals("tables") && !plan.schemaMode().equals("create")) {
        continue;
      }
      if (s.exists() && !s.create()) {
        whats.add("create objects in schema " + s.name());
        fixes.add("GRANT CREATE ON SCHEMA " + Sql.ident(s.name()) + " TO " + Sql.ident(t.user()) + ";");
      } else if (!s.exists() && !t.canCreateInDatabase()) {
        whats.add("create schema " + s.name());
        fixes.add("GRANT CREATE ON DATABASE " + Sql.ident(t.database()) + " TO " + Sql.ident(t.user()) + ";");
      }
    }
    if (!whats.isEmpty()) {
      out.add(new Risk("target-create", Severity.BLOCKING, Likelihood.CERTAIN, "role " + t.user(),
          "user " + t.user() + " may not " + String.join(", ", whats) + " on the target, where Baton creates the target"
              + " tables (schema: create) and keeps its state (schema baton)",
          "on the target: " + String.join(" ", fixes), REF_PRIVILEGES));
    }
  }

  /**
   * With {@code schema: create}, a new migration creates every target table, and refuses a table
   * that already exists; a migration with a journal continues instead.
   */
  private static void earlierRun(PreflightPlan plan, List<Risk> out) {
    if (plan.earlierRun() != null) {
      out.add(new Risk("earlier-run", Severity.LOW, Likelihood.CERTAIN, "migration " + plan.migration(),
          "migration " + plan.migration() + " has a journal on the target (last state " + plan.earlierRun() + "): baton run"
              + " continues it rather than starting anew, so this plan's copy estimates may not apply",
          "nothing to do to continue it; to start a new migration instead, give the spec a new name", REF_CHECKS));
      return;
    }
    if (!plan.schemaMode().equals("create")) {
      return;
    }
    List<TableReport> existing = plan.tables().stream().filter(t -> t.targetTable() != null).toList();
    if (!existing.isEmpty()) {
      out.add(new Risk("target-table-exists", Severity.BLOCKING, Likelihood.CERTAIN,
          existing.stream().map(t -> t.target().toString()).collect(Collectors.joining(", ")),
          "the spec says schema: create, but target table" + (existing.size() == 1 ? " " : "s ")
              + existing.stream().map(t -> t.target().toString()).collect(Collectors.joining(", "))
              + (existing.size() == 1 ? " already exists" : " already exist") + " and no earlier run of this migration"
              + " does: baton run would refuse to create the tables, or skip them all if the first one exists",
          "set schema: existing in the spec if the tables are ready for the migration, or remove them on the target: "
              + existing.stream().map(t -> "DROP TABLE " + t.target().quoted() + ";").collect(Collectors.joining(" ")),
          REF_CHECKS));
    }
  }

  /** The sink inserts, updates and deletes; a TRUNCATE on the source is applied as one. */
  private static void targetWrite(PreflightPlan plan, TableReport t, List<Risk> out) {
    TargetTable tt = t.targetTable();
    if (tt == null) {
      return;
    }
    List<String> missing = new ArrayList<>();
    if (!tt.insert()) {
      missing.add("INSERT");
    }
    if (!tt.update()) {
      missing.add("UPDATE");
    }
    if (!tt.delete()) {
      missing.add("DELETE");
    }
    boolean blocking = !missing.isEmpty();
    if (!tt.truncate()) {
      missing.add("TRUNCATE");
    }
    if (missing.isEmpty()) {
      return;
    }
    out.add(new Risk("target-write/" + t.target(), blocking ? Severity.BLOCKING : Severity.MEDIUM,
        blocking ? Likelihood.CERTAIN : Likelihood.POSSIBLE, t.target().toString(),
        "user " + plan.target().user() + " lacks " + String.join(", ", missing) + " on the existing target table "
            + t.target() + (blocking ? ": the sink could not apply the changes" : ": a TRUNCATE on the source would stop"
            + " the apply"),
        "on the target: GRANT " + String.join(", ", missing) + " ON TABLE " + t.target().quoted() + " TO "
            + Sql.ident(plan.target().user()) + ";", REF_PRIVILEGES));
  }

  /**
   * Once a table is in a publication, PostgreSQL refuses its UPDATE and DELETE unless the replica
   * identity names the old row: a primary key (DEFAULT), an index, or FULL (29.1); Baton matches
   * rows of a table without a primary key by their whole old row, so it needs FULL there.
   */
  private static void replicaIdentity(TableReport t, List<Risk> out) {
    String id = "replica-identity/" + t.source();
    String table = t.source().quoted();
    boolean key = !t.primaryKey().isEmpty();
    String addKey = "ALTER TABLE " + table + " ADD PRIMARY KEY (column, ...);";
    if (t.replicaIdentity() == 'n') {
      out.add(new Risk(id, Severity.BLOCKING, Likelihood.CERTAIN, t.source().toString(),
          t.source() + " has REPLICA IDENTITY NOTHING: once it is in a publication PostgreSQL refuses its UPDATE and DELETE,"
              + " and the change stream would carry no old row",
          key ? "ALTER TABLE " + table + " REPLICA IDENTITY DEFAULT;" : "ALTER TABLE " + table + " REPLICA IDENTITY FULL;"
              + " (or add a primary key: " + addKey + ")", REF_IDENTITY));
    } else if (!key && t.replicaIdentity() != 'f') {
      String what = t.replicaIdentity() == 'd'
          ? t.source() + " has no primary key and REPLICA IDENTITY DEFAULT: once it is in a publication PostgreSQL refuses"
              + " its UPDATE and DELETE (there is no key to name the old row), so the application's writes would fail;"
              + " baton run refuses to start"
          : t.source() + " has no primary key and REPLICA IDENTITY USING INDEX " + t.replicaIdentityIndex() + ": Baton matches"
              + " the rows of a table without a primary key by their whole old row, which only REPLICA IDENTITY FULL sends;"
              + " baton run refuses to start";
      out.add(new Risk(id, Severity.BLOCKING, Likelihood.CERTAIN, t.source().toString(), what,
          "ALTER TABLE " + table + " REPLICA IDENTITY FULL; (or add a primary key: " + addKey + ")", REF_IDENTITY));
    } else if (!key) {
      out.add(new Risk(id, Severity.MEDIUM, Likelihood.CERTAIN, t.source().toString(),
          t.source() + " has no primary key (REPLICA IDENTITY FULL): it is replicated, but each UPDATE and DELETE carries the"
              + " whole old row and is matched on the target by all its values (slower: a scan per change without a"
              + " suitable index); identical rows cannot be told apart, and the table cannot be repaired row by row",
          "if the rows have a key, declare it: " + addKey + " then ALTER TABLE " + table + " REPLICA IDENTITY DEFAULT;",
          REF_IDENTITY));
    } else if (t.replicaIdentity() == 'i') {
      out.add(new Risk(id, Severity.MEDIUM, Likelihood.POSSIBLE, t.source().toString(),
          t.source() + " has REPLICA IDENTITY USING INDEX " + t.replicaIdentityIndex() + ": the old row of an UPDATE or"
              + " DELETE carries that index's columns, while Baton finds rows on the target by the primary key ("
              + String.join(", ", t.primaryKey()) + ")",
          "ALTER TABLE " + table + " REPLICA IDENTITY DEFAULT;", REF_IDENTITY));
    }
  }

  /** The stream's documented limits (README, Types): timetz in UTC, no multi-dimensional arrays, timestamps to 294247 AD. */
  private static void types(TableReport t, List<Risk> out) {
    String table = t.source().quoted();
    String repair = t.primaryKey().isEmpty() ? ""
        : "; or, before cutover, baton reconcile --repair, which reads the rows that differ from the source again and"
            + " rewrites them";
    List<String> timestamps = new ArrayList<>();
    for (TypeIssue i : t.typeIssues()) {
      String col = t.source() + "." + i.column();
      String quotedCol = Sql.ident(i.column());
      switch (i.kind()) {
        case MULTIDIMENSIONAL_ARRAY -> out.add(new Risk("type/" + col, Severity.HIGH, Likelihood.LIKELY, col,
            col + " is " + i.type() + " declared with more than one dimension: the bulk copy carries it, but the change"
                + " stream cannot decode multi-dimensional arrays, so values written during the migration arrive with"
                + " NULL elements",
            "keep the column out of writes until cutover, or store it in a type Baton carries: ALTER TABLE " + table
                + " ALTER COLUMN " + quotedCol + " TYPE jsonb USING to_jsonb(" + quotedCol + ")" + repair, REF_TYPES));
        case TIMETZ -> out.add(new Risk("type/" + col, Severity.HIGH, Likelihood.LIKELY, col,
            col + " is time with time zone: the bulk copy carries it, but the change stream converts values written during"
                + " the migration to UTC (the same instant, the offset lost: 10:00+02 arrives as 08:00+00)",
            "if the offset matters, keep it in the value's text: ALTER TABLE " + table + " ALTER COLUMN " + quotedCol
                + " TYPE text" + repair, REF_TYPES));
        case NO_TEXT_FORM -> out.add(new Risk("type/" + col, Severity.HIGH, Likelihood.CERTAIN, col,
            col + " is of pseudo-type " + i.type() + ", which has no value to copy",
            "leave it out in the spec: tables[].columns." + i.column() + ": { drop: true }", REF_TYPES));
        case TIMESTAMP_RANGE -> timestamps.add(i.column());
        default -> throw new IllegalStateException(i.kind().name());
      }
    }
    if (!timestamps.isEmpty()) {
      out.add(new Risk("type-range/" + t.source(), Severity.LOW, Likelihood.POSSIBLE, t.source().toString(),
          t.source() + " has timestamp columns (" + String.join(", ", timestamps) + "): values after 294247 AD are cut short"
              + " in the change stream (the end of Java's microsecond range); not checked, as that needs a full scan",
          "check on the source: SELECT count(*) FROM " + table + " WHERE " + timestamps.stream()
              .map(c -> Sql.ident(c) + " >= '294247-01-01'").collect(Collectors.joining(" OR ")) + ";", REF_TYPES));
    }
  }

  /**
   * A generated column is skipped by logical replication (5.4) and by the bulk copy; with
   * {@code schema: create} Baton creates it on the target with the same expression, otherwise the
   * target's column must compute it.
   */
  private static void generatedColumns(PreflightPlan plan, TableReport t, List<Risk> out) {
    for (GeneratedColumn g : t.generatedColumns()) {
      String col = t.source() + "." + g.column();
      String add = "after the bulk copy, on the target: ALTER TABLE " + t.target().quoted() + " ADD COLUMN "
          + Sql.ident(g.column()) + " " + g.type() + " GENERATED ALWAYS AS " + g.expression() + " STORED;";
      if (g.droppedBySpec()) {
        out.add(new Risk("generated-column/" + col, Severity.LOW, Likelihood.CERTAIN, col,
            col + " is generated (" + g.expression() + ") and the spec drops it: the target has it only if it is defined there",
            plan.schemaMode().equals("create") ? add : "make sure the target table defines it as generated", REF_GENERATED));
        continue;
      }
      boolean create = plan.schemaMode().equals("create");
      if (create) {
        out.add(new Risk("generated-column/" + col, Severity.LOW, Likelihood.CERTAIN, col,
            col + " is generated (" + g.expression() + "): logical decoding does not send it and the bulk copy leaves it"
                + " out; Baton creates it on the target as GENERATED ALWAYS AS (" + g.expression() + ") STORED, so the"
                + " target computes it",
            "nothing to do, unless the expression names a column the spec renames: then drop it in the spec"
                + " (tables[].columns." + g.column() + ": { drop: true }) and define it on the target: " + add,
            REF_GENERATED));
        continue;
      }
      out.add(new Risk("generated-column/" + col, Severity.HIGH, Likelihood.LIKELY, col,
          col + " is generated (" + g.expression() + "): neither the bulk copy nor the stream carries it, so the"
              + " target's column must compute it itself",
          "define it on the target as generated: " + add, REF_GENERATED));
    }
  }

  /** The apply runs in the replica role: ordinary triggers do not fire there, REPLICA and ALWAYS ones do. */
  private static void triggers(TableReport t, List<Risk> out) {
    TargetTable tt = t.targetTable();
    Set<String> onTarget = tt == null ? Set.of() : tt.triggers().stream().map(Trigger::name).collect(Collectors.toSet());
    List<Trigger> notCarried = t.triggers().stream().filter(g -> g.enabled() != 'D' && !onTarget.contains(g.name())).toList();
    if (!notCarried.isEmpty()) {
      out.add(new Risk("trigger-not-on-target/" + t.source(), Severity.MEDIUM, Likelihood.LIKELY, t.source().toString(),
          t.source() + " has triggers (" + notCarried.stream().map(g -> g.name() + ", " + g.enabledName())
              .collect(Collectors.joining("; ")) + ") that the target table " + t.target() + " lacks: Baton does not"
              + " create triggers, so after cutover the application's writes there would not fire them",
          "create them on the target before cutover, with their functions (ordinary triggers do not fire during Baton's"
              + " apply, which runs in the replica role): " + notCarried.stream().map(g -> g.definition() + ";")
              .collect(Collectors.joining(" ")) + " (with the target table's name)", REF_TRIGGERS));
    }
    List<Trigger> sourceReplica = t.triggers().stream().filter(Trigger::firesInReplicaRole).toList();
    if (!sourceReplica.isEmpty()) {
      out.add(new Risk("trigger-fires-on-reverse/" + t.source(), Severity.MEDIUM, Likelihood.POSSIBLE, t.source().toString(),
          t.source() + " has triggers that fire in the replica role too (" + sourceReplica.stream()
              .map(g -> g.name() + ", " + g.enabledName()).collect(Collectors.joining("; ")) + "): after a cutover, reverse"
              + " replication's writes to the source fire them, on top of what the application did on the target",
          sourceReplica.stream().map(g -> "ALTER TABLE " + t.source().quoted() + " ENABLE TRIGGER " + Sql.ident(g.name()) + ";")
              .collect(Collectors.joining(" ")) + " (unless firing on replicated rows is intended)", REF_TRIGGERS));
    }
    if (tt == null || tt.triggers().isEmpty()) {
      return;
    }
    List<Trigger> firing = tt.triggers().stream().filter(Trigger::firesInReplicaRole).toList();
    if (!firing.isEmpty()) {
      out.add(new Risk("trigger-fires-on-apply/" + t.target(), Severity.MEDIUM, Likelihood.LIKELY, t.target().toString(),
          "target table " + t.target() + " has triggers that fire in the replica role (" + firing.stream()
              .map(g -> g.name() + ", " + g.enabledName()).collect(Collectors.joining("; ")) + "): every change Baton applies"
              + " fires them, though the source already ran its own",
          firing.stream().map(g -> "ALTER TABLE " + t.target().quoted() + " ENABLE TRIGGER " + Sql.ident(g.name()) + ";")
              .collect(Collectors.joining(" ")) + " (an ordinary trigger fires only outside the replica role)", REF_TRIGGERS));
    }
    List<Trigger> ordinary = tt.triggers().stream().filter(g -> g.enabled() == 'O').toList();
    if (!ordinary.isEmpty()) {
      out.add(new Risk("trigger-target/" + t.target(), Severity.LOW, Likelihood.CERTAIN, t.target().toString(),
          "target table " + t.target() + " has ordinary triggers (" + ordinary.stream().map(Trigger::name)
              .collect(Collectors.joining(", ")) + "): they do not fire while Baton applies changes (the apply runs with"
              + " session_replication_role = replica, in which ordinary triggers do not fire) and fire for the"
              + " application's writes after cutover",
          "nothing to do; to have one fire during the apply as well: ALTER TABLE " + t.target().quoted()
              + " ENABLE ALWAYS TRIGGER name;", REF_TRIGGERS));
    }
  }

  /**
   * Sequences are not replicated (29.7): Baton sets the target's sequences from the source's at
   * cutover, for the sequences owned by their column (serial and identity).
   */
  private static void sequences(PreflightPlan plan, TableReport t, List<Risk> out) {
    for (SequenceUse s : t.sequences()) {
      String col = t.source() + "." + s.column();
      if (!s.owned()) {
        boolean breaks = plan.schemaMode().equals("create") && !s.onTarget();
        out.add(new Risk("sequence/" + col, breaks ? Severity.BLOCKING : Severity.MEDIUM,
            breaks ? Likelihood.CERTAIN : Likelihood.LIKELY, col,
            col + " takes its default from sequence " + s.sequence() + ", which the column does not own: Baton carries only"
                + " owned sequences at cutover, so on the target it would hand out values already used" + (breaks
                ? "; and Baton would create the target column with the default nextval('" + s.sequence() + "'), which"
                    + " fails while the target has no such sequence"
                : ""),
            "ALTER SEQUENCE " + s.sequence() + " OWNED BY " + t.source().quoted() + "." + Sql.ident(s.column()) + ";",
            REF_SEQUENCES));
      } else {
        out.add(new Risk("sequence/" + col, Severity.LOW, Likelihood.CERTAIN, col,
            col + " is fed by " + s.sequence() + (s.identity() == null ? " (owned)" : " (identity, " + s.identity() + ")")
                + ": sequence values are not replicated; Baton sets the target's sequence from the source's at cutover,"
                + " while writes are paused, and back at a rollback",
            "nothing to do, provided the application draws values only through the column's default", REF_SEQUENCES));
      }
    }
  }

  /** Baton builds on the target the foreign keys between tables in scope only. */
  private static void foreignKeys(TableReport t, List<Risk> out) {
    for (ForeignKey k : t.foreignKeys()) {
      if (k.inScope()) {
        continue;
      }
      out.add(new Risk("foreign-key-out-of-scope/" + t.source() + "." + k.name(), Severity.MEDIUM, Likelihood.CERTAIN,
          t.source().toString(),
          "foreign key " + k.name() + " of " + t.source() + " references " + k.references() + ", which the spec does not"
              + " migrate: Baton does not build it on the target, so the target will not enforce it",
          "add " + k.references() + " to the spec's tables; or, once it exists on the target: ALTER TABLE "
              + t.target().quoted() + " ADD CONSTRAINT " + Sql.ident(k.name()) + " FOREIGN KEY (" + Sql.idents(k.columns())
              + ") REFERENCES " + k.references().quoted() + " (" + Sql.idents(k.referencedColumns())
              + ");", REF_FOREIGN_KEYS));
    }
    for (ForeignKey k : t.referencedBy()) {
      out.add(new Risk("referenced-from-out-of-scope/" + k.table() + "." + k.name(), Severity.MEDIUM, Likelihood.LIKELY,
          k.table().toString(),
          k.table() + ", which the spec does not migrate, references " + t.source() + " (foreign key " + k.name() + "): after"
              + " cutover " + t.source() + " changes on the target while " + k.table() + " stays on the source, where its"
              + " references are checked against rows that no longer change",
          "add " + k.table() + " to the spec's tables; or, if it stays behind on purpose: ALTER TABLE "
              + k.table().quoted() + " DROP CONSTRAINT " + Sql.ident(k.name()) + ";",
          REF_FOREIGN_KEYS));
    }
  }

  private static void cycles(PreflightPlan plan, List<Risk> out) {
    for (List<String> cycle : plan.cycles()) {
      out.add(new Risk("foreign-key-cycle/" + String.join(",", cycle), Severity.LOW, Likelihood.CERTAIN,
          String.join(", ", cycle),
          "tables " + String.join(", ", cycle) + " reference each other in a cycle: there is no parent-first load order"
              + " for them. Baton is not affected (it builds foreign keys after the bulk copy and applies changes in the"
              + " replica role), but a load by other means is",
          "load them with the constraints deferred (ALTER TABLE ... ALTER CONSTRAINT name DEFERRABLE INITIALLY DEFERRED)"
              + " or in the replica role (SET session_replication_role = replica)", REF_FOREIGN_KEYS));
    }
  }

  /** Partitioned tables are published through their root (publish_via_partition_root). */
  private static void partitions(PreflightPlan plan, TableReport t, List<Risk> out) {
    if (t.kind().equals("partitioned")) {
      out.add(new Risk("partitioned/" + t.source(), Severity.MEDIUM, Likelihood.CERTAIN, t.source().toString(),
          t.source() + " is partitioned (" + t.partitions().size() + " partitions) and the spec names the parent: changes"
              + " to every partition are published under its name, and " + (plan.schemaMode().equals("create")
              ? "with schema: create the target gets " + t.target() + " as one ordinary table, not partitioned"
              : "the existing target table receives them all"),
          plan.schemaMode().equals("create")
              ? "to keep the partitions on the target, create " + t.target() + " there as a partitioned table with its"
                  + " partitions (CREATE TABLE ... PARTITION BY ...) and set schema: existing in the spec"
              : "nothing to do if " + t.target() + " is partitioned on the target as intended", REF_PARTITIONS));
    } else if (t.kind().equals("partition")) {
      boolean rootInScope = plan.table(t.partitionOf()) != null;
      if (rootInScope) {
        out.add(new Risk("partition-twice/" + t.source(), Severity.HIGH, Likelihood.CERTAIN, t.source().toString(),
            "both " + t.partitionOf() + " and its partition " + t.source() + " are in the spec's scope: the bulk copy reads "
                + t.source() + "'s rows twice (once through " + t.partitionOf() + ")",
            "remove " + t.source() + " from the spec's tables", REF_PARTITIONS));
      } else {
        out.add(new Risk("partition/" + t.source(), Severity.MEDIUM, Likelihood.CERTAIN, t.source().toString(),
            t.source() + " is a partition of " + t.partitionOf() + ", and the spec names the partition, not the parent:"
                + " the other partitions' rows are not migrated, and on the target " + t.target() + " is an ordinary table",
            "name the parent in the spec instead (tables: - source: " + t.partitionOf() + "), or every partition",
            REF_PARTITIONS));
      }
    }
  }

  /** A role subject to row security policies reads only the rows they allow (5.9). */
  private static void rowSecurity(ServerReport s, TableReport t, List<Risk> out) {
    boolean exempt = s.superuser() || s.bypassRls() || (t.ownedByUser() && !t.forceRowSecurity());
    if (t.rowSecurity() && !exempt) {
      out.add(new Risk("row-security/" + t.source(), Severity.HIGH, Likelihood.LIKELY, t.source().toString(),
          "row-level security is enabled on " + t.source() + " and applies to user " + s.user() + ": the bulk copy and"
              + " verification see only the rows its policies allow",
          "on the source: ALTER ROLE " + Sql.ident(s.user()) + " BYPASSRLS;", REF_ROW_SECURITY));
    }
  }

  private static void notAnalyzed(TableReport t, List<Risk> out) {
    if (t.estimatedRows() < 0) {
      out.add(new Risk("not-analyzed/" + t.source(), Severity.LOW, Likelihood.CERTAIN, t.source().toString(),
          t.source() + " has never been vacuumed or analyzed: its row estimate is unknown, so the copy sample's size and"
              + " the snapshot's chunks are planned blind",
          "on the source: ANALYZE " + t.source().quoted() + ";", REF_ANALYZE));
    }
  }

  private static void extensions(PreflightPlan plan, List<Risk> out) {
    for (Extension e : plan.extensions()) {
      String create = "CREATE EXTENSION IF NOT EXISTS " + Sql.ident(e.name()) + " VERSION " + Sql.literal(e.sourceVersion())
          + ";";
      if (e.targetVersion() == null) {
        out.add(new Risk("extension-missing/" + e.name(), Severity.HIGH, Likelihood.CERTAIN, "extension " + e.name(),
            "extension " + e.name() + " " + e.sourceVersion() + " is installed in the source database but not in the target:"
                + " the types, functions and operators it provides cannot be used there"
                + (e.targetAvailable() == null ? ", and the target server does not have its files" : ""),
            e.targetAvailable() == null
                ? "install the extension's package on the target server, then on the target: " + create
                : "on the target, before baton run: " + create, REF_EXTENSIONS));
      } else if (!e.targetVersion().equals(e.sourceVersion())) {
        out.add(new Risk("extension-version/" + e.name(), Severity.LOW, Likelihood.POSSIBLE, "extension " + e.name(),
            "extension " + e.name() + " is " + e.sourceVersion() + " on the source and " + e.targetVersion() + " on the target:"
                + " its functions and types may behave differently",
            "on the target: ALTER EXTENSION " + Sql.ident(e.name()) + " UPDATE TO " + Sql.literal(e.sourceVersion()) + ";",
            REF_EXTENSIONS));
      }
    }
  }

  /** Logical decoding carries row changes only (29.7). */
  private static void ddl(PreflightPlan plan, List<Risk> out) {
    out.add(new Risk("ddl", Severity.MEDIUM, Likelihood.POSSIBLE, "schema changes",
        "DDL on the source is not replicated: logical decoding carries row changes only, so an ALTER TABLE on a table in"
            + " scope during the migration stops the apply or leaves the target behind (schema drift)",
        "freeze DDL on the tables in scope from baton run until baton finalize; a change that cannot wait goes to the"
            + " target first (additive changes), then to the source, followed by baton reconcile", REF_DDL));
  }

  /**
   * A slot retains WAL until its consumer confirms it; {@code max_slot_wal_keep_size} bounds that,
   * and a slot past the bound is invalidated (19.6.1, {@code wal_status = lost}).
   */
  private static void slotWal(PreflightPlan plan, List<Risk> out) {
    ServerReport s = plan.source();
    Long wal = plan.forecast().walDuringCopyBytes();
    String estimate = wal == null ? null : Units.bytes(wal);
    if (s.maxSlotWalKeepSizeMb() < 0) {
      boolean big = wal != null && wal > UNBOUNDED_WAL_THRESHOLD_BYTES;
      long suggestMb = wal == null ? 0 : Math.max(1024, 2 * mb(wal));
      String set = "ALTER SYSTEM SET max_slot_wal_keep_size = '" + (wal == null ? "SIZE" : suggestMb + "MB") + "';";
      out.add(new Risk("slot-wal-unbounded", big ? Severity.HIGH : Severity.LOW, big ? Likelihood.LIKELY : Likelihood.POSSIBLE,
          "source max_slot_wal_keep_size",
          "max_slot_wal_keep_size = -1 (unlimited) on the source: the slot retains WAL until Baton confirms it"
              + (wal == null ? "" : ", about " + estimate + " during the bulk copy alone (the measured WAL rate times the"
              + " copy's duration)") + (big ? ", more than " + Units.bytes(UNBOUNDED_WAL_THRESHOLD_BYTES) : "")
              + "; a slot that falls behind could fill the source's disk and stop it",
          (wal == null ? "with SIZE above the WAL the slot will retain and below the source's free disk, " : "")
              + "on the source: " + set + " SELECT pg_reload_conf(); and watch the slot"
              + " (baton_replication_slot_retained_wal_bytes, and the disk)", REF_SLOT_WAL));
    } else if (wal != null && s.maxSlotWalKeepSizeMb() * 1024 * 1024 < wal) {
      out.add(new Risk("slot-wal-too-small", Severity.HIGH, Likelihood.LIKELY, "source max_slot_wal_keep_size",
          "max_slot_wal_keep_size = " + s.maxSlotWalKeepSizeMb() + "MB on the source, less than the about " + estimate
              + " of WAL the slot retains during the bulk copy: the slot would be invalidated (wal_status lost) before"
              + " streaming starts, and the migration would have to start over",
          "on the source: ALTER SYSTEM SET max_slot_wal_keep_size = '" + (2 * mb(wal)) + "MB'; SELECT pg_reload_conf();",
          REF_SLOT_WAL));
    }
  }

  /** What reverse replication needs on the target after a cutover: the {@code reverse} gate's checks. */
  private static void reverse(PreflightPlan plan, List<Risk> out) {
    ServerReport t = plan.target();
    if (!"logical".equals(t.walLevel())) {
      out.add(new Risk("reverse-wal-level", Severity.HIGH, Likelihood.CERTAIN, "target wal_level",
          "the target has wal_level = " + t.walLevel() + ": after a cutover, reverse replication (what makes a rollback"
              + " lossless) decodes the target's WAL, so the reverse gate keeps the cutover from starting",
          "on the target: ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL (before the cutover)", REF_WAL_LEVEL));
    }
    capacity(t, plan.migration(), "reverse-", Severity.HIGH, out);
    replicationPrivilege(t, "reverse-", Severity.HIGH, out);
    if (!t.superuser() && !t.canCreateInDatabase()) {
      out.add(new Risk("reverse-publication-privilege", Severity.HIGH, Likelihood.CERTAIN, "role " + t.user(),
          "user " + t.user() + " may not create a publication in the target database " + t.database() + ", which reverse"
              + " replication needs after a cutover",
          "on the target: GRANT CREATE ON DATABASE " + Sql.ident(t.database()) + " TO " + Sql.ident(t.user()) + ";",
          REF_PUBLICATION));
    }
    List<TableReport> notOwned = plan.tables().stream()
        .filter(x -> !t.superuser() && x.targetTable() != null && !x.targetTable().ownedByUser()).toList();
    if (!notOwned.isEmpty()) {
      out.add(new Risk("reverse-publication-owner", Severity.HIGH, Likelihood.CERTAIN, "role " + t.user(),
          "user " + t.user() + " does not own the existing target table" + (notOwned.size() == 1 ? " " : "s ")
              + notOwned.stream().map(x -> x.target() + " (owned by " + x.targetTable().owner() + ")")
                  .collect(Collectors.joining(", "))
              + ", and only a table's owner may add it to a publication: the cutover creates the reverse publication"
              + " inside its write pause, where this would fail and the cutover be undone",
          "on the target, as a superuser: " + notOwned.stream().map(x -> x.targetTable().owner()).distinct()
              .map(o -> "GRANT " + Sql.ident(o) + " TO " + Sql.ident(t.user()) + ";").collect(Collectors.joining(" ")),
          REF_PUBLICATION));
    }
    ServerReport s = plan.source();
    for (SchemaAccess a : s.schemas()) {
      if ((a.exists() && !a.create()) || (!a.exists() && !s.canCreateInDatabase())) {
        out.add(new Risk("reverse-state/" + a.name(), Severity.HIGH, Likelihood.CERTAIN, "role " + s.user(),
            "user " + s.user() + " may not create " + (a.exists() ? "objects in schema " : "schema ") + a.name() + " on the"
                + " source, where reverse replication keeps its state after a cutover",
            "on the source: " + (a.exists() ? "GRANT CREATE ON SCHEMA " + Sql.ident(a.name())
                : "GRANT CREATE ON DATABASE " + Sql.ident(s.database())) + " TO " + Sql.ident(s.user()) + ";", REF_PRIVILEGES));
      }
    }
  }

  /**
   * Attributes beyond what the migration needs. SUPERUSER is needed only where nothing finer lets
   * the user set session_replication_role (before PostgreSQL 15); BYPASSRLS only on a source with
   * row security on a table in scope. The bootstrap superuser keeps its attributes (it is the
   * cluster's last resort): for it, a role of the migration's own is suggested instead.
   */
  private static void excessPrivileges(PreflightPlan plan, ServerReport s, String side, List<Risk> out) {
    List<String> excess = new ArrayList<>();
    List<String> revoke = new ArrayList<>();
    boolean superNeeded = s.versionNum() < 150000;
    if (s.superuser() && !superNeeded) {
      excess.add("SUPERUSER");
      revoke.add("NOSUPERUSER");
    }
    if (s.createRole()) {
      excess.add("CREATEROLE");
      revoke.add("NOCREATEROLE");
    }
    if (s.createDb()) {
      excess.add("CREATEDB");
      revoke.add("NOCREATEDB");
    }
    boolean rlsNeeded = side.equals("source") && plan.tables().stream().anyMatch(TableReport::rowSecurity);
    if (s.bypassRls() && !rlsNeeded) {
      excess.add("BYPASSRLS");
      revoke.add("NOBYPASSRLS");
    }
    if (excess.isEmpty()) {
      return;
    }
    String fix;
    if (s.bootstrapUser() && excess.contains("SUPERUSER")) {
      String role = Sql.ident("baton_" + plan.migration());
      fix = "run the migration as a role of its own rather than the bootstrap superuser; on the " + side + ", as a"
          + " superuser: CREATE ROLE " + role + " LOGIN; " + String.join(" ", needs(plan, s, side, role))
          + " (then give it a password, and pass it in the --" + side + " URL)";
    } else {
      String user = Sql.ident(s.user());
      fix = "on the " + side + ", as a superuser: ALTER ROLE " + user + " " + String.join(" ", revoke) + ";"
          + (excess.contains("SUPERUSER") ? " and grant what the migration needs: " + String.join(" ", needs(plan, s, side, user))
          : "");
    }
    out.add(new Risk("excess-privilege/" + side, Severity.LOW, Likelihood.CERTAIN, "role " + s.user(),
        "user " + s.user() + (s.bootstrapUser() ? " (the bootstrap superuser)" : "") + " has " + String.join(", ", excess)
            + " on the " + side + ", more than the migration needs: a leaked password would give all of it away",
        fix, REF_ROLES));
  }

  /** @return the statements that give {@code role} (quoted) what the migration needs on one side, without SUPERUSER */
  private static List<String> needs(PreflightPlan plan, ServerReport s, String side, String role) {
    List<String> sql = new ArrayList<>();
    sql.add("ALTER ROLE " + role + " REPLICATION;");
    sql.add("GRANT SET ON PARAMETER session_replication_role TO " + role + ";");
    sql.add("GRANT CREATE ON DATABASE " + Sql.ident(s.database()) + " TO " + role + ";");
    if (side.equals("source")) {
      if (!plan.tables().isEmpty()) {
        sql.add("GRANT SELECT ON TABLE " + quoted(plan.tables()) + " TO " + role + ";");
      }
      ownership(s, role, plan.tables().stream().collect(Collectors.toMap(t -> t.source().quoted(), TableReport::owner,
          (a, b) -> a, LinkedHashMap::new)), sql);
    } else {
      // CREATE TABLE needs CREATE on its schema, which PUBLIC no longer has on public (PostgreSQL 15)
      plan.tables().stream().map(t -> t.target().schema()).distinct()
          .forEach(schema -> sql.add("GRANT CREATE ON SCHEMA " + Sql.ident(schema) + " TO " + role + ";"));
      Map<String, String> existing = plan.tables().stream().filter(t -> t.targetTable() != null)
          .collect(Collectors.toMap(t -> t.target().quoted(), t -> t.targetTable().owner(), (a, b) -> a,
              LinkedHashMap::new));
      if (!existing.isEmpty()) {
        sql.add("GRANT INSERT, UPDATE, DELETE, TRUNCATE ON TABLE " + String.join(", ", existing.keySet()) + " TO " + role + ";");
        // the reverse publication, created at cutover, takes the rights of the target tables' owner
        ownership(s, role, existing, sql);
      }
    }
    return sql;
  }

  /**
   * Adds what lets {@code role} act as the owner of each table, as putting a table in a publication
   * needs (PostgreSQL manual, CREATE PUBLICATION): membership in each owner; membership in the
   * bootstrap superuser would hand over everything it owns, so its tables get the role as owner.
   *
   * @param tables quoted table name to its owner, in the order the statements should follow
   */
  private static void ownership(ServerReport s, String role, Map<String, String> tables, List<String> sql) {
    List<String> bootstrapOwned = tables.entrySet().stream()
        .filter(e -> s.bootstrapUser() && e.getValue().equals(s.user())).map(Map.Entry::getKey).toList();
    tables.entrySet().stream().filter(e -> !bootstrapOwned.contains(e.getKey())).map(Map.Entry::getValue)
        .filter(o -> !o.equals(s.user())).distinct()
        .forEach(o -> sql.add("GRANT " + Sql.ident(o) + " TO " + role + ";"));
    bootstrapOwned.forEach(t -> sql.add("ALTER TABLE " + t + " OWNER TO " + role + ";"));
  }

  private static void targetDisk(PreflightPlan plan, List<Risk> out) {
    if (plan.forecast().targetFreeBytes() == null) {
      out.add(new Risk("target-disk", Severity.LOW, Likelihood.POSSIBLE, "target disk",
          "free disk on the target cannot be read through SQL, so it was not compared: the tables need about "
              + Units.bytes(plan.forecast().targetDiskBytes()) + " there (their size on the source, indexes and TOAST"
              + " included, plus " + Math.round(Estimates.DISK_MARGIN * 100) + "%)",
          "check the free space of the target's data directory (df -h on the target server) before baton run",
          REF_SIZES));
    }
  }

  private static void checkProblems(PreflightPlan plan, List<Risk> out) {
    int n = 0;
    for (String p : plan.checkProblems()) {
      int fix = p.indexOf(" Fix: ");
      String what = fix < 0 ? p : p.substring(0, fix);
      String mitigation = fix < 0 ? "correct the spec or the database as the message says" : p.substring(fix + 6);
      out.add(new Risk("baton-run-check/" + ++n, Severity.BLOCKING, Likelihood.CERTAIN, "spec", what + "; baton run refuses"
          + " to start", mitigation, REF_CHECKS));
    }
  }

  private static String names(List<TableReport> tables) {
    return tables.stream().map(t -> t.source().toString()).collect(Collectors.joining(", "));
  }

  private static String quoted(List<TableReport> tables) {
    return tables.stream().map(t -> t.source().quoted()).collect(Collectors.joining(", "));
  }

  private static long mb(long bytes) {
    return (bytes + 1024 * 1024 - 1) / (1024 * 1024);
  }

}
