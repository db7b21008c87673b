package io.baton.reconciler;

import io.baton.pg.Sql;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.spec.RowTransform;
import io.baton.spec.TableChecks;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Runs the checks a spec declares for a table ({@link TableChecks}) on a source and a target
 * connection, in whatever transactions the caller put them (a snapshot and a held apply, for a
 * live answer).
 *
 * <ul>
 *   <li>Aggregates per group: each side computes {@code count(*)} and the declared sums, minimums
 *       and maximums per group, ordered by the group's record text in byte order; the two streams
 *       are merged, so memory does not grow with the number of groups. Values are compared as text:
 *       {@code min}/{@code max} of text columns follow each database's collation, which must then be
 *       the same on both.
 *   <li>Random sample: rows drawn from the source with {@code TABLESAMPLE BERNOULLI} (every row with
 *       the same chance; manual section "SELECT", "TABLESAMPLE") are looked up by key on the target and
 *       compared field by field over the kept columns.
 * </ul>
 */
final class DeclaredChecks {
  /** How many differences of a check are described. */
  static final int DETAILS = 10;

  private DeclaredChecks() {}

  /**
   * @param s a source connection
   * @param t a target connection
   * @param table the source table
   * @param transform its transform, with the declared checks
   * @return one result per aggregate check, then one for the sample when declared
   * @throws SQLException when either side refuses a query
   */
  static List<CheckResult> run(Connection s, Connection t, TableInfo table, RowTransform transform) throws SQLException {
    TableChecks checks = transform.checks();
    List<CheckResult> out = new ArrayList<>();
    for (TableChecks.AggregateCheck a : checks.aggregates()) {
      out.add(aggregate(s, t, table, transform, a));
    }
    if (checks.sampleRows() > 0 && table.hasPrimaryKey()) {
      out.add(sample(s, t, table, transform, checks.sampleRows()));
    }
    return out;
  }

  private static CheckResult aggregate(Connection s, Connection t, TableInfo table, RowTransform transform,
      TableChecks.AggregateCheck a) throws SQLException {
    List<String> names = new ArrayList<>(List.of("count"));
    a.sum().forEach(c -> names.add("sum(" + c + ")"));
    a.min().forEach(c -> names.add("min(" + c + ")"));
    a.max().forEach(c -> names.add("max(" + c + ")"));
    UnaryOperator<String> targetName = c -> transform.targetColumn(c).orElseThrow();
    try (Statement ss = s.createStatement(); Statement ts = t.createStatement();
        ResultSet sr = ss.executeQuery(aggregateSql(table.name(), a, UnaryOperator.identity()));
        ResultSet tr = ts.executeQuery(aggregateSql(transform.targetTable(), a, targetName))) {
      long groups = 0;
      long differing = 0;
      List<String> details = new ArrayList<>();
      boolean hasS = sr.next();
      boolean hasT = tr.next();
      while (hasS || hasT) {
        int order = !hasS ? 1 : !hasT ? -1 : RowDiff.compareUtf8(sr.getString(1), tr.getString(1));
        groups++;
        String detail = null;
        if (order < 0) {
          detail = "group " + sr.getString(1) + " only on the source (count " + sr.getString(2) + ")";
        } else if (order > 0) {
          detail = "group " + tr.getString(1) + " only on the target (count " + tr.getString(2) + ")";
        } else {
          for (int i = 0; i < names.size() && detail == null; i++) {
            if (!Objects.equals(sr.getString(i + 2), tr.getString(i + 2))) {
              detail = "group " + sr.getString(1) + ": " + names.get(i) + " " + sr.getString(i + 2) + " on the source, "
                  + tr.getString(i + 2) + " on the target";
            }
          }
        }
        if (detail != null) {
          differing++;
          if (details.size() < DETAILS) {
            details.add(detail);
          }
        }
        if (order <= 0) {
          hasS = sr.next();
        }
        if (order >= 0) {
          hasT = tr.next();
        }
      }
      return new CheckResult(a.describe(), differing == 0, groups, differing, details);
    }
  }

