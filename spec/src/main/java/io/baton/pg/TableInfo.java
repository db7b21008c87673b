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
 * @param generated the stored generated columns ({@code attgenerated = 's'}), in attribute order:
 *     not among {@code columns}, since they are neither copied nor sent by logical decoding
 *     (PostgreSQL documentation, "Generated Columns"); the target computes them itself
 */
public record TableInfo(TableName name, List<ColumnInfo> columns, List<String> primaryKey, char replicaIdentity,
    List<GeneratedColumn> generated) {
  /**
   * A stored generated column.
   *
   * @param name its name, unquoted
   * @param type its type, as {@code format_type} prints it
   * @param expression its generation expression, as {@code pg_get_expr} prints it
   */
  public record GeneratedColumn(String name, String type, String expression) {}

  public TableInfo {
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
    generated = generated == null ? List.of() : List.copyOf(generated);
  }

  /** A table without generated columns. */
  public TableInfo(TableName name, List<ColumnInfo> columns, List<String> primaryKey, char replicaIdentity) {
    this(name, columns, primaryKey, replicaIdentity, List.of());
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
