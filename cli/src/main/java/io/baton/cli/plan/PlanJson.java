package io.baton.cli.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.BatonException;
import io.baton.cli.plan.PreflightPlan.CopySample;
import io.baton.cli.plan.PreflightPlan.Extension;
import io.baton.cli.plan.PreflightPlan.Forecast;
import io.baton.cli.plan.PreflightPlan.ForeignKey;
import io.baton.cli.plan.PreflightPlan.GeneratedColumn;
import io.baton.cli.plan.PreflightPlan.Risk;
import io.baton.cli.plan.PreflightPlan.SchemaAccess;
import io.baton.cli.plan.PreflightPlan.SequenceUse;
import io.baton.cli.plan.PreflightPlan.ServerReport;
import io.baton.cli.plan.PreflightPlan.TableReport;
import io.baton.cli.plan.PreflightPlan.TargetTable;
import io.baton.cli.plan.PreflightPlan.Trigger;
import io.baton.cli.plan.PreflightPlan.TypeIssue;
import java.util.List;
import java.util.Locale;

/**
 * The plan as JSON, for programs. Sizes are bytes, rates bytes per second, durations seconds;
 * a figure that could not be measured is {@code null}; lists are never null. The shape:
 *
 * <pre>{@code
 * {
 *   "migration": "shop", "taken_at": "2026-01-31T10:00:00Z", "schema_mode": "create|existing",
 *   "earlier_run": null,                        // or the journal's last state, for example "STREAMING"
 *   "verdict": "ok|blocked", "blocking": 0,
 *   "tables": [{
 *     "source": "public.orders", "target": "sales.orders",
 *     "kind": "table|partitioned|partition", "partition_of": null, "partitions": [],
 *     "total_bytes": 0, "heap_bytes": 0, "toast_bytes": 0, "index_bytes": 0,
 *     "estimated_rows": 0,                      // -1: never analyzed
 *     "primary_key": ["id"], "replica_identity": "default|nothing|full|index", "replica_identity_index": null,
 *     "row_security": false, "force_row_security": false, "owner": "app", "owned_by_user": true, "can_select": true,
 *     "toastable_columns": ["note"],
 *     "type_issues": [{"column", "type", "kind": "multidimensional_array|timetz|no_text_form|timestamp_range"}],
 *     "sequences": [{"column", "sequence", "identity": "always|by default|null", "owned", "on_target"}],
 *     "generated_columns": [{"column", "type", "expression", "dropped_by_spec"}],
 *     "foreign_keys": [{"name", "table", "columns", "references", "referenced_columns", "in_scope"}],
 *     "referenced_by": [ same shape: keys of tables out of scope that reference this one ],
 *     "triggers": [{"name", "enabled": "O|D|R|A", "state": "enabled|disabled|enabled replica|enabled always", "definition"}],
 *     "target_table": null | {"insert", "update", "delete", "truncate", "owner", "owned_by_user", "triggers": [...]}
 *   }],
 *   "missing_tables": [], "load_order": ["public.parent", "public.child"], "cycles": [["public.a", "public.b"]],
 *   "extensions": [{"name", "source_version", "target_version": null, "target_available": null}],
 *   "source": server, "target": server,
 *   "estimates": {
 *     "total_bytes", "heap_bytes", "toast_bytes", "index_bytes", "target_disk_bytes", "target_free_bytes": null,
 *     "disk_margin": 0.2, "sample_seconds", "wal_bytes_per_second",
 *     "copy_sample": null | {"table", "rows", "bytes", "seconds", "bytes_per_second", "whole_table"},
 *     "copy_seconds", "parallelism", "chunks", "parallel_copy_seconds", "wal_during_copy_bytes"
 *   },
 *   "check_problems": ["..."],
 *   "risks": [{"id", "severity": "blocking|high|medium|low", "likelihood": "certain|likely|possible",
 *              "subject", "what", "mitigation", "reference"}],
 *   "point_of_no_return": "baton finalize ..."
 * }
 * }</pre>
 *
 * <p>where {@code server} is {@code {"url", "user", "database", "version", "version_num", "wal_level",
 * "max_replication_slots", "replication_slots_used", "free_replication_slots", "max_wal_senders",
 * "wal_senders_used", "free_wal_senders", "max_slot_wal_keep_size_mb" (-1 unlimited), "superuser",
 * "bootstrap_user", "replication", "create_role", "create_db", "bypass_rls", "can_set_replica_role",
 * "can_create_in_database", "schemas": [{"name", "exists", "create", "purpose": "tables|state"}]}}.
 */
