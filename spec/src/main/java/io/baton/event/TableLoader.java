package io.baton.event;

import io.baton.pg.TableName;
import java.util.List;

/**
 * Where the bulk snapshot writes transformed rows: implemented on the target side (COPY) and used
 * by the capture stage, so that neither depends on the other.
 */
public interface TableLoader {
  /**
   * Starts loading one table, in one target transaction.
   *
   * @param table the target table
   * @param columns the target columns, in the order of the values passed to {@link Load#row}
   * @return the open load; the caller must close it
   */
  Load open(TableName table, List<String> columns);

  /** One table's load in progress. */
  interface Load extends AutoCloseable {
    /**
     * @param values one row's values as PostgreSQL text forms, null for NULL; same size and order
     *     as the columns
     */
    void row(List<String> values);

    /**
     * Ends the load and commits it.
     *
     * @return the number of rows the target accepted
     */
    long commit();

    /** Aborts the load unless it was committed; never throws. */
    @Override
    void close();
  }
}
