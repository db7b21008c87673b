package io.baton.cli;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.reconciler.ReferentialCheck;
import io.baton.reconciler.Reconciler;
import io.baton.reconciler.SpecDryRun;
import io.baton.reconciler.TableComparison;
import io.baton.reconciler.ValidationReport;
import io.baton.reconciler.VerifyResults;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import io.baton.state.JournalEntry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code baton report}: one full reconcile pass with the spec's declared checks, the referential
 * check of every target table, the live verifier's stored results and the journal, written as a
 * {@link ValidationReport} in Markdown and JSON with the verdict VALIDATED or FAILED.
 *
 * <p>The variance the spec explains is, per table, the rows its filter leaves out and the rows its
 * validation gate sets aside, counted by a dry run of the spec over the source table
 * ({@link SpecDryRun}) for the tables the spec treats row by row; both are 0 for the others. Taken
 * when the source is quiet (after cutover), the counts are exact.
 */
final class ReportCommand {
  private ReportCommand() {}

  /**
   * @param spec the spec
   * @param source the source database
   * @param target the target database (also holds Baton's state schema)
   * @param markdown where to write the Markdown report, or null
   * @param json where to write the JSON report, or null
   * @param out where the Markdown goes when neither file is given
   * @return {@link BatonCli#OK} when VALIDATED, {@link BatonCli#CHECK_FAILED} when FAILED
   * @throws BatonException when a database cannot be read or a file cannot be written
   */
  static int run(MigrationSpec spec, Database source, Database target, Path markdown, Path json, PrintStream out) {
    Map<TableInfo, RowTransform> tables = ReconcileCommand.tables(source, spec);
    List<TableComparison> pass = Reconciler.compare(source, target, tables);
    Map<String, List<ReferentialCheck.ForeignKey>> keys = ReferentialCheck.check(target,
        tables.values().stream().map(RowTransform::targetTable).toList()).stream()
        .collect(Collectors.groupingBy(k -> k.child().toString()));
    Map<String, VerifyResults.TableResult> live = liveResults(target, spec.name());
    List<ValidationReport.TableReport> rows = new ArrayList<>();
    Map<String, SpecDryRun.Result> dryRuns = new java.util.HashMap<>();
    try (Connection c = source.connect()) {
      for (Map.Entry<TableInfo, RowTransform> t : tables.entrySet()) {
        if (t.getValue().needsRowByRow()) {
          dryRuns.put(t.getKey().name().toString(), SpecDryRun.run(c, t.getKey(), t.getValue(), 0));
        }
      }
    } catch (SQLException e) {
      throw PgErrors.classify("counting the rows the spec sets aside on " + source, e);
    }
    for (TableComparison c : pass) {
      SpecDryRun.Result d = dryRuns.get(c.source());
      rows.add(d == null ? new ValidationReport.TableReport(c, c.sourceRows(), 0, 0, keys.getOrDefault(c.target(), List.of()),
          live.get(c.source()))
          : new ValidationReport.TableReport(c, d.rows(), d.rejected(), d.filtered(), keys.getOrDefault(c.target(), List.of()),
          live.get(c.source())));
    }
    List<JournalEntry> journal;
    try (Connection c = target.connect()) {
      journal = JournalEntry.read(c, spec.name());
    } catch (SQLException e) {
      throw PgErrors.classify("reading the journal on " + target, e);
    }
    ValidationReport report = new ValidationReport(spec.name(), System.currentTimeMillis(), rows, journal);
    OutputFiles.write(markdown, report.markdown(), "report");
    OutputFiles.write(json, report.json(), "report");
    if (markdown == null && json == null) {
      out.print(report.markdown());
    }
    System.err.println("baton: migration " + spec.name() + " " + report.status());
    return report.status() == ValidationReport.Status.VALIDATED ? BatonCli.OK : BatonCli.CHECK_FAILED;
  }

  private static Map<String, VerifyResults.TableResult> liveResults(Database target, String migration) {
    try (Connection c = target.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('baton.verify_tables') IS NOT NULL")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return Map.of();
      }
      return VerifyResults.read(c, migration).stream()
          .collect(Collectors.toMap(VerifyResults.TableResult::source, Function.identity()));
    } catch (SQLException e) {
      throw PgErrors.classify("reading the live verification results on " + target, e);
    }
  }

}
