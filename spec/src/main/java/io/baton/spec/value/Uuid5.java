package io.baton.spec.value;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.UUID;

/**
 * Name-based UUIDs, version 5 (SHA-1), as RFC 9562 section 5.5 defines them: the same namespace
 * and name give the same UUID on every run, so that re-runs and restarts produce the same key.
 * Equal to {@code uuid_generate_v5(namespace, name)} of PostgreSQL's uuid-ossp and to Python's
 * {@code uuid.uuid5}.
 */
public final class Uuid5 {
  private Uuid5() {}

  /**
   * @param namespace the namespace UUID
   * @param name the name, hashed as UTF-8
   * @return the version 5 UUID
   */
  public static UUID of(UUID namespace, String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-1", e);
    }
    sha1.update(ByteBuffer.allocate(16).putLong(namespace.getMostSignificantBits())
        .putLong(namespace.getLeastSignificantBits()).array());
    byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    h[6] = (byte) ((h[6] & 0x0F) | 0x50);
    h[8] = (byte) ((h[8] & 0x3F) | 0x80);
    ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
    return new UUID(b.getLong(), b.getLong());
  }

  /**
   * The name of a row for {@link #of}: one column's text value as it is, several columns as
   * PostgreSQL's record text of them ({@code (7,EU)}), so that a name is never ambiguous.
   *
   * @param values the columns' text values, null for NULL; not empty
   * @return the name
   */
  public static String name(List<String> values) {
    return values.size() == 1 && values.get(0) != null ? values.get(0) : io.baton.pg.RowChecksum.recordText(values);
  }
}
