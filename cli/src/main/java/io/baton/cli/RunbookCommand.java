package io.baton.cli;

import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.reconciler.VerifyResults;
import io.baton.spec.MigrationSpec;
import io.baton.spec.TableMapping;
import io.baton.state.JournalEntry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code baton runbook}: the cutover and rollback procedure of a migration ({@link Runbook}), with
 * durations from what was measured: the source tables' heap size and estimated rows, the rate of
 * this migration's bulk copy and of its live verification passes, and the write pauses of its
 * switches, read from Baton's state on the target when the migration has run (its journal and
 * {@code baton.verify_tables}). Reads only.
 */
final class RunbookCommand {
  private static final Pattern PAUSE = Pattern.compile("write pause (\\d+) ms");

  private RunbookCommand() {}

  /**
   * @param spec the spec
   * @param specFile the spec file, as the runbook's commands name it
   * @param source the source database
   * @param target the target database; its state is read when it has any
   * @param markdown where to write the Markdown, or null
   * @param json where to write the JSON, or null
   * @param out where the Markdown goes when neither file is given
   * @return {@link BatonCli#OK}
   * @throws io.baton.BatonException when a database cannot be read or a file cannot be written
   */
  static int run(MigrationSpec spec, Path specFile, Database source, Database target, Path markdown, Path json,
      PrintStream out) {
    Runbook runbook = Runbook.of(spec, specFile.toString(), measure(spec, source, target));
    OutputFiles.write(markdown, runbook.markdown(), "runbook");
    OutputFiles.write(json, runbook.json(), "runbook");
    if (markdown == null && json == null) {
      out.print(runbook.markdown());
    }
    return BatonCli.OK;
  }

  static Runbook.Measured measure(MigrationSpec spec, Database source, Database target) {
    long bytes = 0;
    long rows = 0;
    try (Connection c = source.connect();
        PreparedStatement ps = c.prepareStatement("SELECT pg_relation_size(c.oid), greatest(c.reltuples, 0)::bigint"
            + " FROM pg_class c WHERE c.oid = to_regclass(?)")) {
      for (TableMapping m : spec.tables()) {
        ps.setString(1, m.source().quoted());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            bytes += rs.getLong(1);
            rows += rs.getLong(2);
          }
        }
      }
    } catch (SQLException e) {
      throw PgErrors.classify("reading the sizes of the source tables on " + source, e);
    }
    List<JournalEntry> journal;
    List<VerifyResults.TableResult> verified = List.of();
    try (Connection c = target.connect()) {
      journal = JournalEntry.read(c, spec.name());
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT to_regclass('baton.verify_tables') IS NOT NULL")) {
        rs.next();
        if (rs.getBoolean(1)) {
          verified = VerifyResults.read(c, spec.name());
        }
      }
    } catch (SQLException e) {
      throw PgErrors.classify("reading the state of migration " + spec.name() + " on " + target, e);
    }
    long copyMs = copyMillis(journal);
    double copyRate = copyMs > 0 && bytes > 0 ? bytes * 1000.0 / copyMs : -1;
    String copyFrom = copyRate > 0 ? String.format("this migration's bulk copy: %.1f MiB/s", copyRate / 1048576)
        : "no bulk copy of this migration yet (baton plan measures a copy rate on the source)";
    long verifiedRows = 0;
    long verifyMs = 0;
    for (VerifyResults.TableResult r : verified) {
      verifiedRows += r.sourceRows();
      verifyMs += Math.max(0, r.finishedAtMs() - r.startedAtMs());
    }
    double verifyRate = verifyMs > 0 && verifiedRows > 0 ? verifiedRows * 1000.0 / verifyMs : spec.verify().rowsPerSecond();
    String verifyFrom = verifyMs > 0 && verifiedRows > 0 ? String.format("the last live passes: %,.0f rows/s", verifyRate)
        : "no live pass yet: the limit verify.rowsPerSecond";
    return new Runbook.Measured(spec.tables().size(), bytes, rows, copyRate, copyFrom, verifyRate, verifyFrom,
        pauses(journal));
  }

  /** @return how long the first bulk copy took (SNAPSHOTTING to the next state), ms; -1 when it did not end */
  private static long copyMillis(List<JournalEntry> journal) {
    long started = -1;
    for (JournalEntry e : journal) {
      if (started < 0 && "SNAPSHOTTING".equals(e.to()) && !"SNAPSHOTTING".equals(e.from())) {
        started = e.atMs();
      } else if (started >= 0 && "SNAPSHOTTING".equals(e.from()) && !"SNAPSHOTTING".equals(e.to())) {
        return e.atMs() - started;
      }
    }
    return -1;
  }

  /** @return the write pauses of the switches in the journal, oldest first, ms */
  private static List<Long> pauses(List<JournalEntry> journal) {
    List<Long> out = new ArrayList<>();
    for (JournalEntry e : journal) {
      boolean switched = !e.to().equals(e.from()) && (e.to().equals("CUT_OVER") || e.to().equals("ROLLED_BACK"));
      Matcher m = switched && e.detail() != null ? PAUSE.matcher(e.detail()) : null;
      if (m != null && m.find()) {
        out.add(Long.parseLong(m.group(1)));
      }
    }
    return out;
  }
}
