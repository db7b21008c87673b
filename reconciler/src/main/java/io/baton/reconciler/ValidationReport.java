package io.baton.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.state.JournalEntry;
import java.time.Instant;
import java.util.List;

/**
 * The validation report of a migration: per table, source and target counts, the variance the
 * spec explains and the variance found, the checksum result, the declared checks, referential
 * integrity and the live verifier's last clean pass; an overall status, {@link Status#VALIDATED}
 * only when every table passes; and the migration's journal (snapshot, streaming, each cutover and
 * rollback with its write pause), the audit trail. Written as Markdown for people and JSON for
 * programs.
 *
 * @param migration the migration's name
 * @param generatedAtMs when the report was made, ms since the epoch
 * @param tables one entry per table, in spec order
 * @param journal the migration's state changes, oldest first; empty when it never ran
 */
public record ValidationReport(String migration, long generatedAtMs, List<TableReport> tables, List<JournalEntry> journal) {
  /** The overall verdict. */
  public enum Status {
    /** every table passed */
    VALIDATED,
    /** at least one did not */
    FAILED
  }

  public ValidationReport {
    tables = List.copyOf(tables);
    journal = List.copyOf(journal);
  }

  /**
   * One table's part of the report.
   *
   * @param comparison the reconciler's comparison of spec(source) with the target, with the
   *     declared checks (its source rows are the rows the spec accepts)
   * @param sourceRows every row of the source table
   * @param quarantinedRows source rows the validation gate sets aside instead of writing them to the
   *     target
   * @param filteredRows source rows the spec's row filter leaves out of the target
   * @param foreignKeys the referential checks of the target table's foreign keys
   * @param live the live verifier's last pass over the table, or null when it never ran
   */
  public record TableReport(TableComparison comparison, long sourceRows, long quarantinedRows, long filteredRows,
      List<ReferentialCheck.ForeignKey> foreignKeys, VerifyResults.TableResult live) {
    public TableReport {
      foreignKeys = List.copyOf(foreignKeys);
    }

    /** @return how many fewer rows the target should have than the source: quarantined plus filtered */
    public long expectedVariance() {
      return quarantinedRows + filteredRows;
    }

    /** @return how many fewer rows the target has than the source (negative when it has more) */
    public long actualVariance() {
      return sourceRows - comparison.targetRows();
    }

    /** @return rows of the target table whose foreign key has no parent, all keys together */
    public long orphanRows() {
      return foreignKeys.stream().mapToLong(ReferentialCheck.ForeignKey::rows).sum();
    }

    /**
     * @return true when the variance is the one explained, counts and checksums agree, every
     *     declared check passed and every foreign key holds
     */
    public boolean passed() {
      return actualVariance() == expectedVariance() && comparison.passed() && orphanRows() == 0;
    }
  }

  /** @return {@link Status#VALIDATED} when every table passed */
  public Status status() {
    return tables.stream().allMatch(TableReport::passed) ? Status.VALIDATED : Status.FAILED;
  }

