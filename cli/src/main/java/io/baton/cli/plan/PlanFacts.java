package io.baton.cli.plan;

import io.baton.cli.plan.PreflightPlan.Forecast;
import io.baton.cli.plan.PreflightPlan.ForeignKey;
import io.baton.cli.plan.PreflightPlan.GeneratedColumn;
import io.baton.cli.plan.PreflightPlan.Risk;
import io.baton.cli.plan.PreflightPlan.SchemaAccess;
import io.baton.cli.plan.PreflightPlan.SequenceUse;
import io.baton.cli.plan.PreflightPlan.ServerReport;
import io.baton.cli.plan.PreflightPlan.Severity;
import io.baton.cli.plan.PreflightPlan.TableReport;
import io.baton.cli.plan.PreflightPlan.TargetTable;
import io.baton.cli.plan.PreflightPlan.TypeIssue;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The plan's facts put into words, shared by the text and Markdown renderings so that both say
 * the same thing: the per-table details, the settings side by side, the estimates, the verdict.
 * Each method returns label and value pairs, or lines, in display order.
 */
final class PlanFacts {
  private PlanFacts() {}

  /** @return the one-line verdict */
  static String verdict(PreflightPlan plan) {
    int blocking = plan.blocking().size();
    return blocking == 0 ? "no blocking risk: baton run can start (read the other risks first)"
        : blocking + " blocking risk" + (blocking == 1 ? "" : "s") + ": baton run would refuse to start or fail; fix "
            + (blocking == 1 ? "it" : "them") + " first (see Risks)";
  }

  /** @return where an earlier run of the migration stands, in words */
  static String earlierRun(PreflightPlan plan) {
    return plan.earlierRun() == null ? "none (a new migration)"
        : "the journal on the target says " + plan.earlierRun() + "; baton run would continue from there";
  }

