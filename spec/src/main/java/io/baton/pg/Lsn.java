package io.baton.pg;

import io.baton.BatonException;

/**
 * A PostgreSQL write-ahead log position (pg_lsn), such as {@code 0/16B3748}.
 *
 * <p>Format and ordering follow PostgreSQL's "pg_lsn Type" (section 8.20 of the manual): two
 * hexadecimal numbers separated by a slash, the high and low 32 bits of a 64-bit byte position.
 *
 * @param value the position as an unsigned 64-bit number of bytes since the start of the WAL
 */
public record Lsn(long value) implements Comparable<Lsn> {
  /** The invalid position {@code 0/0}. */
  public static final Lsn ZERO = new Lsn(0);

  /**
   * Parses the text form.
   *
   * @param text for example {@code "0/16B3748"}; never null
   * @return the position
   * @throws BatonException when the text is not of the form {@code X/Y} in hexadecimal
   */
  public static Lsn parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new BatonException("not an LSN: '" + text + "' (expected hexadecimal X/Y such as 0/16B3748)");
    }
    try {
      long hi = Long.parseLong(text.substring(0, slash), 16);
      long lo = Long.parseLong(text.substring(slash + 1), 16);
      return new Lsn((hi << 32) | lo);
    } catch (NumberFormatException e) {
      throw new BatonException("not an LSN: '" + text + "' (expected hexadecimal X/Y such as 0/16B3748)", e);
    }
  }

  /**
   * @param other another position; never null
   * @return the number of WAL bytes from {@code other} to this position (negative when this is
   *     earlier)
   */
  public long bytesSince(Lsn other) {
    return value - other.value;
  }

  @Override
  public int compareTo(Lsn o) {
    return Long.compareUnsigned(value, o.value);
  }

  /** @return the PostgreSQL text form, upper-case hexadecimal, {@code X/Y} */
  @Override
  public String toString() {
    return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
  }
}
