package io.baton.pg;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encoder and decoder for one row of PostgreSQL's COPY text format (the default format of
 * {@code COPY ... TO STDOUT}): columns separated by a tab, rows ended by a newline, {@code \N} for
 * NULL, and backslash escapes for backslash, newline, carriage return, tab, backspace, form feed,
 * vertical tab and octal/hex bytes, as described in the manual's COPY page, "Text Format".
 *
 * <p>Values are the server's text output for each type, so decoding and encoding are exact
 * inverses and preserve NULL versus empty string.
 */
public final class CopyText {
  private CopyText() {}

  /**
   * Decodes one row.
   *
   * @param line one row as received, with or without the trailing newline; UTF-8
   * @param columns the number of columns expected
   * @return the values, null for SQL NULL; size {@code columns}
   * @throws io.baton.BatonException when the row has a different number of columns
   */
  public static String[] decode(byte[] line, int columns) {
    int end = line.length;
    if (end > 0 && line[end - 1] == '\n') {
      end--;
    }
    String[] out = new String[columns];
    int col = 0;
    ByteArrayOutputStream cur = new ByteArrayOutputStream(64);
    boolean isNull = false;
    for (int i = 0; i <= end; i++) {
      if (i == end || line[i] == '\t') {
        if (col >= columns) {
          throw new io.baton.BatonException("COPY row has more than " + columns + " columns");
        }
        out[col++] = isNull ? null : cur.toString(StandardCharsets.UTF_8);
        cur.reset();
        isNull = false;
        continue;
      }
      byte b = line[i];
      if (b != '\\' || i + 1 >= end) {
        cur.write(b);
        continue;
      }
      byte n = line[++i];
      switch (n) {
        case 'N' -> isNull = true;
        case 'b' -> cur.write('\b');
        case 'f' -> cur.write('\f');
        case 'n' -> cur.write('\n');
        case 'r' -> cur.write('\r');
        case 't' -> cur.write('\t');
        case 'v' -> cur.write(0x0B);
        case 'x' -> {
          int v = 0;
          int k = 0;
          while (k < 2 && i + 1 < end && Character.digit(line[i + 1], 16) >= 0) {
            v = v * 16 + Character.digit(line[++i], 16);
            k++;
          }
          cur.write(v);
        }
        default -> {
          if (n >= '0' && n <= '7') {
            int v = n - '0';
            int k = 1;
            while (k < 3 && i + 1 < end && line[i + 1] >= '0' && line[i + 1] <= '7') {
              v = v * 8 + (line[++i] - '0');
              k++;
            }
            cur.write(v);
          } else {
            cur.write(n);
          }
        }
      }
    }
    if (col != columns) {
      throw new io.baton.BatonException("COPY row has " + col + " columns, expected " + columns);
    }
    return out;
  }

  /**
   * Encodes one row, with the trailing newline.
   *
   * @param values the values, null for SQL NULL
   * @return the row in COPY text format, UTF-8
   */
  public static byte[] encode(List<String> values) {
    StringBuilder sb = new StringBuilder(128);
    for (int c = 0; c < values.size(); c++) {
      if (c > 0) {
        sb.append('\t');
      }
      String v = values.get(c);
      if (v == null) {
        sb.append("\\N");
        continue;
      }
      for (int i = 0; i < v.length(); i++) {
        char ch = v.charAt(i);
        switch (ch) {
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> sb.append(ch);
        }
      }
    }
    sb.append('\n');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

}