public final class PlanJson {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlanJson() {}

  /**
   * @param plan the plan
   * @return the JSON document, indented, ending with a line break
   * @throws BatonException when it cannot be written (not expected)
   */
  public static String render(PreflightPlan plan) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("migration", plan.migration());
    root.put("taken_at", java.time.Instant.ofEpochMilli(plan.takenAtMs()).toString());
    root.put("schema_mode", plan.schemaMode());
    root.put("earlier_run", plan.earlierRun());
    root.put("verdict", plan.blocking().isEmpty() ? "ok" : "blocked");
    root.put("blocking", plan.blocking().size());
    ArrayNode tables = root.putArray("tables");
    plan.tables().forEach(t -> table(tables.addObject(), t));
    strings(root.putArray("missing_tables"), plan.missingTables());
    strings(root.putArray("load_order"), plan.loadOrder());
    ArrayNode cycles = root.putArray("cycles");
    plan.cycles().forEach(c -> strings(cycles.addArray(), c));
    ArrayNode extensions = root.putArray("extensions");
    for (Extension e : plan.extensions()) {
      extensions.addObject().put("name", e.name()).put("source_version", e.sourceVersion())
          .put("target_version", e.targetVersion()).put("target_available", e.targetAvailable());
    }
    server(root.putObject("source"), plan.source());
    server(root.putObject("target"), plan.target());
    forecast(root.putObject("estimates"), plan.forecast());
    strings(root.putArray("check_problems"), plan.checkProblems());
    ArrayNode risks = root.putArray("risks");
    for (Risk r : plan.risks()) {
      risks.addObject().put("id", r.id()).put("severity", r.severity().label()).put("likelihood", r.likelihood().label())
          .put("subject", r.subject()).put("what", r.what()).put("mitigation", r.mitigation()).put("reference", r.reference());
    }
    root.put("point_of_no_return", PreflightPlan.POINT_OF_NO_RETURN);
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new BatonException("cannot write the plan as JSON: " + e.getMessage(), e);
    }
  }

  private static void table(ObjectNode n, TableReport t) {
    n.put("source", t.source().toString()).put("target", t.target().toString()).put("kind", t.kind())
        .put("partition_of", t.partitionOf());
    strings(n.putArray("partitions"), t.partitions());
    n.put("total_bytes", t.totalBytes()).put("heap_bytes", t.heapBytes()).put("toast_bytes", t.toastBytes())
        .put("index_bytes", t.indexBytes()).put("estimated_rows", t.estimatedRows());
    strings(n.putArray("primary_key"), t.primaryKey());
    n.put("replica_identity", switch (t.replicaIdentity()) {
      case 'd' -> "default";
      case 'n' -> "nothing";
      case 'f' -> "full";
      case 'i' -> "index";
      default -> String.valueOf(t.replicaIdentity());
    }).put("replica_identity_index", t.replicaIdentityIndex());
    n.put("row_security", t.rowSecurity()).put("force_row_security", t.forceRowSecurity()).put("owner", t.owner())
        .put("owned_by_user", t.ownedByUser()).put("can_select", t.canSelect());
    strings(n.putArray("toastable_columns"), t.toastableColumns());
    ArrayNode issues = n.putArray("type_issues");
    for (TypeIssue i : t.typeIssues()) {
      issues.addObject().put("column", i.column()).put("type", i.type()).put("kind", i.kind().name().toLowerCase(Locale.ROOT));
    }
    ArrayNode sequences = n.putArray("sequences");
    for (SequenceUse s : t.sequences()) {
      sequences.addObject().put("column", s.column()).put("sequence", s.sequence()).put("identity", s.identity())
          .put("owned", s.owned()).put("on_target", s.onTarget());
    }
    ArrayNode generated = n.putArray("generated_columns");
    for (GeneratedColumn g : t.generatedColumns()) {
      generated.addObject().put("column", g.column()).put("type", g.type()).put("expression", g.expression())
          .put("dropped_by_spec", g.droppedBySpec());
    }
    keys(n.putArray("foreign_keys"), t.foreignKeys());
    keys(n.putArray("referenced_by"), t.referencedBy());
    triggers(n.putArray("triggers"), t.triggers());
    TargetTable tt = t.targetTable();
    if (tt == null) {
      n.putNull("target_table");
    } else {
      ObjectNode o = n.putObject("target_table").put("insert", tt.insert()).put("update", tt.update())
          .put("delete", tt.delete()).put("truncate", tt.truncate()).put("owner", tt.owner())
          .put("owned_by_user", tt.ownedByUser());
      triggers(o.putArray("triggers"), tt.triggers());
    }
  }

  private static void keys(ArrayNode a, List<ForeignKey> keys) {
    for (ForeignKey k : keys) {
      ObjectNode o = a.addObject().put("name", k.name()).put("table", k.table().toString());
      strings(o.putArray("columns"), k.columns());
      o.put("references", k.references().toString());
      strings(o.putArray("referenced_columns"), k.referencedColumns());
      o.put("in_scope", k.inScope());
    }
  }

  private static void triggers(ArrayNode a, List<Trigger> triggers) {
    for (Trigger g : triggers) {
      a.addObject().put("name", g.name()).put("enabled", String.valueOf(g.enabled())).put("state", g.enabledName())
          .put("definition", g.definition());
    }
  }

  private static void server(ObjectNode n, ServerReport s) {
    n.put("url", s.url()).put("user", s.user()).put("database", s.database()).put("version", s.version())
        .put("version_num", s.versionNum()).put("wal_level", s.walLevel())
        .put("max_replication_slots", s.maxReplicationSlots()).put("replication_slots_used", s.replicationSlotsUsed())
        .put("free_replication_slots", s.freeReplicationSlots()).put("max_wal_senders", s.maxWalSenders())
        .put("wal_senders_used", s.walSendersUsed()).put("free_wal_senders", s.freeWalSenders())
        .put("max_slot_wal_keep_size_mb", s.maxSlotWalKeepSizeMb()).put("superuser", s.superuser())
        .put("bootstrap_user", s.bootstrapUser())
        .put("replication", s.replication()).put("create_role", s.createRole()).put("create_db", s.createDb())
        .put("bypass_rls", s.bypassRls()).put("can_set_replica_role", s.canSetReplicaRole())
        .put("can_create_in_database", s.canCreateInDatabase());
    ArrayNode schemas = n.putArray("schemas");
    for (SchemaAccess a : s.schemas()) {
      schemas.addObject().put("name", a.name()).put("exists", a.exists()).put("create", a.create()).put("purpose", a.purpose());
    }
  }

  private static void forecast(ObjectNode n, Forecast f) {
    n.put("total_bytes", f.totalBytes()).put("heap_bytes", f.heapBytes()).put("toast_bytes", f.toastBytes())
        .put("index_bytes", f.indexBytes()).put("target_disk_bytes", f.targetDiskBytes())
        .put("target_free_bytes", f.targetFreeBytes()).put("disk_margin", Estimates.DISK_MARGIN)
        .put("sample_seconds", f.sampleSeconds()).put("wal_bytes_per_second", f.walBytesPerSecond());
    CopySample c = f.copySample();
    if (c == null) {
      n.putNull("copy_sample");
    } else {
      n.putObject("copy_sample").put("table", c.table()).put("rows", c.rows()).put("bytes", c.bytes())
          .put("seconds", c.seconds()).put("bytes_per_second", c.bytesPerSecond()).put("whole_table", c.wholeTable());
    }
    n.put("copy_seconds", f.copySeconds()).put("parallelism", f.parallelism()).put("chunks", f.chunks())
        .put("parallel_copy_seconds", f.parallelCopySeconds()).put("wal_during_copy_bytes", f.walDuringCopyBytes());
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }
}
