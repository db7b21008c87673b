package io.baton.reconciler;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.RowChecksum;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.spec.RowTransform;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares spec(source) with the target, table by table: exact row counts and a whole-table
 * checksum.
 *
 * <p>The checksum is {@link RowChecksum}'s: the sum of a 64-bit hash of every row's record text,
 * independent of row order and sensitive to any changed value, NULL versus empty string, a missing
 * row or an extra one. When the spec only renames and drops columns, the hash is computed inside
 * each database over the kept columns in the same order, and only two numbers per table cross the
 * network; when it changes values (nullFill, map, cast), the source's rows are read as text,
 * transformed and hashed here, since the database cannot repeat the transform. The
 * source side reads its columns through {@link RowTransform#targetColumns}, the target side
 * reads the mapped names. Both sides are read at the same time, each in one snapshot.
 *
 * <p>When a keyed table differs, {@link RowDiff} merges both sides' row hashes in key order to
 * count the mismatched rows and describe the first {@link #DESCRIBED_ROWS}: missing in target,
 * extra in target, or differing, with the columns and both values. For a table without a key,
 * {@link RowDiff#compareKeyless} compares the multisets of row hashes: each surplus copy of a row on
 * either side counts, and the first {@link #DESCRIBED_KEYLESS_ROWS} are described by their values.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  /** How many mismatched rows of a table are described. */
  public static final int DESCRIBED_ROWS = 100;

  /** How many of a table without a key: each is found by a scan of the table. */
  public static final int DESCRIBED_KEYLESS_ROWS = 10;

  private Reconciler() {}

  /**
   * @param source the source database
   * @param target the target database
   * @param tables source tables with their transforms
   * @return one comparison per table, in the given order
   * @throws BatonException when either side cannot be read
   */
  public static List<TableComparison> compare(Database source, Database target, Map<TableInfo, RowTransform> tables) {
    VerifyProgress progress = new VerifyProgress("reconcile",
        VerifyProgress.estimates(source, tables.keySet().stream().map(TableInfo::name).toList()), System::nanoTime);
    List<TableComparison> out = new ArrayList<>();
    try (io.baton.progress.ProgressDisplay display = progress.display(LOG)) {
      for (Map.Entry<TableInfo, RowTransform> t : tables.entrySet()) {
        TableComparison c = compareTable(source, target, t.getKey(), t.getValue());
        progress.tableDone(t.getKey().name(), c.sourceRows());
        out.add(c);
      }
      display.stop(true);
    }
    return out;
  }

  private static TableComparison compareTable(Database source, Database target, TableInfo table, RowTransform transform) {
    long start = System.nanoTime();
    KeptColumns kept = KeptColumns.of(table, transform);
    List<String> sourceCols = kept.source();
    List<String> targetCols = kept.target();
    CompletableFuture<RowSummary> s = CompletableFuture.supplyAsync(() -> sourceSummary(source, table, kept));
    RowSummary t = summary(target, transform.targetTable(), targetCols);
    RowSummary sv = join(s);
    long sourceRows = sv.rows();
    long targetRows = t.rows();
    long mismatched = 0;
    List<RowDifference> described = List.of();
    if (!sv.equals(t)) {
      if (table.hasPrimaryKey()) {
        RowDiff.Result diff = RowDiff.compare(kept.sourceSide(source, table), kept.targetSide(target, table, transform),
            DESCRIBED_ROWS);
        mismatched = diff.count();
        described = diff.described();
      } else {
        RowDiff.Result diff = RowDiff.compareKeyless(kept.sourceSide(source, table), kept.targetSide(target, table, transform),
            DESCRIBED_KEYLESS_ROWS);
        mismatched = diff.count();
        described = diff.described();
      }
    }
    List<CheckResult> checks = transform.checks().isEmpty() ? List.of() : declaredChecks(source, target, table, transform);
    TableComparison c = new TableComparison(table.name().toString(), transform.targetTable().toString(), sourceRows,
        targetRows, sv.checksum().toString(), t.checksum().toString(), mismatched, (System.nanoTime() - start) / 1_000_000,
        described, checks);
    LOG.info("reconcile {} -> {}: {} / {} rows, {}", c.source(), c.target(), sourceRows, targetRows,
        c.equal() ? "equal" : mismatched + " rows differ");
    described.stream().limit(10).forEach(d -> LOG.warn("reconcile {}: {}", c.source(), d));
    return c;
  }

  /**
   * Walks every row of a keyed table where the target differs from spec(source), in key order,
   * without holding them: the way to repair them.
   *
   * @param source the source database
   * @param target the target database
   * @param table the source table; it must have a primary key
   * @param transform its transform
   * @param each receives each mismatched row, its key by source column names (no column detail)
   * @return how many there were
   * @throws IllegalArgumentException when the table has no primary key
   * @throws BatonException when either side cannot be read
   */
  public static long forEachMismatch(Database source, Database target, TableInfo table, RowTransform transform,
      java.util.function.Consumer<RowDifference> each) {
    if (!table.hasPrimaryKey()) {
      throw new IllegalArgumentException(table.name() + " has no primary key: its rows cannot be told apart");
    }
    KeptColumns kept = KeptColumns.of(table, transform);
    return RowDiff.compare(kept.sourceSide(source, table), kept.targetSide(target, table, transform), 0, each).count();
  }

  private static List<CheckResult> declaredChecks(Database source, Database target, TableInfo table, RowTransform transform) {
    try (Connection s = source.connect(); Connection t = target.connect()) {
      s.setAutoCommit(false);
      t.setAutoCommit(false);
      List<CheckResult> checks = DeclaredChecks.run(s, t, table, transform);
      s.commit();
      t.commit();
      checks.stream().filter(k -> !k.passed())
          .forEach(k -> LOG.warn("reconcile {}: check {} failed in {} of {}: {}", table.name(), k.name(), k.differing(),
              k.compared(), k.details()));
      return checks;
    } catch (SQLException e) {
      throw PgErrors.classify("running the declared checks of " + table.name(), e);
    }
  }

  private static RowSummary sourceSummary(Database db, TableInfo table, KeptColumns kept) {
    try (Connection c = db.connect()) {
      return kept.sourceSummary(c, table.name(), "true");
    } catch (SQLException e) {
      throw PgErrors.classify("reconciling table " + table.name() + " on " + db, e);
    }
  }

  private static RowSummary summary(Database db, TableName table, List<String> cols) {
    try (Connection c = db.connect()) {
      return RowSummary.read(c, table, cols, "true");
    } catch (SQLException e) {
      throw PgErrors.classify("reconciling table " + table + " on " + db, e);
    }
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof BatonException b ? b : new BatonException(e.getCause().getMessage(), e.getCause());
    }
  }
}