  /** Columns: 1 the group's record text, 2 the count, then each declared aggregate as text. */
  private static String aggregateSql(TableName table, TableChecks.AggregateCheck a, UnaryOperator<String> name) {
    List<String> group = a.groupBy().stream().map(name).toList();
    StringBuilder sql = new StringBuilder("SELECT ")
        .append(group.isEmpty() ? "'()'" : "(ROW(" + Sql.idents(group) + ")::text COLLATE \"C\")")
        .append(", count(*)::text");
    a.sum().forEach(c -> sql.append(", sum(").append(Sql.ident(name.apply(c))).append(")::text"));
    a.min().forEach(c -> sql.append(", min(").append(Sql.ident(name.apply(c))).append(")::text"));
    a.max().forEach(c -> sql.append(", max(").append(Sql.ident(name.apply(c))).append(")::text"));
    sql.append(" FROM ").append(table.quoted());
    if (!group.isEmpty()) {
      sql.append(" GROUP BY ").append(Sql.idents(group)).append(" ORDER BY 1");
    }
    return sql.toString();
  }

  private static CheckResult sample(Connection s, Connection t, TableInfo table, RowTransform transform, int rows)
      throws SQLException {
    KeptColumns kept = KeptColumns.of(table, transform);
    RowDiff.Side targetSide = kept.targetSide(null, table, transform);
    List<String> key = table.primaryKey();
    double percent = samplePercent(s, table.name(), rows);
    StringBuilder sql = new StringBuilder("SELECT ").append(RowSummary.textColumns(kept.read()));
    for (String k : key) {
      sql.append(", ").append(Sql.ident(k)).append("::text");
    }
    sql.append(" FROM ").append(table.name().quoted()).append(" TABLESAMPLE BERNOULLI (").append(percent)
        .append(") ORDER BY random() LIMIT ").append(rows);
    long compared = 0;
    long differing = 0;
    List<String> details = new ArrayList<>();
    try (Statement st = s.createStatement(); ResultSet rs = st.executeQuery(sql.toString())) {
      int n = kept.read().size();
      while (rs.next()) {
        String[] raw = new String[n];
        for (int i = 0; i < n; i++) {
          raw[i] = rs.getString(i + 1);
        }
        String[] expected = RowSummary.accepted(transform, kept.read(), raw);
        if (expected == null) {
          continue;
        }
        compared++;
        Map<String, String> keyValues = new LinkedHashMap<>();
        for (int i = 0; i < key.size(); i++) {
          keyValues.put(key.get(i), rs.getString(n + 1 + i));
        }
        String[] tv = RowDiff.row(t, targetSide, keyValues);
        List<String> columns = new ArrayList<>();
        if (tv == null) {
          columns.add("missing in target");
        }
        for (int i = 0; tv != null && i < tv.length; i++) {
          String sv = expected[i];
          if (!Objects.equals(sv, tv[i])) {
            columns.add(kept.reportedName(i) + " " + quote(sv) + " on the source, " + quote(tv[i]) + " on the target");
          }
        }
        if (!columns.isEmpty()) {
          differing++;
          if (details.size() < DETAILS) {
            details.add("key " + keyValues + ": " + String.join("; ", columns));
          }
        }
      }
    }
    return new CheckResult("sample of " + rows + " rows", differing == 0, compared, differing, details);
  }

  private static String quote(String v) {
    return v == null ? "NULL" : "'" + RowDiff.cut(v, 0) + "'";
  }

  /**
   * @return the BERNOULLI percentage that should yield about twice {@code rows} (of which a random
   *     {@code rows} are kept), from the planner's row estimate; 100 when there is none
   */
  private static double samplePercent(Connection s, TableName table, int rows) throws SQLException {
    try (Statement st = s.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT reltuples FROM pg_class WHERE oid = " + Sql.literal(table.quoted()) + "::regclass")) {
      double estimate = rs.next() ? rs.getDouble(1) : -1;
      return estimate <= 0 ? 100.0 : Math.min(100.0, Math.max(0.0001, 200.0 * rows / estimate));
    }
  }
}
