package io.baton.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.BatonException;
import io.baton.capture.SnapshotProgress;
import io.baton.cutover.MigrationState;
import io.baton.pg.PgErrors;
import io.baton.reconciler.ContinuousVerifier;
import io.baton.reconciler.VerifyResults;
import io.baton.spec.MigrationSpec;
import io.baton.spec.TableMapping;
import io.baton.state.JournalEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-only views of a running migration that the control API serves besides status and gates:
 * replication figures per direction, tables, journal, health and readiness. Each builds its JSON
 * from the migration as it stands when called.
 */
final class StatusViews {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** States in which the migration is not doing its work: {@code /readyz} answers 503. */
  private static final List<MigrationState> NOT_READY = List.of(MigrationState.PLANNED, MigrationState.FAILED,
      MigrationState.FINALIZED);

  private final Migration migration;
  private final MigrationSpec spec;

  StatusViews(Migration migration, MigrationSpec spec) {
    this.migration = migration;
    this.spec = spec;
  }

  /**
   * @return {@code forward} and {@code reverse}, each {@code running}, {@code slot_lag_bytes},
   *     {@code retained_wal_bytes} (-1 unknown), {@code slot_active}, {@code apply_lag_seconds} (last
   *     batch, source commit to target commit), {@code captured_changes} and
   *     {@code applied_changes} (since the direction started); and {@code at_ms}, when read
   */
  ObjectNode replication() {
    ObjectNode n = JSON.createObjectNode();
    direction(n.putObject("forward"), migration.forwardPipeline());
    direction(n.putObject("reverse"), migration.reversePipeline());
    n.put("at_ms", System.currentTimeMillis());
    return n;
  }

  private static void direction(ObjectNode n, ReplicationPipeline p) {
    n.put("running", p != null);
    ReplicationPipeline.SlotStatus slot = p == null ? null : p.slotStatus();
    n.put("slot_lag_bytes", slot == null ? 0 : slot.lagBytes());
    n.put("retained_wal_bytes", slot == null ? 0 : slot.retainedBytes());
    n.put("slot_active", slot != null && slot.active());
    n.put("apply_lag_seconds", p == null ? 0 : p.applyLagMs() / 1000.0);
    n.put("captured_changes", p == null ? 0 : p.capturedEvents());
    n.put("applied_changes", p == null ? 0 : p.appliedEvents());
  }

  /**
   * @return {@code tables[]}, in spec order: {@code source}, {@code target}, {@code snapshot}
   *     ({@code rows}, {@code estimated_rows}, {@code chunks}, {@code chunks_done},
   *     {@code rows_per_second}, {@code eta_seconds}; null when no snapshot ran in this process),
   *     {@code verify} (the last live verification pass: {@code passes}, {@code source_rows},
   *     {@code target_rows}, {@code mismatched_rows}, {@code clean}, {@code last_clean_pass_at_ms};
   *     null before one), {@code quarantined} (rows in {@code baton.quarantine}, -1 when the
   *     target cannot be read), {@code applied_changes} (row changes this process applied to the
   *     target table) and {@code applied_back_changes} (to the source table, after a cutover)
   */
  ObjectNode tables() {
    SnapshotProgress progress = migration.snapshotProgress();
    ContinuousVerifier verifier = migration.verifier();
    Map<String, VerifyResults.TableResult> verified = verifier == null ? Map.of() : verifier.results();
    Map<String, Long> quarantined = quarantinedByTable();
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("tables");
    for (TableMapping m : spec.tables()) {
      ObjectNode t = list.addObject().put("source", m.source().toString()).put("target", m.target().toString());
      SnapshotProgress.Table s = progress == null ? null
          : progress.tables().stream().filter(x -> x.table().equals(m.source())).findFirst().orElse(null);
      if (s == null) {
        t.putNull("snapshot");
      } else {
        t.putObject("snapshot").put("rows", s.rows()).put("estimated_rows", s.estimatedRows()).put("chunks", s.chunks())
            .put("chunks_done", s.chunksDone()).put("rows_per_second", progress.rowsPerSecond(s))
            .put("eta_seconds", progress.etaSeconds(s));
      }
      VerifyResults.TableResult v = verified.get(m.source().toString());
      if (v == null) {
        t.putNull("verify");
      } else {
        t.putObject("verify").put("passes", v.passes()).put("source_rows", v.sourceRows()).put("target_rows", v.targetRows())
            .put("mismatched_rows", v.mismatchedRows()).put("clean", v.clean())
            .put("last_clean_pass_at_ms", v.lastCleanPassAtMs());
      }
      t.put("quarantined", quarantined == null ? -1 : quarantined.getOrDefault(m.source().toString(), 0L));
      t.put("applied_changes", migration.appliedChanges("forward", m.target()));
      t.put("applied_back_changes", migration.appliedChanges("reverse", m.source()));
    }
    return root;
  }

  /** @return rows in {@code baton.quarantine} per source table; null when the target cannot be read */
  private Map<String, Long> quarantinedByTable() {
    Map<String, Long> out = new HashMap<>();
    try (Connection c = migration.target().connect();
        PreparedStatement ps = c.prepareStatement("SELECT source_table, count(*) FROM baton.quarantine WHERE migration = ?"
            + " GROUP BY source_table")) {
      ps.setString(1, spec.name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
      return out;
    } catch (SQLException e) {
      // before the state schema exists there is nothing in quarantine
      return "42P01".equals(e.getSQLState()) ? out : null;
    } catch (BatonException e) {
      return null;
    }
  }

  /**
   * @return {@code entries[]}, oldest first: {@code at_ms}, {@code actor}, {@code from},
   *     {@code to}, {@code detail}
   * @throws BatonException when the target cannot be read
   */
  ObjectNode journal() {
    List<JournalEntry> entries;
    try (Connection c = migration.target().connect()) {
      entries = JournalEntry.read(c, spec.name());
    } catch (SQLException e) {
      throw PgErrors.classify("reading the journal on " + migration.target(), e);
    }
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("entries");
    for (JournalEntry e : entries) {
      list.addObject().put("at_ms", e.atMs()).put("actor", e.actor()).put("from", e.from()).put("to", e.to())
          .put("detail", e.detail());
    }
    return root;
  }

  /**
   * @return null when the migration is ready (it streams, verifies or has switched, and no
   *     direction that runs has stopped on an error), otherwise why not
   */
  String notReady() {
    MigrationState state = migration.state();
    if (NOT_READY.contains(state)) {
      return "migration " + spec.name() + " is " + state;
    }
    for (ReplicationPipeline p : new ReplicationPipeline[] {migration.forwardPipeline(), migration.reversePipeline()}) {
      if (p != null) {
        try {
          p.checkHealthy();
        } catch (BatonException e) {
          return e.getMessage();
        }
      }
    }
    return null;
  }
}