  /** @return how many risks of each severity, for example {@code 1 blocking, 2 medium, 3 low} */
  static String riskCounts(PreflightPlan plan) {
    Map<Severity, Long> counts = new EnumMap<>(Severity.class);
    for (Risk r : plan.risks()) {
      counts.merge(r.severity(), 1L, Long::sum);
    }
    return counts.isEmpty() ? "none" : counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().label())
        .collect(Collectors.joining(", "));
  }

  /** @return the table's details that have something to say, label to value */
  static Map<String, String> details(PreflightPlan plan, TableReport t) {
    Map<String, String> d = new LinkedHashMap<>();
    if (t.kind().equals("partitioned")) {
      d.put("partitions", t.partitions().isEmpty() ? "none" : String.join(", ", t.partitions())
          + " (the spec names the parent)");
    } else if (t.kind().equals("partition")) {
      d.put("partition of", t.partitionOf() + " (the spec names this partition, not the parent)");
    }
    if (!t.foreignKeys().isEmpty()) {
      d.put("foreign keys", t.foreignKeys().stream().map(PlanFacts::key).collect(Collectors.joining("; ")));
    }
    if (!t.referencedBy().isEmpty()) {
      d.put("referenced by", t.referencedBy().stream().map(k -> k.table() + "." + k.name() + " (out of scope)")
          .collect(Collectors.joining("; ")));
    }
    if (!t.toastableColumns().isEmpty()) {
      d.put("toastable", String.join(", ", t.toastableColumns()) + " (TOAST " + Units.bytes(t.toastBytes()) + ")");
    }
    if (!t.typeIssues().isEmpty()) {
      d.put("types", t.typeIssues().stream().map(PlanFacts::typeIssue).collect(Collectors.joining("; ")));
    }
    if (!t.sequences().isEmpty()) {
      d.put("sequences", t.sequences().stream().map(PlanFacts::sequence).collect(Collectors.joining("; ")));
    }
    if (!t.generatedColumns().isEmpty()) {
      d.put("generated", t.generatedColumns().stream().map(PlanFacts::generated).collect(Collectors.joining("; ")));
    }
    if (!t.triggers().isEmpty()) {
      d.put("triggers", t.triggers().stream().map(g -> g.name() + " (" + g.enabledName() + ")")
          .collect(Collectors.joining(", ")));
    }
    if (t.rowSecurity()) {
      d.put("row security", "enabled" + (t.forceRowSecurity() ? ", forced for the owner too" : ""));
    }
    List<String> rights = new ArrayList<>();
    if (!t.canSelect()) {
      rights.add("no SELECT");
    }
    if (!t.ownedByUser()) {
      rights.add("owned by " + t.owner() + ", not by the user");
    }
    if (!rights.isEmpty()) {
      d.put("source rights", String.join("; ", rights));
    }
    d.put("target", target(plan, t));
    return d;
  }

  static String key(ForeignKey k) {
    return k.name() + " (" + String.join(", ", k.columns()) + ") -> " + k.references() + " ("
        + String.join(", ", k.referencedColumns()) + ")" + (k.inScope() ? "" : " (out of scope)");
  }

  static String typeIssue(TypeIssue i) {
    String why = switch (i.kind()) {
      case MULTIDIMENSIONAL_ARRAY -> "multi-dimensional array";
      case TIMETZ -> "offset lost in the stream";
      case NO_TEXT_FORM -> "pseudo-type, no text form";
      case TIMESTAMP_RANGE -> "values after 294247 AD cut short in the stream";
    };
    return i.column() + " " + i.type() + " (" + why + ")";
  }

  static String sequence(SequenceUse s) {
    return s.column() + ": " + s.sequence() + (s.identity() != null ? " (identity, " + s.identity() + ")"
        : s.owned() ? " (owned)" : " (not owned by the column)");
  }

  static String generated(GeneratedColumn g) {
    return g.column() + " = " + g.expression() + (g.droppedBySpec() ? " (dropped by the spec)" : "");
  }

  static String target(PreflightPlan plan, TableReport t) {
    TargetTable tt = t.targetTable();
    if (tt == null) {
      return t.target() + " does not exist" + (plan.schemaMode().equals("create") ? " (baton run creates it)" : "");
    }
    List<String> denied = new ArrayList<>();
    if (!tt.insert()) {
      denied.add("INSERT");
    }
    if (!tt.update()) {
      denied.add("UPDATE");
    }
    if (!tt.delete()) {
      denied.add("DELETE");
    }
    if (!tt.truncate()) {
      denied.add("TRUNCATE");
    }
    return t.target() + " exists; " + (denied.isEmpty() ? "INSERT, UPDATE, DELETE, TRUNCATE allowed"
        : "not allowed: " + String.join(", ", denied))
        + (tt.ownedByUser() ? "" : "; owned by " + tt.owner() + ", not by the user")
        + (tt.triggers().isEmpty() ? "" : "; triggers: " + tt.triggers().stream()
            .map(g -> g.name() + " (" + g.enabledName() + ")").collect(Collectors.joining(", ")));
  }

  /** @return rows of {label, source, target} */
  static List<String[]> settings(PreflightPlan plan) {
    ServerReport s = plan.source();
    ServerReport t = plan.target();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"server version", s.version(), t.version()});
    rows.add(new String[] {"wal_level", s.walLevel() + ("logical".equals(s.walLevel()) ? " (ok)" : " (must be logical)"),
        t.walLevel() + ("logical".equals(t.walLevel()) ? " (ok for reverse)" : " (reverse needs logical)")});
    rows.add(new String[] {"replication slots free", s.freeReplicationSlots() + " of " + s.maxReplicationSlots(),
        t.freeReplicationSlots() + " of " + t.maxReplicationSlots()});
    rows.add(new String[] {"WAL senders free", s.freeWalSenders() + " of " + s.maxWalSenders(),
        t.freeWalSenders() + " of " + t.maxWalSenders()});
    rows.add(new String[] {"max_slot_wal_keep_size", keepSize(s), keepSize(t)});
    rows.add(new String[] {"user", s.user(), t.user()});
    rows.add(new String[] {"role attributes", attributes(s), attributes(t)});
    rows.add(new String[] {"may set session_replication_role", yes(s.canSetReplicaRole()), yes(t.canSetReplicaRole())});
    rows.add(new String[] {"CREATE on the database", yes(s.canCreateInDatabase()), yes(t.canCreateInDatabase())});
    long selectable = plan.tables().stream().filter(TableReport::canSelect).count();
    long owned = plan.tables().stream().filter(TableReport::ownedByUser).count();
    rows.add(new String[] {"SELECT on tables in scope", selectable + " of " + plan.tables().size(), "-"});
    rows.add(new String[] {"owns tables in scope (publication)", owned + " of " + plan.tables().size(), "-"});
    long existing = plan.tables().stream().filter(x -> x.targetTable() != null).count();
    long writable = plan.tables().stream().filter(x -> x.targetTable() != null && x.targetTable().insert()
        && x.targetTable().update() && x.targetTable().delete()).count();
    rows.add(new String[] {"writes on existing target tables", "-",
        existing == 0 ? "no target table exists yet" : writable + " of " + existing + " allow INSERT, UPDATE, DELETE"});
    Map<String, String[]> schemas = new LinkedHashMap<>();
    for (SchemaAccess a : t.schemas()) {
      schemas.computeIfAbsent(a.name(), n -> new String[] {"schema " + n + " (" + a.purpose() + ")", "-", "-"})[2] =
          schema(a, t);
    }
    for (SchemaAccess a : s.schemas()) {
      schemas.computeIfAbsent(a.name(), n -> new String[] {"schema " + n + " (" + a.purpose() + ")", "-", "-"})[1] =
          schema(a, s);
    }
    rows.addAll(schemas.values());
    return rows;
  }

  private static String schema(SchemaAccess a, ServerReport server) {
    return a.exists() ? (a.create() ? "exists, CREATE allowed" : "exists, no CREATE")
        : "to be created: " + (server.canCreateInDatabase() ? "allowed" : "not allowed");
  }

  private static String keepSize(ServerReport s) {
    return s.maxSlotWalKeepSizeMb() < 0 ? "-1 (unlimited)" : s.maxSlotWalKeepSizeMb() + "MB";
  }

  private static String attributes(ServerReport s) {
    List<String> a = new ArrayList<>();
    if (s.superuser()) {
      a.add("SUPERUSER");
    }
    if (s.replication()) {
      a.add("REPLICATION");
    }
    if (s.createRole()) {
      a.add("CREATEROLE");
    }
    if (s.createDb()) {
      a.add("CREATEDB");
    }
    if (s.bypassRls()) {
      a.add("BYPASSRLS");
    }
    return a.isEmpty() ? "none" : String.join(" ", a);
  }

  private static String yes(boolean b) {
    return b ? "yes" : "no";
  }

  /** @return the estimates, label to value */
  static Map<String, String> estimates(Forecast f) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("tables on the source", Units.bytes(f.totalBytes()) + " (heap " + Units.bytes(f.heapBytes()) + ", TOAST "
        + Units.bytes(f.toastBytes()) + ", indexes " + Units.bytes(f.indexBytes()) + ")");
    e.put("target disk needed", "about " + Units.bytes(f.targetDiskBytes()) + " (the tables' total size plus "
        + Math.round(Estimates.DISK_MARGIN * 100) + "%); free disk on the target: "
        + (f.targetFreeBytes() == null ? "not readable through SQL, not compared: check it" : Units.bytes(f.targetFreeBytes())));
    e.put("source WAL rate", f.walBytesPerSecond() == null ? "not sampled (--sample-seconds 0)"
        : Units.rate(f.walBytesPerSecond()) + " (pg_current_wal_lsn() sampled over " + f.sampleSeconds() + " s)");
    if (f.copySample() == null) {
      e.put("copy rate", "not measured (no table the user may read)");
    } else {
      PreflightPlan.CopySample c = f.copySample();
      e.put("copy rate", Units.rate(c.bytesPerSecond()) + " of COPY text, one stream, read side only: "
          + Units.bytes(c.bytes()) + ", " + Units.count(c.rows()) + " rows of " + c.table() + " ("
          + (c.wholeTable() ? "the whole table" : "part of it") + ") in " + Units.duration(c.seconds()));
    }
    if (f.copySeconds() == null) {
      e.put("bulk copy duration", "unknown (no copy rate)");
    } else {
      e.put("bulk copy duration", Units.duration(f.copySeconds()) + " at the measured rate, one stream (heap and TOAST over"
          + " the rate); with snapshot.parallelism " + f.parallelism() + " over about " + f.chunks() + " chunk"
          + (f.chunks() == 1 ? "" : "s") + ", at best " + Units.duration(f.parallelCopySeconds())
          + " if both servers keep up (not measured)");
    }
    e.put("WAL retained during the copy", f.walDuringCopyBytes() == null ? "unknown (needs the WAL rate and the copy rate)"
        : "about " + Units.bytes(f.walDuringCopyBytes()) + " (the WAL rate times the one-stream duration)");
    return e;
  }
}
