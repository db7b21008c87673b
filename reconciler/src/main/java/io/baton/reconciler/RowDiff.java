package io.baton.reconciler;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.RowChecksum;
import io.baton.pg.Sql;
import io.baton.pg.TableName;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Finds, row by row, where a keyed table on the target differs from spec(source), with memory that
 * does not grow with the table: both sides stream (key, row hash) ordered by the key's text in
 * byte order ({@code COLLATE "C"}, the same on any server whatever its locale), and the two streams
 * are merged. Every difference is counted; the first {@code detailLimit} are described, a differing
 * row with the columns that differ and both values, read by key afterwards.
 *
 * <p>The row hash is {@link RowChecksum#sqlRowHash}, the checksum's own, over the kept columns in
 * the same order on both sides, so a row the checksum sees as equal is equal here.
 */
final class RowDiff {
  private static final int MAX_VALUE_CHARS = 200;

  /**
   * One side of the comparison: a table and its columns, in the same order as the other side's.
   *
   * @param db the database
   * @param table the table
   * @param key its primary key columns (unused for a table without one)
   * @param columns the compared columns
   * @param where a SQL condition on the table's rows: only those are compared ({@code true} for all)
   * @param transform for a source side whose values the spec changes: the transform, applied here
   *     before each row is hashed; null when the database hashes the rows as they are
   */
  record Side(Database db, TableName table, List<String> key, List<String> columns, String where,
      io.baton.spec.RowTransform transform) {
    Side(Database db, TableName table, List<String> key, List<String> columns) {
      this(db, table, key, columns, "true", null);
    }

    Side(Database db, TableName table, List<String> key, List<String> columns, String where) {
      this(db, table, key, columns, where, null);
    }

    /**
     * @return the values as the other side should hold them: transformed when this side has a
     *     transform; null for a row the spec sets aside ({@code onInvalid: quarantine})
     * @throws io.baton.spec.RowRejected for a row the spec rejects with {@code onInvalid: halt}
     */
    String[] transformed(String[] values) {
      return transform == null ? values : RowSummary.accepted(transform, columns, values);
    }
  }

  /**
   * @param count every differing row
   * @param described the first of them, described
   */
  record Result(long count, List<RowDifference> described) {}

  private RowDiff() {}

  /**
   * @param source the source side (key and columns by source name)
   * @param target the target side (the same key and columns, by target name, in the same order)
   * @param detailLimit how many differences to describe
   * @return the count and the first differences, in key order
   * @throws BatonException when a side cannot be read
   */
  static Result compare(Side source, Side target, int detailLimit) {
    return compare(source, target, detailLimit, d -> { });
  }

  /**
   * As {@link #compare(Side, Side, int)}, and also hands every difference (key only, no columns),
   * in key order, to {@code each} while the sides are read.
   */
  static Result compare(Side source, Side target, int detailLimit, java.util.function.Consumer<RowDifference> each) {
    return merge(source, target, RowDiff::open, keyed(source, target, detailLimit, each));
  }

  /**
   * As {@link #compare(Side, Side, int)}, on connections the caller holds, in whatever transactions
   * they are in (a source snapshot, a held target).
   */
  static Result compare(Connection s, Connection t, Side source, Side target, int detailLimit) {
    return mergeOn(s, t, source, target, RowDiff::open, keyed(source, target, detailLimit, d -> { }));
  }

  private static Merge keyed(Side source, Side target, int detailLimit, java.util.function.Consumer<RowDifference> each) {
    return (sr, tr, s, t) -> {
      List<RowDifference> described = new ArrayList<>();
      long count = 0;
      String[] sh = new String[1];
      String[] th = new String[1];
      boolean hasS = advance(sr, source, sh);
      boolean hasT = advance(tr, target, th);
      while (hasS || hasT) {
        int order = !hasS ? 1 : !hasT ? -1 : compareUtf8(sr.getString(1), tr.getString(1));
        RowDifference.Kind kind = null;
        ResultSet keyFrom = order <= 0 ? sr : tr;
        if (order < 0) {
          kind = RowDifference.Kind.MISSING_IN_TARGET;
        } else if (order > 0) {
          kind = RowDifference.Kind.EXTRA_IN_TARGET;
        } else if (!sh[0].equals(th[0])) {
          kind = RowDifference.Kind.DIFFERING;
        }
        if (kind != null) {
          count++;
          each.accept(new RowDifference(kind, keyValues(keyFrom, source.key()), List.of()));
          if (described.size() < detailLimit) {
            described.add(describe(kind, keyValues(keyFrom, source.key()), s, t, source, target));
          }
        }
        if (order <= 0) {
          hasS = advance(sr, source, sh);
        }
        if (order >= 0) {
          hasT = advance(tr, target, th);
        }
      }
      return new Result(count, described);
    };
  }

  /**
   * Moves to the next row the side holds, skipping rows the spec sets aside.
   *
   * @param hash receives the row's hash
   * @return false at the end
   */
  private static boolean advance(ResultSet rs, Side side, String[] hash) throws SQLException {
    while (rs.next()) {
      hash[0] = hash(rs, side);
      if (hash[0] != null) {
        return true;
      }
    }
    return false;
  }

  /** One merge of both sides' ordered rows; the connections are open for lookups. */
  private interface Merge {
    Result run(ResultSet source, ResultSet target, Connection s, Connection t) throws SQLException;
  }

  /**
   * Opens both sides (each in its own read transaction, the source's query started in the
   * background so that both servers work at once) and runs the merge.
   */
  private static Result merge(Side source, Side target, java.util.function.BiFunction<Statement, Side, ResultSet> open,
      Merge merge) {
    try (Connection s = source.db().connect(); Connection t = target.db().connect()) {
      s.setAutoCommit(false);
      t.setAutoCommit(false);
      Result result = mergeOn(s, t, source, target, open, merge);
      s.commit();
      t.commit();
      return result;
    } catch (SQLException e) {
      throw PgErrors.classify("comparing the rows of " + source.table() + " and " + target.table(), e);
    }
  }

  /** Runs the merge on the caller's connections; fetching in batches needs them out of auto-commit. */
  private static Result mergeOn(Connection s, Connection t, Side source, Side target,
      java.util.function.BiFunction<Statement, Side, ResultSet> open, Merge merge) {
    try (Statement ss = s.createStatement(); Statement ts = t.createStatement()) {
      ss.setFetchSize(10_000);
      ts.setFetchSize(10_000);
      CompletableFuture<ResultSet> sourceRows = CompletableFuture.supplyAsync(() -> open.apply(ss, source));
      ResultSet tr = open.apply(ts, target);
      return merge.run(sourceRows.join(), tr, s, t);
    } catch (SQLException e) {
      throw PgErrors.classify("comparing the rows of " + source.table() + " and " + target.table(), e);
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof BatonException b ? b : new BatonException(e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * For a table without a key, whose rows have no identity but their values: compares both sides'
   * multisets of row hashes, merged in hash order ({@code GROUP BY} on each side, so memory does
   * not grow with the table). Each copy of a row that one side has more often than the other counts
   * once: a lost duplicate is one row missing in target, a changed row one missing and one extra.
   * The first {@code detailLimit} are described with the row itself as their key (each read with a
   * scan of the table, so keep the limit small).
   *
   * @param source the source side ({@link Side#key()} unused)
   * @param target the target side
   * @param detailLimit how many differences to describe
   * @return the count and the first differences, in hash order
   * @throws BatonException when a side cannot be read
   */
  static Result compareKeyless(Side source, Side target, int detailLimit) {
    return merge(source, target, RowDiff::openCounts, keyless(source, target, detailLimit));
  }

  /** As {@link #compareKeyless(Side, Side, int)}, on connections the caller holds. */
  static Result compareKeyless(Connection s, Connection t, Side source, Side target, int detailLimit) {
    return mergeOn(s, t, source, target, RowDiff::openCounts, keyless(source, target, detailLimit));
  }

  private static Merge keyless(Side source, Side target, int detailLimit) {
    return (sr, tr, s, t) -> {
      List<RowDifference> described = new ArrayList<>();
      long count = 0;
      boolean hasS = sr.next();
      boolean hasT = tr.next();
      while (hasS || hasT) {
        int order = !hasS ? 1 : !hasT ? -1 : Long.compare(sr.getLong(1), tr.getLong(1));
        long hash = order <= 0 ? sr.getLong(1) : tr.getLong(1);
        long surplus = (order <= 0 ? sr.getLong(2) : 0) - (order >= 0 ? tr.getLong(2) : 0);
        count += Math.abs(surplus);
        RowDifference.Kind kind = surplus > 0 ? RowDifference.Kind.MISSING_IN_TARGET : RowDifference.Kind.EXTRA_IN_TARGET;
        Side from = surplus > 0 ? source : target;
        Connection on = surplus > 0 ? s : t;
        for (long i = 0; i < Math.abs(surplus) && described.size() < detailLimit; i++) {
          described.add(new RowDifference(kind, rowByHash(on, from, source.columns(), hash), List.of()));
        }
        if (order <= 0) {
          hasS = sr.next();
        }
        if (order >= 0) {
          hasT = tr.next();
        }
      }
      return new Result(count, described);
    };
  }

  /** Columns: 1 a row hash, 2 how many rows have it; in hash order. */
  private static ResultSet openCounts(Statement st, Side side) {
    String sql = "SELECT h, count(*) FROM (SELECT " + RowChecksum.sqlRowHash(side.columns()) + " AS h FROM "
        + side.table().quoted() + " WHERE " + side.where() + ") rows GROUP BY h ORDER BY h";
    try {
      return st.executeQuery(sql);
    } catch (SQLException e) {
      throw PgErrors.classify("reading the row hashes of " + side.table() + " on " + side.db(), e);
    }
  }

  /** @return one row with this hash, column (by the names given, in order) to text value */
  private static Map<String, String> rowByHash(Connection c, Side side, List<String> names, long hash) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(RowSummary.textColumns(side.columns()));
    sql.append(" FROM ").append(side.table().quoted()).append(" WHERE ").append(side.where()).append(" AND ")
        .append(RowChecksum.sqlRowHash(side.columns())).append(" = ? LIMIT 1");
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ps.setLong(1, hash);
      try (ResultSet rs = ps.executeQuery()) {
        Map<String, String> row = new LinkedHashMap<>();
        if (rs.next()) {
          for (int i = 0; i < names.size(); i++) {
            row.put(names.get(i), cut(rs.getString(i + 1), 0));
          }
        }
        return row;
      }
    }
  }

  /**
   * Columns: 1 the key's record text, 2 the row hash (NULL for a side with a transform), then each
   * key column as text, then (for a side with a transform) each compared column as text.
   */
  private static ResultSet open(Statement st, Side side) {
    String keyText = "(ROW(" + Sql.idents(side.key()) + ")::text COLLATE \"C\")";
    StringBuilder sql = new StringBuilder("SELECT ").append(keyText).append(", ")
        .append(side.transform() == null ? RowChecksum.sqlRowHash(side.columns()) : "NULL::text");
    for (String k : side.key()) {
      sql.append(", ").append(Sql.ident(k)).append("::text");
    }
    if (side.transform() != null) {
      sql.append(", ").append(RowSummary.textColumns(side.columns()));
    }
    sql.append(" FROM ").append(side.table().quoted()).append(" WHERE ").append(side.where()).append(" ORDER BY 1");
    try {
      return st.executeQuery(sql.toString());
    } catch (SQLException e) {
      throw PgErrors.classify("reading the row hashes of " + side.table() + " on " + side.db(), e);
    }
  }

  /** @return the row's hash as text: read, or computed here after the side's transform; null for a row set aside */
  private static String hash(ResultSet rs, Side side) throws SQLException {
    if (side.transform() == null) {
      return rs.getString(2);
    }
    String[] values = new String[side.columns().size()];
    int first = 3 + side.key().size();
    for (int i = 0; i < values.length; i++) {
      values[i] = rs.getString(first + i);
    }
    String[] accepted = side.transformed(values);
    return accepted == null ? null : Long.toString(RowChecksum.rowHash(Arrays.asList(accepted)));
  }

  private static Map<String, String> keyValues(ResultSet rs, List<String> keyNames) throws SQLException {
    Map<String, String> key = new LinkedHashMap<>();
    for (int i = 0; i < keyNames.size(); i++) {
      key.put(keyNames.get(i), rs.getString(3 + i));
    }
    return key;
  }

  private static RowDifference describe(RowDifference.Kind kind, Map<String, String> key, Connection s, Connection t,
      Side source, Side target) throws SQLException {
    if (kind != RowDifference.Kind.DIFFERING) {
      return new RowDifference(kind, key, List.of());
    }
    String[] raw = row(s, source, key);
    String[] sv = orGone(raw == null ? null : source.transformed(raw), source);
    String[] tv = orGone(row(t, target, key), target);
    List<RowDifference.ColumnDifference> columns = new ArrayList<>();
    // kept columns are named as the source names them, derived ones as the target does
    List<String> kept = source.transform() == null ? source.columns()
        : source.columns().stream().filter(c -> source.transform().targetColumn(c).isPresent()).toList();
    for (int i = 0; i < target.columns().size(); i++) {
      if (!java.util.Objects.equals(sv[i], tv[i])) {
        int from = firstDifference(sv[i], tv[i]);
        String name = i < kept.size() ? kept.get(i) : target.columns().get(i);
        columns.add(new RowDifference.ColumnDifference(name, cut(sv[i], from), cut(tv[i], from)));
      }
    }
    return new RowDifference(kind, key, columns);
  }

  private static String[] orGone(String[] row, Side side) {
    if (row != null) {
      return row;
    }
    String[] gone = new String[side.columns().size()];
    Arrays.fill(gone, "(row gone)");
    return gone;
  }

  /**
   * @return the row's columns as text, found by its key (bound as untyped text, so the key's index
   *     serves); null when there is no such row
   */
  static String[] row(Connection c, Side side, Map<String, String> key) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(RowSummary.textColumns(side.columns()));
    sql.append(" FROM ").append(side.table().quoted()).append(" WHERE ");
    for (int i = 0; i < side.key().size(); i++) {
      sql.append(i == 0 ? "" : " AND ").append(Sql.ident(side.key().get(i))).append(" = ?");
    }
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      for (String v : key.values()) {
        ps.setObject(i++, v, java.sql.Types.OTHER);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        String[] out = new String[side.columns().size()];
        for (int j = 0; j < out.length; j++) {
          out[j] = rs.getString(j + 1);
        }
        return out;
      }
    }
  }

  /** @return where two values first differ (0 when either is NULL) */
  static int firstDifference(String a, String b) {
    if (a == null || b == null) {
      return 0;
    }
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  /**
   * @param v a value, or null
   * @param from where it differs from the other side's
   * @return the value when short; otherwise about {@link #MAX_VALUE_CHARS} characters around
   *     {@code from}, marked with where they start and the whole length
   */
  static String cut(String v, int from) {
    if (v == null || v.length() <= MAX_VALUE_CHARS) {
      return v;
    }
    int start = Math.max(0, Math.min(from - 20, v.length() - MAX_VALUE_CHARS));
    String window = v.substring(start, Math.min(v.length(), start + MAX_VALUE_CHARS));
    return (start > 0 ? "(from character " + (start + 1) + ") ..." : "") + window + "... (" + v.length() + " characters)";
  }

  /** Byte order of the UTF-8 encodings: PostgreSQL's "C" collation, which Java's String order is not. */
  static int compareUtf8(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
