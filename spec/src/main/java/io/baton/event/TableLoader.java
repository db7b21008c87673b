package io.baton.event;

import io.baton.pg.TableName;
import io.baton.pg.TxSnapshot;
import io.baton.state.SnapshotJournal;
import java.util.List;

/**
 * Where the bulk snapshot writes transformed rows: implemented on the target side (COPY) and used
 * by the capture stage, so that neither depends on the other.
 */
public interface TableLoader {
  /**
   * Starts loading one snapshot chunk, in one target transaction.
   *
   * @param table the target table
   * @param columns the target columns, in the order of the values passed to {@link Load#row}
   * @return the open load; the caller must close it
   */
  Load open(TableName table, List<String> columns);

  /**
   * Empties a target table and marks its chunks pending again in one transaction, before the table
   * is copied again as a whole under {@code filter} (see {@link SnapshotJournal#restartTable}).
   *
   * @param migration the migration's name
   * @param source the source table
   * @param target the target table
   * @param filter the snapshot the new copy reads under
   */
  void restartTable(String migration, TableName source, TableName target, TxSnapshot filter);

  /** One chunk's load in progress. */
  interface Load extends AutoCloseable {
    /**
     * @param values one row's values as PostgreSQL text forms, null for NULL; same size and order
     *     as the columns
     */
    void row(List<String> values);

    /**
     * @param row one row already in COPY text format with the target columns in order, ending in a
     *     newline; the bytes are copied before this returns
     * @param offset where the row starts in {@code row}
     * @param length its length in bytes
     */
    void encodedRow(byte[] row, int offset, int length);

    /**
     * Sets a row aside: it is written to {@code baton.quarantine} in the chunk's transaction, so that
     * it is recorded exactly when the chunk is.
     *
     * @param row the row and why the spec rejected it
     */
    void quarantine(io.baton.state.QuarantinedRow row);

    /**
     * Ends the load, marks the chunk done in the journal, and commits both in one transaction.
     *
     * @param migration the migration's name
     * @param done what the chunk read; its row count must equal the rows the target accepted
     * @throws io.baton.BatonException when the counts differ or the chunk is not pending; nothing
     *     is committed then
     */
    void commit(String migration, SnapshotJournal.ChunkDone done);

    /** Aborts the load unless it was committed; never throws. */
    @Override
    void close();
  }
}
