package io.baton.reconciler;

import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.spec.ColumnCheck;
import io.baton.spec.RowRejected;
import io.baton.spec.RowTransform;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dry run of the spec's gate over a whole source table: every row read once, through the table's
 * filter (rows it leaves out are counted and go no further), its row plugin, then every value
 * operation, validation rule and CEL derived column tried on it on its own (a row that breaks two
 * rules counts under both; one the plugin rejects counts under the plugin alone), nothing written
 * anywhere. What {@code baton profile} reports before a migration starts.
 */
public final class SpecDryRun {
  private SpecDryRun() {}

  /**
   * How many rows break one rule.
   *
   * @param column the source column
   * @param rule the operation or rule: {@code cast to date from dd/MM/yyyy}, {@code validate notNull}
   * @param rows rows that break it
   * @param examples the first of them: key and reason
   */
  public record RuleCount(String column, String rule, long rows, List<String> examples) {}

  /**
   * One table's dry run.
   *
   * @param table the source table
   * @param rows rows read
   * @param filtered rows the table's filter leaves out (not migrated, not rejected)
   * @param rejected rows that break at least one rule (quarantined or halting, as the table says)
   * @param onInvalid what the table does with them: halt or quarantine
   * @param rules the rules broken, in the order first met
   */
  public record Result(String table, long rows, long filtered, long rejected, String onInvalid, List<RuleCount> rules) {}

  /**
   * @param conn a source connection; used in one read-only transaction, rolled back at the end
   * @param table the table
   * @param transform its transform
   * @param examples how many example rows per rule
   * @return the dry run
   * @throws io.baton.BatonException when the table cannot be read
   */
  public static Result run(Connection conn, TableInfo table, RowTransform transform, int examples) {
    List<String> columns = table.columnNames();
    Map<String, long[]> counts = new LinkedHashMap<>();
    Map<String, List<String>> samples = new LinkedHashMap<>();
    long rows = 0;
    long rejected = 0;
    long filtered = 0;
    try {
      conn.setAutoCommit(false);
      conn.setReadOnly(true);
      try (Statement st = conn.createStatement()) {
        st.setFetchSize(10_000);
        try (ResultSet rs = st.executeQuery("SELECT " + RowSummary.textColumns(columns) + " FROM " + table.name().quoted())) {
          Map<String, String> row = new LinkedHashMap<>();
          while (rs.next()) {
            rows++;
            for (int i = 0; i < columns.size(); i++) {
              row.put(columns.get(i), rs.getString(i + 1));
            }
            List<String[]> broken;
            try {
              if (!transform.inScope(row)) {
                filtered++;
                continue;
              }
              broken = broken(transform, row);
            } catch (RowRejected r) {
              broken = List.<String[]>of(new String[] {r.column(), r.rule(), r.reason()});
            }
            if (!broken.isEmpty()) {
              rejected++;
            }
            for (String[] b : broken) {
              String id = b[0] + "\u0000" + b[1];
              counts.computeIfAbsent(id, k -> new long[1])[0]++;
              List<String> list = samples.computeIfAbsent(id, k -> new ArrayList<>());
              if (list.size() < examples) {
                list.add("key " + key(table, row) + ": " + b[2]);
              }
            }
          }
        }
      }
      conn.rollback();
    } catch (SQLException e) {
      throw PgErrors.classify("dry run of the spec over " + table.name(), e);
    }
    List<RuleCount> rules = new ArrayList<>();
    counts.forEach((id, n) -> {
      String[] parts = id.split("\u0000", 2);
      rules.add(new RuleCount(parts[0], parts[1], n[0], List.copyOf(samples.get(id))));
    });
    return new Result(table.name().toString(), rows, filtered, rejected, transform.onInvalid().name().toLowerCase(), rules);
  }

  /** @return each rule the row breaks: column, rule, reason */
  private static List<String[]> broken(RowTransform transform, Map<String, String> source) {
    List<String[]> out = new ArrayList<>();
    Map<String, String> row;
    try {
      row = transform.beforeOperations(source);
    } catch (RowRejected r) {
      out.add(new String[] {r.column(), r.rule(), r.reason()});
      return out;
    }
    Map<String, String> converted = new LinkedHashMap<>();
    for (String column : transform.changedColumns()) {
      try {
        converted.put(column, transform.applyValue(column, row.get(column)));
      } catch (RowRejected r) {
        out.add(new String[] {column, r.rule(), r.reason()});
      }
    }
    for (ColumnCheck c : transform.checksPerRow()) {
      if (c.column() == null) {
        continue;
      }
      boolean opsFailed = transform.changedColumns().contains(c.column()) && !converted.containsKey(c.column());
      String value = converted.containsKey(c.column()) ? converted.get(c.column()) : row.get(c.column());
      String violation = opsFailed ? null : c.violation(value);
      if (violation != null) {
        RowRejected r = RowRejected.invalid(transform.sourceTable(), c.column(), violation, value);
        out.add(new String[] {c.column(), r.rule(), r.reason()});
      }
    }
    if (out.isEmpty()) {
      Map<String, String> afterOps = new LinkedHashMap<>(row);
      afterOps.putAll(converted);
      for (RowRejected r : transform.celRejections(afterOps)) {
        out.add(new String[] {r.column(), r.rule(), r.reason()});
      }
    }
    return out;
  }

  private static Map<String, String> key(TableInfo table, Map<String, String> row) {
    Map<String, String> key = new LinkedHashMap<>();
    for (String k : table.hasPrimaryKey() ? table.primaryKey() : table.columnNames()) {
      key.put(k, row.get(k));
    }
    return key;
  }
}
