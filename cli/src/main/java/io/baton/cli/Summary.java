package io.baton.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.reconciler.ComparisonJson;
import io.baton.reconciler.TableComparison;
import java.util.ArrayList;
import java.util.List;

/**
 * What a rehearsal or demo measured and checked; printed for people and written as JSON
 * ({@code --summary-json}).
 *
 * <p>JSON keys: {@code status} ("ok" or "failed"), {@code error}, {@code snapshot.rows},
 * {@code snapshot.rows_per_second}, {@code stream.events}, {@code reconcile.equal} and
 * {@code reconcile.mismatched_rows} (of the last verification), {@code reconcile.steps[]},
 * {@code cutover.write_pause_ms} and {@code rollback.write_pause_ms} (longest gap between
 * consecutive client commits around the switch, from pgbench's per-transaction log),
 * {@code cutover.controller_pause_ms}, {@code workload.transactions},
 * {@code workload.failed_transactions}, {@code slots_left}.
 */
final class Summary {
  /**
   * One verification step.
   *
   * @param step when it ran
   * @param tables the comparison of every table
   * @param holdMs how long client writes were held for it, 0 when they were not
   */
  record Verification(String step, List<TableComparison> tables, long holdMs) {
    boolean equal() {
      return tables.stream().allMatch(TableComparison::equal);
    }

    long mismatchedRows() {
      return tables.stream().mapToLong(TableComparison::mismatchedRows).sum();
    }
  }

  String spec;
  String error;
  boolean badInput;
  long snapshotRows;
  long snapshotMillis;
  long streamEvents;
  long transactions;
  long failedTransactions = -1;
  long cutoverPauseMs = -1;
  long rollbackPauseMs = -1;
  long cutoverControllerMs = -1;
  long rollbackControllerMs = -1;
  long maxPauseMs;
  int slotsLeft = -1;
  final List<Verification> verifications = new ArrayList<>();

  /** @return the checks that failed, empty when the rehearsal passed */
  List<String> failures() {
    List<String> f = new ArrayList<>();
    if (error != null) {
      f.add("error: " + error);
    }
    if (verifications.isEmpty()) {
      f.add("no verification ran");
    }
    for (Verification v : verifications) {
      if (!v.equal()) {
        f.add("verification " + v.step() + ": " + v.mismatchedRows() + " rows differ");
      }
    }
    if (failedTransactions != 0) {
      f.add("workload: " + failedTransactions + " failed transactions");
    }
    if (cutoverPauseMs < 0 || cutoverPauseMs >= maxPauseMs) {
      f.add("cutover write pause " + cutoverPauseMs + " ms (limit " + maxPauseMs + ")");
    }
    if (rollbackPauseMs < 0 || rollbackPauseMs >= maxPauseMs) {
      f.add("rollback write pause " + rollbackPauseMs + " ms (limit " + maxPauseMs + ")");
    }
    if (slotsLeft != 0) {
      f.add("replication slots left behind: " + slotsLeft);
    }
    return f;
  }

  boolean ok() {
    return failures().isEmpty();
  }

  long rowsPerSecond() {
    return snapshotMillis <= 0 ? snapshotRows : snapshotRows * 1000 / snapshotMillis;
  }

  ObjectNode toJson() {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("status", ok() ? "ok" : "failed");
    root.put("spec", spec);
    if (error != null) {
      root.put("error", error);
    }
    ArrayNode failures = root.putArray("failures");
    failures().forEach(failures::add);
    ObjectNode snap = root.putObject("snapshot");
    snap.put("rows", snapshotRows);
    snap.put("millis", snapshotMillis);
    snap.put("rows_per_second", rowsPerSecond());
    root.putObject("stream").put("events", streamEvents);
    ObjectNode rec = root.putObject("reconcile");
    Verification last = verifications.isEmpty() ? null : verifications.get(verifications.size() - 1);
    rec.put("equal", last != null && verifications.stream().allMatch(Verification::equal));
    rec.put("mismatched_rows", last == null ? -1 : last.mismatchedRows());
    ArrayNode steps = rec.putArray("steps");
    for (Verification v : verifications) {
      ObjectNode s = steps.addObject();
      s.put("step", v.step());
      s.put("equal", v.equal());
      s.put("mismatched_rows", v.mismatchedRows());
      s.put("hold_ms", v.holdMs());
      ArrayNode tables = s.putArray("tables");
      for (TableComparison t : v.tables()) {
        ComparisonJson.put(tables.addObject(), t);
      }
    }
    ObjectNode cut = root.putObject("cutover");
    cut.put("write_pause_ms", cutoverPauseMs);
    cut.put("controller_pause_ms", cutoverControllerMs);
    ObjectNode rb = root.putObject("rollback");
    rb.put("write_pause_ms", rollbackPauseMs);
    rb.put("controller_pause_ms", rollbackControllerMs);
    ObjectNode w = root.putObject("workload");
    w.put("transactions", transactions);
    w.put("failed_transactions", failedTransactions);
    root.put("slots_left", slotsLeft);
    return root;
  }

  String toJsonText() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append("Baton rehearsal of '").append(spec).append("': ").append(ok() ? "OK" : "FAILED").append('\n');
    sb.append(String.format("  snapshot     %,d rows in %,d ms (%,d rows/s)%n", snapshotRows, snapshotMillis, rowsPerSecond()));
    sb.append(String.format("  stream       %,d change events captured%n", streamEvents));
    sb.append(String.format("  cutover      write pause %,d ms seen by clients (controller: %,d ms)%n", cutoverPauseMs, cutoverControllerMs));
    sb.append(String.format("  rollback     write pause %,d ms seen by clients (controller: %,d ms)%n", rollbackPauseMs, rollbackControllerMs));
    sb.append(String.format("  workload     %,d transactions, %,d failed%n", transactions, failedTransactions));
    for (Verification v : verifications) {
      sb.append(String.format("  verify       %-18s %s%s%n", v.step(), v.equal() ? "equal" : v.mismatchedRows() + " rows differ",
          v.holdMs() > 0 ? String.format(" (writes held %,d ms)", v.holdMs()) : ""));
      for (TableComparison t : v.tables()) {
        sb.append(String.format("                 %s -> %s: %,d / %,d rows%s%n", t.source(), t.target(), t.sourceRows(),
            t.targetRows(), t.equal() ? "" : ", " + t.mismatchedRows() + " differ"));
      }
    }
    sb.append("  slots left   ").append(slotsLeft).append('\n');
    for (String f : failures()) {
      sb.append("  FAILED: ").append(f).append('\n');
    }
    return sb.toString();
  }
}
