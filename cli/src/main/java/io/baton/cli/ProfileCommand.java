package io.baton.cli;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.reconciler.ProfileReport;
import io.baton.reconciler.SourceProfiler;
import io.baton.reconciler.SpecDryRun;
import io.baton.spec.MigrationSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code baton profile}: the source tables in a spec's scope, profiled column by column
 * ({@link SourceProfiler}), and for each table whose spec changes values or validates rows a dry run
 * of the spec over every row ({@link SpecDryRun}), as Markdown and JSON. Reads the source only.
 */
final class ProfileCommand {
  /** Example rows shown per rule broken in the dry run. */
  static final int DRY_RUN_EXAMPLES = 5;

  private ProfileCommand() {}

  /**
   * @param spec the spec
   * @param source the source database
   * @param sampleRows the most rows per table before it is sampled
   * @param markdown where to write Markdown, or null
   * @param json where to write JSON, or null
   * @param out where the Markdown goes when neither file is given
   * @return {@link BatonCli#OK}
   * @throws BatonException when the source cannot be read or a file written
   */
  static int run(MigrationSpec spec, Database source, long sampleRows, Path markdown, Path json, PrintStream out) {
    List<SourceProfiler.TableProfile> profiles = new ArrayList<>();
    List<SpecDryRun.Result> dryRuns = new ArrayList<>();
    try (Connection c = source.connect()) {
      for (var t : ReconcileCommand.tables(source, spec).entrySet()) {
        profiles.add(SourceProfiler.profile(c, t.getKey(), sampleRows));
        if (t.getValue().needsRowByRow()) {
          dryRuns.add(SpecDryRun.run(c, t.getKey(), t.getValue(), DRY_RUN_EXAMPLES));
        }
      }
    } catch (SQLException e) {
      throw PgErrors.classify("profiling the source", e);
    }
    String md = ProfileReport.markdown(spec.name(), profiles, dryRuns);
    OutputFiles.write(markdown, md, "profile");
    OutputFiles.write(json, ProfileReport.json(spec.name(), profiles, dryRuns), "profile");
    if (markdown == null && json == null) {
      out.print(md);
    }
    return BatonCli.OK;
  }

}
