package io.baton.spec;

import io.baton.BatonException;
import io.baton.pg.TableName;
import io.baton.spec.value.RejectedValue;
import io.baton.spec.value.ValueOp;

/**
 * A row that the spec's value operations reject: names the table, the column, the value and the
 * rule, so that the caller can add the row's key and LSN and quarantine it or halt. Permanent (not
 * retriable): the same row fails the same way until the spec or the data changes.
 */
public final class RowRejected extends BatonException {
  private static final long serialVersionUID = 1L;
  private final TableName table;
  private final String column;
  private final String rule;
  private final String reason;

  /**
   * @param table the source table
   * @param column the source column
   * @param op the operation that rejected the value
   * @param cause what it said
   */
  public RowRejected(TableName table, String column, ValueOp op, RejectedValue cause) {
    this(table, column, op.describe(), cause.getMessage(), cause);
  }

  private RowRejected(TableName table, String column, String rule, String reason, Throwable cause) {
    super("table " + table + " column " + column + ": " + reason + " (" + rule + ")", cause, false);
    this.table = table;
    this.column = column;
    this.rule = rule;
    this.reason = reason;
  }

  /**
   * @param table the source table
   * @param column the source column
   * @param rule the validation rule the value breaks: {@code notNull}, {@code regex ^a$}
   * @param value the value as it would be written, or null for NULL
   * @return the rejection
   */
  public static RowRejected invalid(TableName table, String column, String rule, String value) {
    return new RowRejected(table, column, "validate " + rule, RejectedValue.quoted(value) + " breaks a validation rule",
        null);
  }

  /**
   * @param table the source table
   * @param rule the validation rule the row breaks ({@code cel '...'})
   * @return the rejection, on the whole row (column {@code (row)})
   */
  public static RowRejected invalidRow(TableName table, String rule) {
    return new RowRejected(table, ColumnCheck.ROW, "validate " + rule, "the row breaks a validation rule", null);
  }

  /**
   * @param table the source table
   * @param column the column at fault, or {@code (row)}
   * @param rule the expression's rule ({@code filter '...'}, {@code derive c cel '...'})
   * @param reason why it could not give an answer
   * @return the rejection
   */
  public static RowRejected byExpression(TableName table, String column, String rule, String reason) {
    return new RowRejected(table, column, rule, reason, null);
  }

  /**
   * @param table the source table
   * @param plugin the row plugin's name
   * @param cause what it said
   * @return the rejection, on the whole row (column {@code (row)})
   */
  public static RowRejected byPlugin(TableName table, String plugin, RejectedValue cause) {
    return new RowRejected(table, ColumnCheck.ROW, "plugin " + plugin, cause.getMessage(), cause);
  }

  /** @return the source table */
  public TableName table() {
    return table;
  }

  /** @return the source column */
  public String column() {
    return column;
  }

  /** @return the rule that rejected the value: {@code cast to date from dd/MM/yyyy} */
  public String rule() {
    return rule;
  }

  /** @return the value and why: {@code '31/02/2024': not a date in format dd/MM/yyyy} */
  public String reason() {
    return reason;
  }
}
