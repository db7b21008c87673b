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
 * {@code workload.transactions}, {@code workload.failed_transactions}, {@code slots_left}; and for
 * cutovers and rollbacks separately ({@code cutover}, {@code rollback}): {@code runs},
 * {@code write_pause_ms.p50} and {@code .max} (the longest gap between consecutive client commits
 * around each switch, from pgbench's per-transaction log), {@code controller_pause_ms.p50} and
 * {@code .max} (PAUSE issued to RESUME done, on the controller's clock), {@code failed_transactions}
 * (logged as failed within a second of a switch), {@code reconcile_equal[]} (the live verification
 * after each), {@code final_verification[]} (the comparison of both sides at each freeze: EQUAL,
 * DIFFERENT, FAILED, or OFF when the spec turns it off) and {@code each[]} with every switch's
 * figures. Percentiles are nearest-rank.
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

  /**
   * One cutover or one rollback, as measured.
   *
   * @param cycle which cutover-and-rollback cycle, from 1
   * @param controllerPauseMs PAUSE issued to RESUME done, on the controller's clock, ms
   * @param drainMs the drain inside the pause, ms
   * @param writePauseMs the longest gap between consecutive client commits that overlaps the
   *     switch, ms; -1 when the clients' log does not cover it
   * @param failedTransactions transactions pgbench logged as failed within a second of the switch
   * @param reconcileEqual whether the live verification after the switch found both sides equal
   */
  record SwitchFigures(int cycle, long controllerPauseMs, long drainMs, long writePauseMs, long failedTransactions,
      boolean reconcileEqual, String finalVerification) {}

  String spec;
  String error;
  boolean badInput;
  long snapshotRows;
  long snapshotMillis;
  long streamEvents;
  long transactions;
  long failedTransactions = -1;
  long maxPauseMs;
  int slotsLeft = -1;
  final List<Verification> verifications = new ArrayList<>();
  final List<SwitchFigures> cutovers = new ArrayList<>();
  final List<SwitchFigures> rollbacks = new ArrayList<>();

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
    if (cutovers.isEmpty() || rollbacks.isEmpty()) {
      f.add("cutovers " + cutovers.size() + ", rollbacks " + rollbacks.size() + ": the rehearsal did not finish");
    }
    switchFailures("cutover", cutovers, f);
    switchFailures("rollback", rollbacks, f);
    if (slotsLeft != 0) {
      f.add("replication slots left behind: " + slotsLeft);
    }
    return f;
  }

  private void switchFailures(String kind, List<SwitchFigures> switches, List<String> f) {
    for (SwitchFigures s : switches) {
      if (s.writePauseMs() < 0 || s.writePauseMs() >= maxPauseMs) {
        f.add(kind + " " + s.cycle() + ": write pause " + s.writePauseMs() + " ms (limit " + maxPauseMs + ")");
      }
      if (!s.finalVerification().equals("EQUAL") && !s.finalVerification().equals("OFF")) {
        f.add(kind + " " + s.cycle() + ": final verification " + s.finalVerification());
      }
    }
  }

  /**
   * @param values the figures; not empty
   * @param p the percentile, 0 to 1
   * @return the nearest-rank percentile
   */
  static long percentile(List<Long> values, double p) {
    List<Long> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
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
    putSwitches(root.putObject("cutover"), cutovers);
    putSwitches(root.putObject("rollback"), rollbacks);
    ObjectNode w = root.putObject("workload");
    w.put("transactions", transactions);
    w.put("failed_transactions", failedTransactions);
    root.put("slots_left", slotsLeft);
    return root;
  }

  private static void putSwitches(ObjectNode node, List<SwitchFigures> switches) {
    node.put("runs", switches.size());
    putPercentiles(node.putObject("write_pause_ms"), switches.stream().map(SwitchFigures::writePauseMs).toList());
    putPercentiles(node.putObject("controller_pause_ms"), switches.stream().map(SwitchFigures::controllerPauseMs).toList());
    node.put("failed_transactions", switches.stream().mapToLong(SwitchFigures::failedTransactions).sum());
    ArrayNode equal = node.putArray("reconcile_equal");
    switches.forEach(s -> equal.add(s.reconcileEqual()));
    ArrayNode frozen = node.putArray("final_verification");
    switches.forEach(s -> frozen.add(s.finalVerification()));
    ArrayNode each = node.putArray("each");
    for (SwitchFigures s : switches) {
      each.addObject().put("cycle", s.cycle()).put("write_pause_ms", s.writePauseMs())
          .put("controller_pause_ms", s.controllerPauseMs()).put("drain_ms", s.drainMs())
          .put("failed_transactions", s.failedTransactions()).put("reconcile_equal", s.reconcileEqual())
          .put("final_verification", s.finalVerification());
    }
  }

  private static void putPercentiles(ObjectNode node, List<Long> values) {
    node.put("p50", values.isEmpty() ? -1 : percentile(values, 0.5));
    node.put("max", values.isEmpty() ? -1 : percentile(values, 1.0));
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
    appendSwitches(sb, "cutover", cutovers);
    appendSwitches(sb, "rollback", rollbacks);
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

  private static void appendSwitches(StringBuilder sb, String kind, List<SwitchFigures> switches) {
    for (SwitchFigures s : switches) {
      sb.append(String.format("  %-12s write pause %,d ms seen by clients (controller: %,d ms, drain %,d ms)%s%n",
          switches.size() == 1 ? kind : kind + " " + s.cycle(), s.writePauseMs(), s.controllerPauseMs(), s.drainMs(),
          s.failedTransactions() == 0 ? "" : ", " + s.failedTransactions() + " failed transactions"));
    }
  }
}
