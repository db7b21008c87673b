package io.baton.reconciler;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.Lsn;
import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.spec.RowTransform;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The final verification of a switch: spec(source) compared with the target as both stood at the
 * freeze, the moment inside the write pause when the old side takes no commits and the new side
 * has applied all of them. Inside the pause it costs one short query per side: each exports its
 * snapshot ({@code pg_export_snapshot()} in a REPEATABLE READ transaction, PostgreSQL
 * documentation, "Snapshot Synchronization Functions"). After RESUME, while clients write to the
 * new side, {@link #verify} reads both snapshots ({@code SET TRANSACTION SNAPSHOT}) and compares
 * every table's exact row count and checksum ({@link RowSummary}), so the write pause does not
 * grow with the size of the database.
 *
 * <p>Equal at the freeze means that nothing committed on the old side was left behind. A
 * difference there is never noise from changes in flight: it is a change lost, or a writer that
 * bypassed the router. It names the table and both counts; live verification, running again
 * after the switch, names the rows while they still differ.
 *
 * <p>The exporting transactions stay open until {@link #verify} ends or {@link #close}, holding
 * back vacuum on both sides for that long. Not thread-safe: one switch uses it.
 */
public final class FrozenPoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FrozenPoint.class);
  /** What {@code pg_export_snapshot()} returns, for example {@code 00000003-0000001B-1}. */
  private static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+");

  private final Database source;
  private final Database target;
  private final Connection sourceExport;
  private final Connection targetExport;
  private String sourceSnapshot;
  private String targetSnapshot;
  private Lsn freezeLsn;

  /**
   * The outcome of the final verification.
   *
   * @param freezeLsn the old side's LSN at the freeze
   * @param tables one comparison per table, spec(source) against target; no row descriptions
   * @param millis how long the comparison took after the pause
   */
  public record Result(Lsn freezeLsn, List<TableComparison> tables, long millis) {
    public Result {
      tables = List.copyOf(tables);
    }

    /** @return true when every table's count and checksum agree */
    public boolean equal() {
      return tables.stream().allMatch(TableComparison::equal);
    }

    /** @return one line for logs, the journal and the control API */
    public String summary() {
      long rows = tables.stream().mapToLong(TableComparison::sourceRows).sum();
      List<String> differing = tables.stream().filter(t -> !t.equal())
          .map(t -> t.source() + " (" + t.sourceRows() + " rows on the source, " + t.targetRows() + " on the target"
              + (t.sourceRows() == t.targetRows() ? ", checksums differ" : "") + ")").toList();
      String at = "at freeze LSN " + freezeLsn + ": ";
      return differing.isEmpty()
          ? at + tables.size() + (tables.size() == 1 ? " table" : " tables") + " equal, " + String.format("%,d", rows) + " rows (" + millis + " ms)"
          : at + differing.size() + " of " + tables.size() + " tables differ: " + String.join(", ", differing);
    }
  }

  private FrozenPoint(Database source, Database target, Connection sourceExport, Connection targetExport) {
    this.source = source;
    this.target = target;
    this.sourceExport = sourceExport;
    this.targetExport = targetExport;
  }

  /**
   * Opens one connection to each side, before the pause, so that the export inside it is one round
   * trip each.
   *
   * @param source the spec's source database (whichever side holds traffic)
   * @param target the spec's target database
   * @return the open, not yet exported, frozen point
   * @throws BatonException when either side cannot be reached
   */
  public static FrozenPoint open(Database source, Database target) {
    Connection s = source.connect();
    try {
      Connection t = target.connect();
      try {
        prepare(s);
        prepare(t);
      } catch (SQLException e) {
        closeQuietly(t);
        throw PgErrors.classify("preparing the final verification", e);
      }
      return new FrozenPoint(source, target, s, t);
    } catch (RuntimeException e) {
      closeQuietly(s);
      throw e;
    }
  }

  private static void prepare(Connection c) throws SQLException {
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
  }

  /**
   * Exports both snapshots: called inside the pause, right after the drain.
   *
   * @param freezeLsn the old side's LSN up to which everything was applied
   * @param timeoutMs how long the two exports may take together, ms (rounded up to whole seconds,
   *     the unit of JDBC's query timeout)
   * @throws BatonException when either export fails; the switch is then to be aborted
   */
  public void export(Lsn freezeLsn, long timeoutMs) {
    int seconds = (int) Math.max(1, (timeoutMs + 999) / 1000);
    try {
      sourceSnapshot = exportSnapshot(sourceExport, seconds);
      targetSnapshot = exportSnapshot(targetExport, seconds);
      this.freezeLsn = freezeLsn;
    } catch (SQLException e) {
      throw PgErrors.classify("exporting the snapshots of the freeze at LSN " + freezeLsn, e);
    }
  }

  private static String exportSnapshot(Connection c, int timeoutSeconds) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.setQueryTimeout(timeoutSeconds);
      try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** @return whether {@link #export} has run */
  public boolean exported() {
    return freezeLsn != null;
  }

  /**
   * Compares every table as it stood at the freeze, then ends the exporting transactions.
   *
   * @param tables the source tables in scope with their transforms
   * @return the comparison
   * @throws IllegalStateException when {@link #export} has not run
   * @throws BatonException when either side cannot be read (for example a database restarted,
   *     which ends the exported snapshots)
   */
  public Result verify(Map<TableInfo, RowTransform> tables) {
    if (!exported()) {
      throw new IllegalStateException("no freeze was exported");
    }
    long start = System.nanoTime();
    List<TableComparison> out = new ArrayList<>();
    try {
      VerifyProgress progress = new VerifyProgress("final verification",
          VerifyProgress.estimates(source, tables.keySet().stream().map(TableInfo::name).toList()), System::nanoTime);
      try (io.baton.progress.ProgressDisplay display = progress.display(LOG)) {
        for (Map.Entry<TableInfo, RowTransform> t : tables.entrySet()) {
          TableComparison c = compare(t.getKey(), t.getValue());
          progress.tableDone(t.getKey().name(), c.sourceRows());
          out.add(c);
        }
        display.stop(true);
      }
    } finally {
      close();
    }
    Result r = new Result(freezeLsn, out, (System.nanoTime() - start) / 1_000_000);
    if (r.equal()) {
      LOG.info("final verification {}", r.summary());
    } else {
      LOG.error("final verification {}", r.summary());
    }
    return r;
  }

  private TableComparison compare(TableInfo table, RowTransform transform) {
    long start = System.nanoTime();
    KeptColumns kept = KeptColumns.of(table, transform);
    CompletableFuture<RowSummary> s = CompletableFuture.supplyAsync(
        () -> summary(source, sourceSnapshot, c -> kept.sourceSummary(c, table.name(), "true")));
    RowSummary t = summary(target, targetSnapshot, c -> RowSummary.read(c, transform.targetTable(), kept.target(), "true"));
    RowSummary sv;
    try {
      sv = s.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof BatonException b ? b : new BatonException(e.getCause().getMessage(), e.getCause());
    }
    long mismatched = sv.equals(t) ? 0 : Math.max(1, Math.abs(sv.rows() - t.rows()));
    return new TableComparison(table.name().toString(), transform.targetTable().toString(), sv.rows(), t.rows(),
        sv.checksum().toString(), t.checksum().toString(), mismatched, (System.nanoTime() - start) / 1_000_000, List.of());
  }

  /** Reads a summary in a connection's transaction. */
  private interface Read {
    RowSummary on(Connection c) throws SQLException;
  }

  private static RowSummary summary(Database db, String snapshot, Read read) {
    if (!SNAPSHOT_ID.matcher(snapshot).matches()) {
      throw new BatonException("unexpected snapshot id from " + db + ": " + snapshot);
    }
    try (Connection c = db.connect()) {
      prepare(c);
      try (Statement st = c.createStatement()) {
        st.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
      }
      RowSummary r = read.on(c);
      c.rollback();
      return r;
    } catch (SQLException e) {
      throw PgErrors.classify("reading a table at the freeze on " + db, e);
    }
  }

  /** Ends the exporting transactions; the snapshots cannot be read after. */
  @Override
  public void close() {
    closeQuietly(sourceExport);
    closeQuietly(targetExport);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("closing a final verification connection: {}", e.getMessage());
    }
  }
}