  /** @return the report as a Markdown document */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Validation report: migration ").append(migration).append("\n\n");
    md.append("Generated ").append(Instant.ofEpochMilli(generatedAtMs)).append(". Status: **").append(status())
        .append("**\n\n");
    md.append("| Table | Source rows | Target rows | Expected variance | Actual variance | Checksum | Mismatched rows"
        + " | Declared checks | Rows without parent | Last clean live pass | Result |\n");
    md.append("|---|---:|---:|---:|---:|---|---:|---|---:|---|---|\n");
    for (TableReport t : tables) {
      TableComparison c = t.comparison();
      long passedChecks = c.checks().stream().filter(CheckResult::passed).count();
      md.append(String.format("| %s → %s | %,d | %,d | %,d | %,d | %s | %,d | %s | %,d | %s | %s |%n", c.source(), c.target(),
          t.sourceRows(), c.targetRows(), t.expectedVariance(), t.actualVariance(), c.equal() ? "equal" : "different",
          c.mismatchedRows(), c.checks().isEmpty() ? "none" : passedChecks + " of " + c.checks().size() + " passed",
          t.orphanRows(), lastCleanPass(t.live()), t.passed() ? "passed" : "**failed**"));
    }
    for (TableReport t : tables) {
      TableComparison c = t.comparison();
      md.append("\n## ").append(c.source()).append(" → ").append(c.target()).append("\n\n");
      md.append(String.format("- Rows: %,d on the source, %,d on the target; expected variance %,d (%,d quarantined,"
          + " %,d filtered), actual %,d.%n", t.sourceRows(), c.targetRows(), t.expectedVariance(), t.quarantinedRows(),
          t.filteredRows(), t.actualVariance()));
      md.append("- Checksum: ").append(c.equal() ? "equal" : "different").append(" (").append(c.sourceChecksum())
          .append(" / ").append(c.targetChecksum()).append(").\n");
      if (c.mismatchedRows() > 0) {
        md.append(String.format("- %,d mismatched rows; the first ones:%n", c.mismatchedRows()));
        c.differences().forEach(d -> md.append("  - ").append(d).append('\n'));
      }
      for (CheckResult k : c.checks()) {
        md.append("- Check ").append(k.name()).append(": ").append(k.passed() ? "passed" : "**failed**")
            .append(String.format(", %,d compared, %,d differ.%n", k.compared(), k.differing()));
        k.details().forEach(d -> md.append("  - ").append(d).append('\n'));
      }
      for (ReferentialCheck.ForeignKey k : t.foreignKeys()) {
        md.append("- Foreign key ").append(k.constraint()).append(" ").append(k.columns()).append(" → ").append(k.parent())
            .append(": ").append(k.rows() == 0 ? "every row has its parent"
                : String.format("**%,d rows without parent**, such as %s", k.rows(), k.sample())).append(".\n");
      }
      VerifyResults.TableResult live = t.live();
      md.append("- Live verification: ").append(live == null ? "never ran" : String.format(
          "%,d passes; the last, finished %s, %s; last clean pass %s", live.passes(), Instant.ofEpochMilli(live.finishedAtMs()),
          live.clean() ? "clean" : String.format("%,d rows differed", live.mismatchedRows()), lastCleanPass(live)))
          .append(".\n");
    }
    md.append("\n## Journal\n\n");
    if (journal.isEmpty()) {
      md.append("No state change recorded: the migration never ran against this target.\n");
    } else {
      md.append("| at | actor | from | to | detail |\n| --- | --- | --- | --- | --- |\n");
      for (JournalEntry e : journal) {
        md.append("| ").append(Instant.ofEpochMilli(e.atMs())).append(" | ").append(e.actor()).append(" | ")
            .append(e.from() == null ? "" : e.from()).append(" | ").append(e.to()).append(" | ")
            .append(e.detail() == null ? "" : e.detail().replace("|", "\\|")).append(" |\n");
      }
    }
    return md.toString();
  }

  private static String lastCleanPass(VerifyResults.TableResult live) {
    return live == null || live.lastCleanPassAtMs() == 0 ? "never" : Instant.ofEpochMilli(live.lastCleanPassAtMs()).toString();
  }

  /**
   * @return the report as indented JSON: {@code migration}, {@code generated_at}, {@code status},
   *     and {@code tables}, each with the fields of {@link ComparisonJson#put} ({@code source_rows}
   *     is every source row, {@code accepted_rows} the rows the spec accepts), plus
   *     {@code expected_variance} ({@code quarantined}, {@code filtered}, {@code total}),
   *     {@code actual_variance}, {@code foreign_keys}, {@code live} (null when it never ran) and
   *     {@code result} ({@code passed} or {@code failed}); and {@code journal}: {@code [{"at", "actor",
   *     "from", "to", "detail"}]}
   */
  public String json() {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("migration", migration);
    root.put("generated_at", Instant.ofEpochMilli(generatedAtMs).toString());
    root.put("status", status().name());
    ArrayNode out = root.putArray("tables");
    for (TableReport t : tables) {
      ObjectNode n = out.addObject();
      ComparisonJson.put(n, t.comparison());
      n.put("accepted_rows", t.comparison().sourceRows());
      n.put("source_rows", t.sourceRows());
      n.putObject("expected_variance").put("quarantined", t.quarantinedRows()).put("filtered", t.filteredRows())
          .put("total", t.expectedVariance());
      n.put("actual_variance", t.actualVariance());
      ArrayNode fks = n.putArray("foreign_keys");
      t.foreignKeys().forEach(k -> ComparisonJson.putForeignKey(fks.addObject(), k));
      VerifyResults.TableResult live = t.live();
      if (live == null) {
        n.putNull("live");
      } else {
        n.putObject("live").put("passes", live.passes())
            .put("last_pass_finished_at", Instant.ofEpochMilli(live.finishedAtMs()).toString())
            .put("last_pass_mismatched_rows", live.mismatchedRows())
            .put("last_clean_pass_at", live.lastCleanPassAtMs() == 0 ? null : Instant.ofEpochMilli(live.lastCleanPassAtMs()).toString());
      }
      n.put("result", t.passed() ? "passed" : "failed");
    }
    ArrayNode entries = root.putArray("journal");
    for (JournalEntry e : journal) {
      entries.addObject().put("at", Instant.ofEpochMilli(e.atMs()).toString()).put("actor", e.actor()).put("from", e.from())
          .put("to", e.to()).put("detail", e.detail());
    }
    try {
      return mapper.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the validation report as JSON", e);
    }
  }
}
