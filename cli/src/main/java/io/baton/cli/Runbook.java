package io.baton.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.spec.MigrationSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The cutover and rollback procedure of one migration, step by step, for the people in the
 * maintenance window: each step's command, owner (a role, with a blank for the name), expected
 * duration from measured rates, and its go/no-go checkpoint; the point of no return is marked.
 *
 * @param migration the migration's name
 * @param specFile the spec file as the commands name it
 * @param measured the figures the durations come from
 * @param steps the steps, in order
 */
record Runbook(String migration, String specFile, Measured measured, List<Step> steps) {
  /** The roles that own steps; the runbook leaves a blank for each name. */
  static final List<String> ROLES = List.of("Migration lead", "Source DBA", "Target DBA", "Application owner",
      "Communications");

  /**
   * What the durations are computed from, with where each figure comes from.
   *
   * @param tables tables in scope
   * @param tableBytes their heap size on the source, bytes
   * @param estimatedRows their estimated rows ({@code reltuples})
   * @param copyBytesPerSecond the bulk copy's rate, bytes per second, or -1 when unknown
   * @param copyRateFrom where that rate comes from (an earlier bulk copy of this migration, or a
   *     sample COPY measured now)
   * @param verifyRowsPerSecond live verification's rate, rows per second: the last passes', or the
   *     spec's limit when none ran
   * @param verifyRateFrom where that rate comes from
   * @param pausesMs the write pauses of the switches this migration made, oldest first, ms
   */
  record Measured(int tables, long tableBytes, long estimatedRows, double copyBytesPerSecond, String copyRateFrom,
      double verifyRowsPerSecond, String verifyRateFrom, List<Long> pausesMs) {
    /** @return the longest switch pause measured, ms, or -1 without one */
    long maxPauseMs() {
      return pausesMs.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    /** @return the median switch pause measured, ms, or -1 without one */
    long medianPauseMs() {
      if (pausesMs.isEmpty()) {
        return -1;
      }
      List<Long> sorted = pausesMs.stream().sorted().toList();
      return sorted.get(sorted.size() / 2);
    }
  }

  /**
   * One step.
   *
   * @param phase before the window, bulk copy and streaming, cutover, contingency, finalize
   * @param title what is done
   * @param command the command to run, or null for a step of people
   * @param owner the role that owns it
   * @param expectedSeconds how long it should take, seconds; -1 when it cannot be said
   * @param expectedFrom how that duration was computed
   * @param checkpoint the go/no-go condition to confirm before the next step
   * @param pointOfNoReturn whether rollback without loss is impossible after this step
   */
  record Step(String phase, String title, String command, String owner, long expectedSeconds, String expectedFrom,
      String checkpoint, boolean pointOfNoReturn) {}

  /**
   * Builds the procedure for a spec.
   *
   * @param spec the spec (gates, deadlines, rollback triggers)
   * @param specFile the spec file, as commands name it
   * @param m the measured figures
   * @return the runbook
   */
  static Runbook of(MigrationSpec spec, String specFile, Measured m) {
    String s = " --spec " + specFile;
    long copySeconds = m.copyBytesPerSecond() > 0 ? Math.round(m.tableBytes() / m.copyBytesPerSecond()) : -1;
    long verifySeconds = m.verifyRowsPerSecond() > 0 ? Math.round(m.estimatedRows() / m.verifyRowsPerSecond()) : -1;
    long pauseMs = m.maxPauseMs() >= 0 ? m.maxPauseMs() : spec.cutover().maxWritePauseMs();
    String pauseFrom = m.maxPauseMs() >= 0 ? "the longest of " + m.pausesMs().size() + " switches measured (median "
        + m.medianPauseMs() + " ms)" : "no switch measured yet: the deadline cutover.maxWritePauseMs";
    int hold = spec.cutover().gates().holdSeconds();
    List<Step> steps = new ArrayList<>();
    steps.add(new Step("Before the window", "Preflight: inventory, rights and risks of both databases",
        "baton plan" + s, "Source DBA", 60, "a few catalog queries and a 16 MiB sample copy",
        "GO when it exits 0: no blocking risk (each one printed with its fix)", false));
    steps.add(new Step("Before the window", "Profile the source and dry-run the spec over every row",
        "baton profile" + s + " --markdown profile.md", "Migration lead", verifySeconds,
        "one read of every row, at about the live verification rate", "GO when no rule rejects rows the business has"
        + " not accepted to quarantine", false));
    steps.add(new Step("Before the window", "Rehearse cutover and rollback on a copy of production",
        "baton rehearse --cycles 3", "Migration lead", -1, "depends on the copy",
        "GO when every switch kept its write pause under the deadline with 0 failed client transactions", false));
    steps.add(new Step("Bulk copy and streaming", "Start the migration: bulk copy, then streaming with live verification",
        "baton run" + s + " --work-dir /var/lib/baton", "Target DBA", copySeconds,
        m.copyRateFrom() + (copySeconds < 0 ? "" : "; " + m.tables() + " tables, " + mib(m.tableBytes()) + " MiB of heap"),
        "GO when `baton status` shows STREAMING and the lag gate passes", false));
    steps.add(new Step("Bulk copy and streaming", "First clean live verification pass over every table", "baton status",
        "Target DBA", verifySeconds, m.verifyRateFrom() + ", " + m.estimatedRows() + " rows",
        "GO when the verification gate passes (every table clean within cutover.gates.maxMismatchRatio)", false));
    steps.add(new Step("Cutover", "Go/no-go: every gate passes, owners agree", "baton cutover --dry-run", "Migration lead",
        hold, "cutover.gates.holdSeconds of lag under its limits", "GO when every gate says PASS, the predicted write pause"
        + " is under " + spec.cutover().maxWritePauseMs() + " ms, and every owner has said go", false));
    steps.add(new Step("Cutover", "Cut over: drain, pause writes, freeze, repoint PgBouncer, resume", "baton cutover",
        "Migration lead", Math.max(1, Math.round(pauseMs / 1000.0)), "the write pause: " + pauseFrom
        + "; the drain before it, without pausing anyone, takes at most cutover.drainTimeoutMs", "GO when `baton status` shows CUT_OVER and"
        + " the final verification at the freeze is EQUAL", false));
    steps.add(new Step("Cutover", "Observe the application on the target; reverse replication runs",
        null, "Application owner", Math.max(600, spec.rollback().forSeconds() * 10L), "at least ten times"
        + " rollback.forSeconds", "GO when error rates and latency are normal" + (spec.rollback().automatic()
        ? " (Baton rolls back by itself if reverse replication breaks, the final verification differs, or lag, latency"
        + " or mismatches stay above their limits for " + spec.rollback().forSeconds() + " s)" : ""), false));
    steps.add(new Step("Contingency", "Roll back if the application is not well: traffic returns to the source, nothing"
        + " is lost", "baton rollback", "Migration lead", Math.max(1, Math.round(pauseMs / 1000.0)), "the write pause: " + pauseFrom,
        "Done when `baton status` shows ROLLED_BACK and the final verification is EQUAL", false));
    steps.add(new Step("Finalize", "Finalize: stop the pipelines, drop the slots and publications on both sides",
        "baton finalize --confirm " + spec.name() + " ", "Migration lead", 10, "a few statements",
        "Only when the owners accept that the source is left behind: after this, rollback is no longer lossless",
        true));
    steps.add(new Step("Finalize", "Validation report for the record", "baton report" + s + " --markdown report.md",
        "Target DBA", verifySeconds, "one full pass over every table", "Done when it says VALIDATED", false));
    return new Runbook(spec.name(), specFile, m, List.copyOf(steps));
  }

  private static long mib(long bytes) {
    return Math.round(bytes / 1048576.0);
  }

  private static String duration(long seconds) {
    if (seconds < 0) {
      return "unknown";
    }
    return seconds < 120 ? seconds + " s" : seconds < 7200 ? Math.round(seconds / 60.0) + " min"
        : String.format("%.1f h", seconds / 3600.0);
  }

  /** @return the runbook as Markdown: owners, then the steps in a numbered list with their checkpoints */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Runbook: migration ").append(migration).append("\n\n");
    md.append("Owners (fill in before the window):\n\n| role | name | reachable at |\n| --- | --- | --- |\n");
    for (String role : ROLES) {
      md.append("| ").append(role).append(" | | |\n");
    }
    md.append("\nDurations come from: bulk copy ").append(measured.copyRateFrom()).append("; live verification ")
        .append(measured.verifyRateFrom()).append("; switches ")
        .append(measured.pausesMs().isEmpty() ? "none measured yet" : measured.pausesMs().size() + " measured, longest "
            + measured.maxPauseMs() + " ms").append(".\n");
    String phase = null;
    int n = 0;
    for (Step s : steps) {
      if (!s.phase().equals(phase)) {
        phase = s.phase();
        md.append("\n## ").append(phase).append("\n\n");
      }
      n++;
      md.append(n).append(". **").append(s.title()).append("**").append(s.pointOfNoReturn() ? " — POINT OF NO RETURN" : "")
          .append("\n");
      if (s.command() != null) {
        md.append("   - Command: `").append(s.command().trim()).append("`\n");
      }
      md.append("   - Owner: ").append(s.owner()).append("\n");
      md.append("   - Expected: ").append(duration(s.expectedSeconds())).append(" (").append(s.expectedFrom()).append(")\n");
      md.append("   - Checkpoint: ").append(s.checkpoint()).append("\n");
      md.append("   - [ ] done at ______ by ______\n");
    }
    return md.toString();
  }

