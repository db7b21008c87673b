package io.baton.reconciler;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.RowChecksum;
import io.baton.pg.Sql;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.spec.RowTransform;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
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
 * row or an extra one. The spec's transforms
 * here (renames and drops) leave values untouched, so the hash is computed inside each database
 * over the kept columns in the same order, and only two numbers per table cross the network; the
 * source side reads its columns through {@link RowTransform#targetColumns}, the target side
 * reads the mapped names. Both sides are read at the same time, each in one snapshot.
 *
 * <p>When a table differs, its rows are compared by key (hashes only) to count the mismatched rows.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private Reconciler() {}

  /**
   * @param source the source database
   * @param target the target database
   * @param tables source tables with their transforms
   * @return one comparison per table, in the given order
   * @throws BatonException when either side cannot be read
   */
  public static List<TableComparison> compare(Database source, Database target, Map<TableInfo, RowTransform> tables) {
    List<TableComparison> out = new ArrayList<>();
    for (Map.Entry<TableInfo, RowTransform> t : tables.entrySet()) {
      out.add(compareTable(source, target, t.getKey(), t.getValue()));
    }
    return out;
  }

  private static TableComparison compareTable(Database source, Database target, TableInfo table, RowTransform transform) {
    long start = System.nanoTime();
    List<String> sourceCols = new ArrayList<>();
    List<String> targetCols = new ArrayList<>();
    for (String c : table.columnNames()) {
      transform.targetColumn(c).ifPresent(t -> {
        sourceCols.add(c);
        targetCols.add(t);
      });
    }
    CompletableFuture<String[]> s = CompletableFuture.supplyAsync(() -> summary(source, table.name(), sourceCols));
    String[] t = summary(target, transform.targetTable(), targetCols);
    String[] sv = join(s);
    long sourceRows = Long.parseLong(sv[0]);
    long targetRows = Long.parseLong(t[0]);
    long mismatched = 0;
    if (sourceRows != targetRows || !sv[1].equals(t[1])) {
      mismatched = table.hasPrimaryKey()
          ? diffByKey(source, target, table, transform, sourceCols, targetCols)
          : Math.max(1, Math.abs(sourceRows - targetRows));
    }
    TableComparison c = new TableComparison(table.name().toString(), transform.targetTable().toString(), sourceRows,
        targetRows, sv[1], t[1], mismatched, (System.nanoTime() - start) / 1_000_000);
    LOG.info("reconcile {} -> {}: {} / {} rows, {}", c.source(), c.target(), sourceRows, targetRows,
        c.equal() ? "equal" : mismatched + " rows differ");
    return c;
  }

  private static String[] summary(Database db, TableName table, List<String> cols) {
    String sql = "SELECT " + RowChecksum.sqlSummary(cols) + " FROM " + table.quoted();
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return new String[] {rs.getString(1), rs.getString(2)};
    } catch (SQLException e) {
      throw PgErrors.classify("reconciling table " + table + " on " + db, e);
    }
  }

  private static long diffByKey(Database source, Database target, TableInfo table, RowTransform transform,
      List<String> sourceCols, List<String> targetCols) {
    CompletableFuture<Map<String, String>> s = CompletableFuture.supplyAsync(
        () -> hashesByKey(source, table.name(), table.primaryKey(), sourceCols));
    Map<String, String> t = hashesByKey(target, transform.targetTable(), transform.targetColumns(table.primaryKey()), targetCols);
    Map<String, String> sv = join(s);
    long mismatched = 0;
    for (Map.Entry<String, String> e : sv.entrySet()) {
      String other = t.remove(e.getKey());
      if (!e.getValue().equals(other)) {
        mismatched++;
      }
    }
    return mismatched + t.size();
  }

  private static Map<String, String> hashesByKey(Database db, TableName table, List<String> key, List<String> cols) {
    String sql = "SELECT ROW(" + Sql.idents(key) + ")::text, " + RowChecksum.sqlRowHash(cols) + " FROM " + table.quoted();
    Map<String, String> out = new HashMap<>();
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.setFetchSize(10_000);
        try (ResultSet rs = st.executeQuery(sql)) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getString(2));
          }
        }
      }
      c.commit();
      return out;
    } catch (SQLException e) {
      throw PgErrors.classify("comparing rows of " + table + " on " + db, e);
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
