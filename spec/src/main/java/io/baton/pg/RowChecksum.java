package io.baton.pg;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The one row checksum rule of Baton, in SQL (pushed down into PostgreSQL) and in Java (computed
 * on the fly while rows stream through the bulk snapshot), so that both give the same number.
 *
 * <p>A row's hash is the first 64 bits, read as a signed big-endian integer, of the MD5 of the
 * row's record text: {@code md5(ROW(c1, c2, ...)::text)}. A set of rows is summarised by its row
 * count and the sum of its row hashes (a {@code numeric} in SQL; no overflow): independent of row
 * order, and changed by any changed value, NULL versus empty string, a missing row or an extra one.
 *
 * <p>The record text follows PostgreSQL's {@code record_out} (src/backend/utils/adt/rowtypes.c):
 * values are separated by commas inside parentheses; NULL is empty; a value is double-quoted when
 * it is empty or contains a double quote, backslash, parenthesis, comma or ASCII white space, and
 * inside quotes double quotes and backslashes are doubled. Values are each type's text output, as
 * COPY's text format and the stream's events carry them; both sides must use the same
 * {@code DateStyle}, {@code IntervalStyle}, {@code TimeZone} and {@code extra_float_digits}
 * (pgJDBC sets ISO, postgres, the JVM's zone and 3 on every connection).
 */
public final class RowChecksum {
  private RowChecksum() {}

  /**
   * @param columns column names, in the order that is hashed
   * @return a SQL expression of type {@code bigint}: the hash of the current row's columns
   */
  public static String sqlRowHash(List<String> columns) {
    return "('x' || left(md5(ROW(" + Sql.idents(columns) + ")::text), 16))::bit(64)::bigint";
  }

  /**
   * @param columns column names, in the order that is hashed
   * @return a SQL select list of two expressions: {@code count(*)} and the sum of row hashes as a
   *     {@code numeric} (0 for no rows)
   */
  public static String sqlSummary(List<String> columns) {
    return "count(*), coalesce(sum(" + sqlRowHash(columns) + "::numeric), 0)";
  }

  /**
   * @param values one row's text values in column order, null for SQL NULL
   * @return the row's hash, the value {@link #sqlRowHash} gives for the same values
   */
  public static long rowHash(List<String> values) {
    byte[] d;
    try {
      d = MessageDigest.getInstance("MD5").digest(recordText(values).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no MD5", e);
    }
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xFF);
    }
    return h;
  }

  /**
   * @param values one row's text values in column order, null for SQL NULL
   * @return the row's record text, as {@code ROW(...)::text} prints it
   */
  public static String recordText(List<String> values) {
    StringBuilder sb = new StringBuilder(64);
    appendRecordText(sb, values);
    return sb.toString();
  }

  private static void appendRecordText(StringBuilder sb, List<String> values) {
    sb.append('(');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      String v = values.get(i);
      if (v == null) {
        continue;
      }
      boolean quote = v.isEmpty() || needsQuotes(v);
      if (quote) {
        sb.append('"');
      }
      for (int k = 0; k < v.length(); k++) {
        char ch = v.charAt(k);
        if (ch == '"' || ch == '\\') {
          sb.append(ch);
        }
        sb.append(ch);
      }
      if (quote) {
        sb.append('"');
      }
    }
    sb.append(')');
  }

  private static boolean needsQuotes(String v) {
    for (int k = 0; k < v.length(); k++) {
      if (forcesQuotes(v.charAt(k))) {
        return true;
      }
    }
    return false;
  }

  /** record_out's rule: these characters make a value double-quoted (ASCII white space per C isspace). */
  private static boolean forcesQuotes(int ch) {
    return switch (ch) {
      case '"', '\\', '(', ')', ',', ' ', '\t', '\n', '\r', '\f', 0x0B -> true;
      default -> false;
    };
  }

  /**
   * Sums row hashes: count and a 128-bit sum, which no realistic row count can overflow. Not
   * thread-safe: one per thread, joined with {@link #add(Sum)}.
   */
  public static final class Sum {
    private final MessageDigest md5;
    private final StringBuilder text = new StringBuilder(256);
    private final CopyLine.Bytes record = new CopyLine.Bytes(256);
    private final CopyLine.Bytes value = new CopyLine.Bytes(64);
    private long rows;
    private long low;
    private long high;

    /** An empty sum: zero rows. */
    public Sum() {
      try {
        md5 = MessageDigest.getInstance("MD5");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JVM has no MD5", e);
      }
    }

    /**
     * Adds one row.
     *
     * @param values the row's text values in column order, null for SQL NULL
     */
    public void addRow(List<String> values) {
      text.setLength(0);
      appendRecordText(text, values);
      addDigest(md5.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Adds one row straight from its COPY text fields, without making strings: the same hash as
     * {@link #addRow} of the decoded values.
     *
     * @param line the parsed row
     * @param fields the field numbers to hash, in column order
     */
    public void addCopyRow(CopyLine line, int[] fields) {
      record.reset();
      record.append((byte) '(');
      for (int k = 0; k < fields.length; k++) {
        if (k > 0) {
          record.append((byte) ',');
        }
        if (line.isNull(fields[k])) {
          continue;
        }
        value.reset();
        line.appendValue(fields[k], value);
        byte[] v = value.array();
        int n = value.size();
        boolean quote = n == 0;
        for (int i = 0; i < n && !quote; i++) {
          quote = forcesQuotes(v[i]);
        }
        if (!quote) {
          record.append(v, 0, n);
          continue;
        }
        record.append((byte) '"');
        for (int i = 0; i < n; i++) {
          if (v[i] == '"' || v[i] == '\\') {
            record.append(v[i]);
          }
          record.append(v[i]);
        }
        record.append((byte) '"');
      }
      record.append((byte) ')');
      md5.update(record.array(), 0, record.size());
      addDigest(md5.digest());
    }

    private void addDigest(byte[] d) {
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (d[i] & 0xFF);
      }
      addHash(1, h, h < 0 ? -1 : 0);
    }

    /**
     * Adds another sum into this one.
     *
     * @param other the sum to add; unchanged
     */
    public void add(Sum other) {
      addHash(other.rows, other.low, other.high);
    }

    private void addHash(long count, long lo, long hi) {
      long sum = low + lo;
      long carry = Long.compareUnsigned(sum, low) < 0 ? 1 : 0;
      low = sum;
      high = high + hi + carry;
      rows += count;
    }

    /** @return the number of rows added */
    public long rows() {
      return rows;
    }

    /** @return the sum of the row hashes in decimal, as the SQL summary prints it */
    public String checksum() {
      return BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low))).toString();
    }
  }
}