  /**
   * @return the runbook as JSON: {@code migration}, {@code owners[]}, {@code measured}
   *     ({@code tables}, {@code table_bytes}, {@code estimated_rows}, {@code copy_bytes_per_second},
   *     {@code copy_rate_from}, {@code verify_rows_per_second}, {@code verify_rate_from},
   *     {@code pauses_ms[]}), {@code steps[]} ({@code phase}, {@code title}, {@code command} or null,
   *     {@code owner}, {@code expected_seconds} (-1 unknown), {@code expected_from},
   *     {@code checkpoint}, {@code point_of_no_return})
   */
  String json() {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("migration", migration);
    ArrayNode owners = root.putArray("owners");
    ROLES.forEach(r -> owners.addObject().put("role", r).put("name", ""));
    ObjectNode m = root.putObject("measured");
    m.put("tables", measured.tables()).put("table_bytes", measured.tableBytes()).put("estimated_rows", measured.estimatedRows())
        .put("copy_bytes_per_second", measured.copyBytesPerSecond()).put("copy_rate_from", measured.copyRateFrom())
        .put("verify_rows_per_second", measured.verifyRowsPerSecond()).put("verify_rate_from", measured.verifyRateFrom());
    ArrayNode pauses = m.putArray("pauses_ms");
    measured.pausesMs().forEach(pauses::add);
    ArrayNode list = root.putArray("steps");
    for (Step s : steps) {
      list.addObject().put("phase", s.phase()).put("title", s.title()).put("command", s.command() == null ? null
          : s.command().trim()).put("owner", s.owner()).put("expected_seconds", s.expectedSeconds())
          .put("expected_from", s.expectedFrom()).put("checkpoint", s.checkpoint())
          .put("point_of_no_return", s.pointOfNoReturn());
    }
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
