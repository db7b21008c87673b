package io.baton.pg;

import java.util.List;
import java.util.Optional;

/**
 * A table as the catalog describes it, with what Baton needs to copy, stream and verify it.
 *
 * @param name the table
 * @param columns the columns in attribute order, dropped columns excluded
 * @param primaryKey the primary key's columns in key order; empty when there is none
 * @param replicaIdentity {@code pg_class.relreplident}: {@code d} default, {@code f} full,
 *     {@code i} index, {@code n} nothing
 */
public record TableInfo(TableName name, List<ColumnInfo> columns, List<String> primaryKey, char replicaIdentity) {
  public TableInfo {
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
  }

  /** @return the column names in attribute order */
  public List<String> columnNames() {
    return columns.stream().map(ColumnInfo::name).toList();
  }

  /**
   * @param column a column name
   * @return the column, or empty when the table has no such column
   */
  public Optional<ColumnInfo> column(String column) {
    return columns.stream().filter(c -> c.name().equals(column)).findFirst();
  }

  /** @return true when the table has a primary key */
  public boolean hasPrimaryKey() {
    return !primaryKey.isEmpty();
  }
}
