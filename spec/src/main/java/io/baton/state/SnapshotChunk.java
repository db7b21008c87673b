package io.baton.state;

import io.baton.BatonException;
import io.baton.pg.ColumnInfo;
import io.baton.pg.Sql;
import io.baton.pg.TableInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * One chunk of a table's bulk snapshot: the unit that is copied in one source read and one target
 * transaction, and journaled as done in that same transaction.
 *
 * <p>The chunks of a table never overlap and together cover every row, whatever was inserted after
 * they were planned: the first chunk has no lower bound and the last no upper bound.
 *
 * @param index the chunk's number within its table, from 0
 * @param kind how the chunk bounds its rows
 * @param lower inclusive lower bound, null for none: the primary key's values as text (one per key
 *     column) for {@link Kind#KEY_RANGE}, one block number for {@link Kind#PAGE_RANGE}
 * @param upper exclusive upper bound, null for none; same shape as {@code lower}
 */
public record SnapshotChunk(int index, Kind kind, List<String> lower, List<String> upper) {
  public SnapshotChunk {
    lower = lower == null ? null : List.copyOf(lower);
    upper = upper == null ? null : List.copyOf(upper);
    if (kind == Kind.WHOLE_TABLE && (lower != null || upper != null)) {
      throw new IllegalArgumentException("a whole-table chunk has no bounds");
    }
  }

  /** How a chunk bounds its rows. */
  public enum Kind {
    /** every row of the table: small tables, or no way to split */
    WHOLE_TABLE,
    /** a range of the primary key, compared as a row in key order: stable across snapshots */
    KEY_RANGE,
    /**
     * a range of heap blocks ({@code ctid}), for tables without a primary key; read with a TID
     * range scan (PostgreSQL 14 and later). Rows move between blocks when updated, so every chunk
     * of such a table must be read under the same snapshot.
     */
    PAGE_RANGE
  }

  /** @return a single chunk covering the whole table */
  public static SnapshotChunk wholeTable() {
    return new SnapshotChunk(0, Kind.WHOLE_TABLE, null, null);
  }

  /**
   * The SQL condition that selects this chunk's rows on the source.
   *
   * @param table the source table, for the key's column types
   * @return a boolean SQL expression, {@code true} for a whole-table chunk
   * @throws BatonException when a key range's bounds do not match the table's primary key
   */
  public String predicate(TableInfo table) {
    return predicate(table, table.primaryKey());
  }

  /**
   * The SQL condition that selects this chunk's rows in a copy of the table whose key columns
   * carry other names (the target, after the spec's renames), with the same types.
   *
   * @param table the source table, for the key's column types
   * @param keyColumns the key's column names in that copy, in key order
   * @return a boolean SQL expression, {@code true} for a whole-table chunk
   * @throws BatonException when a key range's bounds do not match the table's primary key
   */
  public String predicate(TableInfo table, List<String> keyColumns) {
    return switch (kind) {
      case WHOLE_TABLE -> "true";
      case PAGE_RANGE -> join(
          lower == null ? null : "ctid >= '(" + Long.parseLong(lower.get(0)) + ",0)'::tid",
          upper == null ? null : "ctid < '(" + Long.parseLong(upper.get(0)) + ",0)'::tid");
      case KEY_RANGE -> join(
          lower == null ? null : keyRow(keyColumns) + " >= " + valueRow(table, lower),
          upper == null ? null : keyRow(keyColumns) + " < " + valueRow(table, upper));
    };
  }

  private static String join(String a, String b) {
    if (a == null && b == null) {
      return "true";
    }
    return a == null ? b : b == null ? a : a + " AND " + b;
  }

  private static String keyRow(List<String> keyColumns) {
    return "ROW(" + Sql.idents(keyColumns) + ")";
  }

  private String valueRow(TableInfo table, List<String> values) {
    List<String> key = table.primaryKey();
    if (values.size() != key.size()) {
      throw new BatonException("snapshot chunk " + index + " of " + table.name() + " has " + values.size()
          + " bound values but the primary key has " + key.size() + " columns " + key);
    }
    List<String> parts = new ArrayList<>(key.size());
    for (int i = 0; i < key.size(); i++) {
      String column = key.get(i);
      ColumnInfo info = table.column(column)
          .orElseThrow(() -> new BatonException("primary key column " + column + " of " + table.name() + " is missing"));
      String v = values.get(i);
      parts.add(v == null ? "NULL" : Sql.literal(v) + "::" + info.type());
    }
    return "ROW(" + String.join(", ", parts) + ")";
  }
}
