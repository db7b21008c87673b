package io.baton.reconciler;

import java.util.List;
import java.util.Map;

/**
 * One row where the target differs from spec(source).
 *
 * @param kind what is wrong
 * @param key the row's primary key on the source, column to text value, in key order; for a table
 *     without a primary key, the whole row (its values are its only identity), long values cut
 * @param columns for {@link Kind#DIFFERING}, the columns whose values differ (source names), in
 *     column order; empty for the other kinds
 */
public record RowDifference(Kind kind, Map<String, String> key, List<ColumnDifference> columns) {
  /** What is wrong with a row. */
  public enum Kind {
    /** The source has the row, the target not. */
    MISSING_IN_TARGET,
    /** The target has a row the source does not. */
    EXTRA_IN_TARGET,
    /** Both have the row, with different values. */
    DIFFERING
  }

  /**
   * One column's two values.
   *
   * @param column the source column name
   * @param sourceValue its text value on the source, null for SQL NULL; a value over 200 characters
   *     is cut to about 200 around the first character that differs, marked with where the cut
   *     starts and the value's length
   * @param targetValue its text value on the target, likewise
   */
  public record ColumnDifference(String column, String sourceValue, String targetValue) {}

  /**
   * @return the same difference seen from the other side: missing and extra swap, and so do each
   *     column's two values (names stay as they are)
   */
  public RowDifference mirrored() {
    Kind k = switch (kind) {
      case MISSING_IN_TARGET -> Kind.EXTRA_IN_TARGET;
      case EXTRA_IN_TARGET -> Kind.MISSING_IN_TARGET;
      case DIFFERING -> Kind.DIFFERING;
    };
    return new RowDifference(k, key, columns.stream()
        .map(c -> new ColumnDifference(c.column(), c.targetValue(), c.sourceValue())).toList());
  }

  @Override
  public String toString() {
    return switch (kind) {
      case MISSING_IN_TARGET -> "missing in target: key " + key;
      case EXTRA_IN_TARGET -> "extra in target: key " + key;
      case DIFFERING -> "differing: key " + key + " " + columns.stream()
          .map(c -> c.column() + " " + quote(c.sourceValue()) + " on the source, " + quote(c.targetValue()) + " on the target")
          .toList();
    };
  }

  private static String quote(String v) {
    return v == null ? "NULL" : "'" + v + "'";
  }
}
