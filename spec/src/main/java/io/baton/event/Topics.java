package io.baton.event;

import io.baton.pg.TableName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Kafka topic names of one migration: the one place they are formed.
 *
 * <p>{@code baton.<migration>.source.<schema>.<table>} carries captured changes,
 * {@code baton.<migration>.target.<schema>.<table>} the transformed ones. Kafka allows only ASCII
 * letters, digits, '.', '_' and '-' in topic names, at most 249 characters, and refuses to create a
 * topic whose name equals an existing one once every '.' is read as '_' (Kafka's
 * {@code org.apache.kafka.common.internals.Topic}, {@code hasCollision}). So that two tables never
 * share a topic, nor collide in that sense:
 *
 * <ul>
 *   <li>a schema is written as it is when it has only ASCII letters and digits (at most 60), a table
 *       when it has only ASCII letters, digits and '_' (at most 60): {@code public.pgbench_accounts};
 *   <li>any other name is written as its first 40 characters with every other character replaced
 *       (by '-' in a schema, '_' in a table), then '-' and 16 hex digits of the SHA-256 of the exact
 *       name: {@code my-schema-1f0c...}, {@code x__DROP_TABLE_t_--2b9e...}.
 * </ul>
 *
 * <p>A name written as it is never holds '-', a rewritten one always does; and the schema part never
 * holds '_' or '.', so the first '_' or '.' after it ends it. The longest topic, for a migration
 * name of 40 characters, has 175 characters.
 */
public final class Topics {
  /**
   * The largest change event Baton writes, in bytes (32 MiB): set as the topics'
   * {@code max.message.bytes} and the producers' {@code max.request.size}, whose Kafka defaults
   * (about 1 MiB) would refuse a row with a multi-megabyte value. Events carry values as text
   * (bytea in hex, two characters per byte), so a row of up to about 15 MiB fits.
   */
  public static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

  /** Producer buffer for change events: room for two of the largest events ({@code buffer.memory}). */
  public static final long PRODUCER_BUFFER_BYTES = 2L * MAX_MESSAGE_BYTES;

  /**
   * Bytes a producer gathers per partition into one batch before sending ({@code batch.size}):
   * 1 MiB instead of Kafka's 16 KiB default, so that a backlog travels in a few large produce
   * requests rather than tens of thousands of small ones, which is what costs the broker CPU.
   * Latency is unaffected: a batch goes when it is full, after {@code linger.ms}, or on flush.
   */
  public static final int PRODUCER_BATCH_BYTES = 1024 * 1024;

  /** The longest schema or table name a topic carries as it is, in characters. */
  private static final int PLAIN_MAX = 60;

  private Topics() {}

  /**
   * The producer settings of every change-event producer (capture and transform): batch and
   * buffer sizes above, 2 ms {@code linger.ms}, and {@code compression.type}.
   *
   * @return Kafka producer configuration, unprefixed
   */
  public static java.util.Map<String, Object> producerTuning() {
    return java.util.Map.of(
        "linger.ms", 2,
        "batch.size", PRODUCER_BATCH_BYTES,
        "compression.type", "lz4",
        "max.request.size", MAX_MESSAGE_BYTES,
        "buffer.memory", PRODUCER_BUFFER_BYTES);
  }

  /**
   * @param migration the migration name
   * @param table a source table
   * @return the topic of the table's captured changes
   */
  public static String source(String migration, TableName table) {
    return "baton." + migration + ".source." + part(table.schema(), true) + "." + part(table.name(), false);
  }

  /**
   * @param migration the migration name
   * @param table a target table
   * @return the topic of the table's transformed changes
   */
  public static String target(String migration, TableName table) {
    return "baton." + migration + ".target." + part(table.schema(), true) + "." + part(table.name(), false);
  }

  /**
   * @param migration the migration name
   * @return the topic where rows the spec set aside are published (one record per quarantined row,
   *     the same change that records it in {@code baton.quarantine}), for operators' own consumers
   */
  public static String quarantine(String migration) {
    return "baton." + migration + ".quarantine";
  }

  private static String part(String name, boolean schema) {
    StringBuilder b = new StringBuilder(name.length());
    boolean plain = name.length() <= PLAIN_MAX;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || !schema && c == '_';
      plain &= allowed;
      b.append(allowed ? c : schema ? '-' : '_');
    }
    if (plain) {
      return name;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return b.substring(0, Math.min(40, b.length())) + "-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
