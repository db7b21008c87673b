package io.baton.capture;

import io.baton.BatonException;
import io.baton.event.TableLoader;
import io.baton.pg.CopyText;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.Sql;
import io.baton.pg.TableInfo;
import io.baton.spec.RowTransform;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the source tables into the target under a replication slot's exported snapshot, so that
 * the snapshot and the stream of the same slot meet exactly: every change committed after the
 * slot's consistent point arrives through the stream, and nothing before it arrives twice.
 *
 * <p>Each table is read with {@code COPY (SELECT ...) TO STDOUT} in a REPEATABLE READ transaction
 * that imported the snapshot ({@code SET TRANSACTION SNAPSHOT}, manual section "SET TRANSACTION"),
 * every row is passed through the spec's {@link RowTransform}, and written through a
 * {@link TableLoader} (COPY into the target).
 */
public final class BulkSnapshot {
  private static final Logger LOG = LoggerFactory.getLogger(BulkSnapshot.class);

  private BulkSnapshot() {}

  /**
   * What one table's copy did.
   *
   * @param table the source table
   * @param rows rows copied
   * @param bytes bytes read from the source (COPY text)
   * @param millis elapsed time
   */
  public record TableResult(String table, long rows, long bytes, long millis) {}

  /**
   * Copies every table, one after the other.
   *
   * @param source the source database
   * @param snapshotName the exported snapshot to read under
   * @param tables the source tables with their transforms, in copy order
   * @param loader where the transformed rows go
   * @return per table results, in copy order
   * @throws BatonException naming the table when a read or write fails; the failed table's load is
   *     rolled back
   */
  public static List<TableResult> copy(
      Database source, String snapshotName, Map<TableInfo, RowTransform> tables, TableLoader loader) {
    List<TableResult> results = new ArrayList<>();
    for (Map.Entry<TableInfo, RowTransform> t : tables.entrySet()) {
      results.add(copyTable(source, snapshotName, t.getKey(), t.getValue(), loader));
    }
    return results;
  }

  private static TableResult copyTable(
      Database source, String snapshotName, TableInfo table, RowTransform transform, TableLoader loader) {
    long start = System.nanoTime();
    List<String> sourceColumns = table.columnNames();
    List<String> targetColumns = transform.targetColumns(sourceColumns);
    long rows = 0;
    long bytes = 0;
    try (Connection conn = source.connect()) {
      conn.setAutoCommit(false);
      try (Statement st = conn.createStatement()) {
        st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        st.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshotName));
      }
      String sql = "COPY (SELECT " + Sql.idents(sourceColumns) + " FROM " + table.name().quoted() + ") TO STDOUT";
      try (TableLoader.Load load = loader.open(transform.targetTable(), targetColumns)) {
        CopyOut out = conn.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
        try {
          byte[] line;
          Map<String, String> row = new LinkedHashMap<>(sourceColumns.size() * 2);
          while ((line = out.readFromCopy()) != null) {
            bytes += line.length;
            String[] values = CopyText.decode(line, sourceColumns.size());
            row.clear();
            for (int i = 0; i < values.length; i++) {
              row.put(sourceColumns.get(i), values[i]);
            }
            Map<String, String> mapped = transform.apply(row);
            load.row(new ArrayList<>(mapped.values()));
            rows++;
            if (rows % 250_000 == 0) {
              LOG.info("snapshot {}: {} rows", table.name(), rows);
            }
          }
        } finally {
          if (out.isActive()) {
            out.cancelCopy();
          }
        }
        long written = load.commit();
        if (written != rows) {
          throw new BatonException("snapshot of " + table.name() + ": read " + rows + " rows but the target accepted " + written);
        }
      }
      conn.commit();
    } catch (SQLException e) {
      throw PgErrors.classify("bulk snapshot of table " + table.name(), e);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    LOG.info("snapshot {} -> {}: {} rows, {} MB in {} ms ({} rows/s)", table.name(), transform.targetTable(), rows,
        bytes / 1_000_000, millis, millis == 0 ? rows : rows * 1000 / millis);
    return new TableResult(table.name().toString(), rows, bytes, millis);
  }
}
