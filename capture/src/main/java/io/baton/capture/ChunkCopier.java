package io.baton.capture;

import io.baton.BatonException;
import io.baton.event.TableLoader;
import io.baton.pg.CopyLine;
import io.baton.pg.CopyText;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.RowChecksum;
import io.baton.pg.Sql;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.pg.TxSnapshot;
import io.baton.spec.RowTransform;
import io.baton.state.SnapshotChunk;
import io.baton.state.SnapshotJournal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Copies one snapshot chunk: {@code COPY (SELECT ... WHERE <chunk>) TO STDOUT} on the source in a
 * REPEATABLE READ transaction that imported the snapshot ({@code SET TRANSACTION SNAPSHOT}, manual
 * section "SET TRANSACTION"); every row decoded, passed through the spec's transform, added to the
 * chunk's {@link RowChecksum} and sent to a {@link TableLoader}, whose transaction also marks the
 * chunk done. Memory use is one row plus the loader's send buffer, whatever the chunk's size.
 */
final class ChunkCopier {
  private static final int PROGRESS_EVERY_ROWS = 4096;

  private final Database source;
  private final String snapshotName;
  private final TableLoader loader;
  private final String migration;
  private final BooleanSupplier aborted;

  /**
   * @param source the source database
   * @param snapshotName the exported snapshot every chunk reads under
   * @param loader where rows go
   * @param migration the migration's name, for the journal
   * @param aborted polled between rows: when true the copy stops and rolls back
   */
  ChunkCopier(Database source, String snapshotName, TableLoader loader, String migration, BooleanSupplier aborted) {
    this.source = source;
    this.snapshotName = snapshotName;
    this.loader = loader;
    this.migration = migration;
    this.aborted = aborted;
  }

  /**
   * @param table the source table
   * @param transform its transform
   * @param target the target table
   * @param chunk the chunk to copy
   * @param progress the table's counters
   * @return what was copied and journaled
   * @throws BatonException naming table and chunk when a read or write fails; nothing of the chunk
   *     is committed then
   */
  /** @return the row's primary key, column to value, or the whole row for a table without one */
  private static java.util.Map<String, String> keyOf(TableInfo table, List<String> columns, String[] values) {
    java.util.Map<String, String> key = new java.util.LinkedHashMap<>();
    List<String> names = table.hasPrimaryKey() ? table.primaryKey() : columns;
    for (String k : names) {
      key.put(k, values[columns.indexOf(k)]);
    }
    return key;
  }

  private static java.util.Map<String, String> rowOf(List<String> columns, String[] values) {
    java.util.Map<String, String> row = new java.util.LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      row.put(columns.get(i), values[i]);
    }
    return row;
  }

  SnapshotJournal.ChunkDone copy(TableInfo table, RowTransform transform, TableName target, SnapshotChunk chunk,
      SnapshotProgress.Table progress) {
    // structured logs (BATON_LOG_FORMAT=json) carry these as fields
    org.slf4j.MDC.put("migration", migration);
    org.slf4j.MDC.put("stage", "snapshot");
    org.slf4j.MDC.put("table", table.name().toString());
    List<String> sourceColumns = table.columnNames();
    RowTransform.Compiled compiled = transform.compile(sourceColumns);
    String sql = "COPY (SELECT " + Sql.idents(sourceColumns) + " FROM " + table.name().quoted() + " WHERE "
        + chunk.predicate(table) + ") TO STDOUT";
    RowChecksum.Sum sum = new RowChecksum.Sum();
    long bytes = 0;
    long reportedRows = 0;
    long reportedBytes = 0;
    String where = "snapshot chunk " + chunk.index() + " of " + table.name();
    try (Connection conn = source.connect()) {
      conn.setAutoCommit(false);
      TxSnapshot readSnapshot;
      try (Statement st = conn.createStatement()) {
        BulkSnapshot.importSnapshot(conn, snapshotName);
        try (ResultSet rs = st.executeQuery("SELECT pg_current_snapshot()::text")) {
          rs.next();
          readSnapshot = TxSnapshot.parse(rs.getString(1));
        }
      }
      try (TableLoader.Load load = loader.open(target, compiled.targetColumns())) {
        CopyOut out = conn.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
        try {
          int[] projection = compiled.projection();
          CopyLine fields = new CopyLine(sourceColumns.size());
          CopyLine.Bytes encoded = new CopyLine.Bytes(4096);
          byte[] line;
          while ((line = out.readFromCopy()) != null) {
            bytes += line.length;
            if (projection != null) {
              fields.parse(line);
              sum.addCopyRow(fields, projection);
              encoded.reset();
              fields.writeFields(projection, encoded);
              load.encodedRow(encoded.array(), 0, encoded.size());
            } else {
              String[] decoded;
              try {
                decoded = CopyText.decode(line, sourceColumns.size());
              } catch (CopyText.InvalidUtf8 e) {
                throw new BatonException(where + ": column " + sourceColumns.get(e.column()) + " of the row with key "
                    + keyOf(table, sourceColumns, e.values()) + " is not valid UTF-8 (the source database's encoding let"
                    + " the bytes in); nothing of the chunk is applied. Fix the value on the source and start again",
                    e, false);
              }
              List<String> row;
              try {
                String[] transformed = compiled.apply(decoded);
                if (transformed == null) {
                  continue; // the table's filter leaves the row out
                }
                row = Arrays.asList(transformed);
              } catch (io.baton.spec.RowRejected r) {
                if (transform.onInvalid() != io.baton.spec.TableMapping.OnInvalid.QUARANTINE) {
                  throw new BatonException("halted at the row with key " + keyOf(table, sourceColumns, decoded) + ": "
                      + r.getMessage() + ". Nothing of the chunk is applied; fix the spec or the data and start again", r,
                      false);
                }
                load.quarantine(io.baton.state.QuarantinedRow.of(migration, keyOf(table, sourceColumns, decoded),
                    rowOf(sourceColumns, decoded), "snapshot", r));
                continue;
              }
              sum.addRow(row);
              load.row(row);
            }
            if (sum.rows() - reportedRows >= PROGRESS_EVERY_ROWS) {
              progress.read(sum.rows() - reportedRows, bytes - reportedBytes);
              reportedRows = sum.rows();
              reportedBytes = bytes;
              if (aborted.getAsBoolean()) {
                throw new BatonException(where + " stopped: another chunk failed");
              }
            }
          }
        } finally {
          if (out.isActive()) {
            out.cancelCopy();
          }
        }
        SnapshotJournal.ChunkDone done =
            new SnapshotJournal.ChunkDone(table.name(), chunk.index(), sum.rows(), bytes, sum.checksum(), readSnapshot);
        load.commit(migration, done);
        progress.read(sum.rows() - reportedRows, bytes - reportedBytes);
        progress.chunkDone();
        conn.commit();
        return done;
      }
    } catch (SQLException e) {
      progress.undo(reportedRows, reportedBytes);
      throw PgErrors.classify(where, e);
    } catch (RuntimeException e) {
      progress.undo(reportedRows, reportedBytes);
      if (e instanceof BatonException b) {
        throw b.getMessage().contains(where) ? b : new BatonException(where + ": " + b.getMessage(), b, b.isRetriable());
      }
      throw new BatonException(where + ": " + e, e);
    }
  }
}
