package io.baton.state;

import io.baton.event.ChangeEvent;
import io.baton.event.ChangeEventJson;
import io.baton.pg.TableName;
import io.baton.spec.RowRejected;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A row the spec set aside ({@code onInvalid: quarantine}), as {@code baton.quarantine} keeps it.
 *
 * @param migration the migration's name
 * @param sourceTable the source table
 * @param sourceKey the row's key on the source as JSON ({@code {"id":"7"}}); the whole row for a
 *     table without a key
 * @param lsn the change's LSN, or {@code snapshot} for a row of the bulk copy
 * @param column the source column at fault
 * @param rule the rule that rejected it: {@code validate notNull}, {@code cast to date from dd/MM/yyyy}
 * @param reason the value and why
 * @param rowValues the row's source values as JSON
 */
public record QuarantinedRow(String migration, TableName sourceTable, String sourceKey, String lsn, String column,
    String rule, String reason, String rowValues) {
  /** Where quarantined rows are kept on the destination. */
  public static final TableName TABLE = new TableName("baton", "quarantine");

  /**
   * @param migration the migration's name
   * @param key the row's source key (or whole row)
   * @param row the row's source values
   * @param lsn the change's LSN as text, or {@code snapshot}
   * @param rejected why the spec rejected it
   * @return the quarantined row
   */
  public static QuarantinedRow of(String migration, Map<String, String> key, Map<String, String> row, String lsn,
      RowRejected rejected) {
    return new QuarantinedRow(migration, rejected.table(), json(key), lsn, rejected.column(), rejected.rule(),
        rejected.reason(), json(row));
  }

  /** @return the columns of {@code baton.quarantine} this row fills, in order, with their values */
  public Map<String, String> columns() {
    Map<String, String> c = new LinkedHashMap<>();
    c.putAll(key());
    c.put("column_name", column);
    c.put("rule", rule);
    c.put("reason", reason);
    c.put("row_values", rowValues);
    return c;
  }

  /** @return the primary key of {@code baton.quarantine}: migration, source table, source key, LSN */
  public Map<String, String> key() {
    Map<String, String> k = new LinkedHashMap<>();
    k.put("migration", migration);
    k.put("source_table", sourceTable.toString());
    k.put("source_key", sourceKey);
    k.put("lsn", lsn);
    return k;
  }

  /**
   * @param rejected the change event the spec rejected
   * @return the change that records this row in {@code baton.quarantine}: an upsert there by its
   *     key, carried by the sink with the table's other changes in order and in the same
   *     transactions, so that a redelivered one is not recorded twice
   */
  public ChangeEvent asChange(ChangeEvent rejected) {
    return new ChangeEvent(ChangeEvent.Op.CREATE, TABLE, key(), null, columns(), rejected.lsn(), rejected.commitTimeMs(),
        rejected.lastCommitLsn(), rejected.txId());
  }

  private static String json(Map<String, String> row) {
    return row == null ? "{}" : new String(ChangeEventJson.key(row), StandardCharsets.UTF_8);
  }
}
