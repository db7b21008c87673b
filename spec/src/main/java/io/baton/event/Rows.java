package io.baton.event;

import io.baton.BatonException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds rows in the form the pipeline uses: column name to PostgreSQL text value, in order. */
public final class Rows {
  private Rows() {}

  /**
   * @param columnValuePairs column, value, column, value...; a value may be null (SQL NULL)
   * @return a mutable row in the given column order
   * @throws BatonException when a column has no value
   */
  public static Map<String, String> of(String... columnValuePairs) {
    if (columnValuePairs.length % 2 != 0) {
      throw new BatonException("a row needs a value for every column; got " + columnValuePairs.length + " items");
    }
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < columnValuePairs.length; i += 2) {
      row.put(columnValuePairs[i], columnValuePairs[i + 1]);
    }
    return row;
  }
}
