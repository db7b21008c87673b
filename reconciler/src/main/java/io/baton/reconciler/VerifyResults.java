package io.baton.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.baton.pg.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The live verifier's results in Baton's state schema ({@code baton.verify_tables}, see
 * {@link io.baton.state.StateSchema}): one row per migration and source table, replaced after each
 * pass, keeping the end of the last clean pass.
 */
public final class VerifyResults {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How many described rows are stored per table. */
  static final int STORED_DIFFERENCES = 10;

  private VerifyResults() {}

  /**
   * One table's last pass, as stored.
   *
   * @param source the source table
   * @param target the target table
   * @param passes passes over the table so far
   * @param startedAtMs when the last pass started, ms since the epoch
   * @param finishedAtMs when it finished, ms since the epoch
   * @param sourceRows source rows it compared
   * @param targetRows target rows it compared
   * @param mismatchedRows rows found different
   * @param lastCleanPassAtMs when the last pass without a difference finished, ms since the epoch; 0
   *     for never
   */
  public record TableResult(String source, String target, long passes, long startedAtMs, long finishedAtMs,
      long sourceRows, long targetRows, long mismatchedRows, long lastCleanPassAtMs) {
    /** @return true when the last pass found no difference */
    public boolean clean() {
      return mismatchedRows == 0 && sourceRows == targetRows;
    }
  }

  /**
   * Stores one table's pass.
   *
   * @param conn an auto-commit connection to the database holding the state schema
   * @param migration the migration
   * @param c the pass's comparison
   * @param startedAtMs when the pass started, ms since the epoch
   * @param finishedAtMs when it finished
   * @return the stored row, with the pass count and the last clean pass
   * @throws io.baton.BatonException when the database refuses the write
   */
  public static TableResult record(Connection conn, String migration, TableComparison c, long startedAtMs,
      long finishedAtMs) {
    ArrayNode differences = JSON.createArrayNode();
    ComparisonJson.putDifferences(differences, c.differences().stream().limit(STORED_DIFFERENCES).toList());
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO baton.verify_tables AS v (migration, source_table,"
        + " target_table, passes, pass_started_at, pass_finished_at, source_rows, target_rows, mismatched_rows, clean,"
        + " last_clean_pass_at, differences) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, CASE WHEN ? THEN ?::timestamptz END, ?::jsonb)"
        + " ON CONFLICT (migration, source_table) DO UPDATE SET target_table = EXCLUDED.target_table,"
        + " passes = v.passes + 1, pass_started_at = EXCLUDED.pass_started_at, pass_finished_at = EXCLUDED.pass_finished_at,"
        + " source_rows = EXCLUDED.source_rows, target_rows = EXCLUDED.target_rows,"
        + " mismatched_rows = EXCLUDED.mismatched_rows, clean = EXCLUDED.clean,"
        + " last_clean_pass_at = coalesce(EXCLUDED.last_clean_pass_at, v.last_clean_pass_at),"
        + " differences = EXCLUDED.differences"
        + " RETURNING passes, extract(epoch FROM last_clean_pass_at) * 1000")) {
      int i = 1;
      ps.setString(i++, migration);
      ps.setString(i++, c.source());
      ps.setString(i++, c.target());
      ps.setTimestamp(i++, new Timestamp(startedAtMs));
      ps.setTimestamp(i++, new Timestamp(finishedAtMs));
      ps.setLong(i++, c.sourceRows());
      ps.setLong(i++, c.targetRows());
      ps.setLong(i++, c.mismatchedRows());
      ps.setBoolean(i++, c.equal());
      ps.setBoolean(i++, c.equal());
      ps.setTimestamp(i++, new Timestamp(finishedAtMs));
      ps.setString(i, differences.toString());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new TableResult(c.source(), c.target(), rs.getLong(1), startedAtMs, finishedAtMs, c.sourceRows(),
            c.targetRows(), c.mismatchedRows(), rs.getLong(2));
      }
    } catch (SQLException e) {
      throw PgErrors.classify("storing the verification of " + c.source(), e);
    }
  }

  /**
   * @param conn a connection to the database holding the state schema
   * @param migration the migration
   * @return every table's last pass, by source table name
   * @throws io.baton.BatonException when the database cannot be read
   */
  public static List<TableResult> read(Connection conn, String migration) {
    List<TableResult> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT source_table, target_table, passes,"
        + " extract(epoch FROM pass_started_at) * 1000, extract(epoch FROM pass_finished_at) * 1000, source_rows,"
        + " target_rows, mismatched_rows, coalesce(extract(epoch FROM last_clean_pass_at) * 1000, 0)"
        + " FROM baton.verify_tables WHERE migration = ? ORDER BY source_table")) {
      ps.setString(1, migration);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TableResult(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
              rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw PgErrors.classify("reading the verification results of " + migration, e);
    }
  }
}
