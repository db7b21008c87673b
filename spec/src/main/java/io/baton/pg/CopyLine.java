package io.baton.pg;

import io.baton.BatonException;
import java.util.Arrays;

/**
 * One row of COPY text format (see {@link CopyText}) split into its fields without decoding them,
 * so that rows whose columns are only selected, reordered or renamed can pass from source to target
 * as bytes. Fields keep their escapes: a raw tab or newline never occurs inside one. Reusable: one
 * instance per copying thread, {@link #parse} per row. Not thread-safe.
 */
public final class CopyLine {
  private final int columns;
  private final int[] starts;
  private final int[] ends;
  private byte[] line;

  /**
   * @param columns the number of fields every row must have
   */
  public CopyLine(int columns) {
    this.columns = columns;
    this.starts = new int[columns];
    this.ends = new int[columns];
  }

  /**
   * Splits a row into fields.
   *
   * @param row one row as COPY sends it, with or without the trailing newline; kept, not copied
   * @throws BatonException when the row does not have the expected number of fields
   */
  public void parse(byte[] row) {
    this.line = row;
    int end = row.length > 0 && row[row.length - 1] == '\n' ? row.length - 1 : row.length;
    int col = 0;
    int start = 0;
    for (int i = 0; i <= end; i++) {
      if (i == end || row[i] == '\t') {
        if (col >= columns) {
          throw new BatonException("COPY row has more than " + columns + " columns");
        }
        starts[col] = start;
        ends[col++] = i;
        start = i + 1;
      }
    }
    if (col != columns) {
      throw new BatonException("COPY row has " + col + " columns, expected " + columns);
    }
  }

  /**
   * @param field the field number, from 0
   * @return true when the field is SQL NULL ({@code \N})
   */
  public boolean isNull(int field) {
    return ends[field] - starts[field] == 2 && line[starts[field]] == '\\' && line[starts[field] + 1] == 'N';
  }

  /**
   * Writes the chosen fields as a new row, escapes kept, with the trailing newline.
   *
   * @param fields field numbers in output order
   * @param out where the row is appended
   */
  public void writeFields(int[] fields, Bytes out) {
    for (int k = 0; k < fields.length; k++) {
      if (k > 0) {
        out.append((byte) '\t');
      }
      int f = fields[k];
      out.append(line, starts[f], ends[f] - starts[f]);
    }
    out.append((byte) '\n');
  }

  /**
   * Appends a field's value, unescaped (UTF-8, as the server sent it); nothing for NULL.
   *
   * @param field the field number
   * @param out where the value goes
   */
  public void appendValue(int field, Bytes out) {
    int end = ends[field];
    for (int i = starts[field]; i < end; i++) {
      byte b = line[i];
      if (b != '\\' || i + 1 >= end) {
        out.append(b);
        continue;
      }
      byte n = line[++i];
      switch (n) {
        case 'N' -> { }
        case 'b' -> out.append((byte) '\b');
        case 'f' -> out.append((byte) '\f');
        case 'n' -> out.append((byte) '\n');
        case 'r' -> out.append((byte) '\r');
        case 't' -> out.append((byte) '\t');
        case 'v' -> out.append((byte) 0x0B);
        case 'x' -> {
          int v = 0;
          for (int k = 0; k < 2 && i + 1 < end && Character.digit(line[i + 1], 16) >= 0; k++) {
            v = v * 16 + Character.digit(line[++i], 16);
          }
          out.append((byte) v);
        }
        default -> {
          if (n >= '0' && n <= '7') {
            int v = n - '0';
            for (int k = 1; k < 3 && i + 1 < end && line[i + 1] >= '0' && line[i + 1] <= '7'; k++) {
              v = v * 8 + (line[++i] - '0');
            }
            out.append((byte) v);
          } else {
            out.append(n);
          }
        }
      }
    }
  }

  /** A growable byte buffer, reused across rows. */
  public static final class Bytes {
    private byte[] buf;
    private int size;

    /** @param capacity the initial capacity */
    public Bytes(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    /** @param b one byte to append */
    public void append(byte b) {
      if (size == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      buf[size++] = b;
    }

    /**
     * @param src bytes to append
     * @param offset where they start in {@code src}
     * @param length how many
     */
    public void append(byte[] src, int offset, int length) {
      if (size + length > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + length));
      }
      System.arraycopy(src, offset, buf, size, length);
      size += length;
    }

    /** @return the backing array; valid up to {@link #size()} */
    public byte[] array() {
      return buf;
    }

    /** @return the number of bytes appended since the last {@link #reset()} */
    public int size() {
      return size;
    }

    /** Empties the buffer, keeping its capacity. */
    public void reset() {
      size = 0;
    }
  }
}
