package io.baton.cli;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.reconciler.ProfileReport;
import io.baton.reconciler.SourceProfiler;
import io.baton.spec.MigrationSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code baton profile}: the source tables in a spec's scope, profiled column by column
 * ({@link SourceProfiler}), as Markdown and JSON. Reads the source only.
 */
final class ProfileCommand {
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
    try (Connection c = source.connect()) {
      for (TableInfo table : ReconcileCommand.tables(source, spec).keySet()) {
        profiles.add(SourceProfiler.profile(c, table, sampleRows));
      }
    } catch (SQLException e) {
      throw PgErrors.classify("profiling the source", e);
    }
    String md = ProfileReport.markdown(spec.name(), profiles);
    OutputFiles.write(markdown, md, "profile");
    OutputFiles.write(json, ProfileReport.json(spec.name(), profiles), "profile");
    if (markdown == null && json == null) {
      out.print(md);
    }
    return BatonCli.OK;
  }

}
