package io.baton.pg;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
   * @throws InvalidUtf8 when a field's bytes are not valid UTF-8 (a source database in encoding
   *     {@code SQL_ASCII} lets any bytes through): never replaced, so that nothing reaches the target
   *     changed without notice
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
    int invalid = -1;
    for (int i = 0; i <= end; i++) {
      if (i == end || line[i] == '\t') {
        if (col >= columns) {
          throw new io.baton.BatonException("COPY row has more than " + columns + " columns");
        }
        String text = isNull ? null : utf8(cur.toByteArray());
        if (!isNull && text == null && invalid < 0) {
          invalid = col;
        }
        out[col++] = text;
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
    if (invalid >= 0) {
      throw new InvalidUtf8(invalid, out);
    }
    return out;
  }

  /** @return the bytes decoded as UTF-8, or null when they are not valid UTF-8 */
  private static String utf8(byte[] bytes) {
    boolean ascii = true;
    for (byte b : bytes) {
      ascii &= b >= 0;
    }
    if (ascii) {
      return new String(bytes, StandardCharsets.US_ASCII);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * A row with a field that is not valid UTF-8. {@link #values()} holds the other fields decoded, so
   * that the caller can name the row's key; the invalid fields are null there.
   */
  public static final class InvalidUtf8 extends io.baton.BatonException {
    private final int column;
    private final transient String[] values;

    InvalidUtf8(int column, String[] values) {
      super("field " + (column + 1) + " of a COPY row is not valid UTF-8");
      this.column = column;
      this.values = values;
    }

    /** @return the first invalid field's number, from 0 */
    public int column() {
      return column;
    }

    /** @return every field of the row, null for SQL NULL and for the fields that are not valid UTF-8 */
    public String[] values() {
      return values.clone();
    }
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
