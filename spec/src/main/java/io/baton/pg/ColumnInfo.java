package io.baton.pg;

/**
 * One column of a table as the catalog describes it.
 *
 * @param name the column name, unquoted
 * @param type the full SQL type as {@code format_type(atttypid, atttypmod)} prints it, for
 *     example {@code character(84)} or {@code numeric(12,2)}
 * @param notNull true when the column is NOT NULL
 * @param sequence the sequence that feeds the column's default or identity, schema-qualified and
 *     unquoted, or null when there is none
 * @param identity {@code a} (ALWAYS) or {@code d} (BY DEFAULT) for identity columns, empty otherwise
 * @param defaultExpression the column default as {@code pg_get_expr} prints it, or null when there is none
 */
public record ColumnInfo(String name, String type, boolean notNull, String sequence, String identity,
    String defaultExpression) {}
