package io.baton.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.BatonException;
import io.baton.pg.Lsn;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads the position Debezium last stored for a capture, from the file its
 * {@link AtomicFileOffsetStore} keeps (Kafka Connect's file format: a Java-serialized map of key bytes to value
 * bytes, each value the JSON of one source partition's offset, such as
 * {@code {"lsn_proc":24023960,"lsn_commit":24023960,"lsn":24023960,"txId":771,"ts_usec":...}}).
 *
 * <p>Debezium confirms a position to the slot only after the offset holding it was stored
 * (Debezium's PostgreSQL connector commits the LSN of an offset once Kafka Connect has flushed it,
 * with {@code lsn.flush.mode=connector}). So the stored position is never behind what the slot was
 * told, which is what {@link ReplicationSlots.SlotHealth#recreated()} relies on. The store replaces
 * the file atomically, so it can be read while the capture runs.
 */
public final class StoredOffsets {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Only the map and byte arrays the store writes may be deserialized. */
  private static final ObjectInputFilter ONLY_BYTE_MAP =
      ObjectInputFilter.Config.createFilter("java.util.HashMap;java.util.Map$Entry;[B;maxdepth=3;!*");

  /** The suffix of the file, next to the offsets, that holds where Baton created the capture's slot. */
  static final String SLOT_ORIGIN_SUFFIX = ".slot-origin";

  private StoredOffsets() {}

  /**
   * The last position the capture is known to have reached on its slot: the position Debezium
   * stored, or, before Debezium stored any, the consistent point of the slot Baton created for it
   * ({@link #recordSlotOrigin}). A new slot's {@code restart_lsn} is at or before its consistent
   * point, and Debezium moves it only past what it stored; so a slot whose {@code restart_lsn} is
   * past this position was created by someone else (see {@link ReplicationSlots.SlotHealth#recreated()}),
   * also in the window between the slot's creation and Debezium's first stored offset.
   *
   * @param offsetFile the capture's offset file; neither it nor the origin need exist
   * @return the position, or null when Debezium stored none and no slot origin was recorded
   * @throws BatonException when a file exists but cannot be read
   */
  public static Lsn knownPosition(Path offsetFile) {
    Lsn stored = position(offsetFile);
    if (stored != null) {
      return stored;
    }
    Path origin = slotOriginFile(offsetFile);
    try {
      return Lsn.parse(Files.readString(origin, StandardCharsets.US_ASCII).strip());
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      throw new BatonException("cannot read where Baton created the capture's slot, in " + origin + ": " + e
          + "; if the file is damaged, run baton run --resync, which replaces the slot and the offsets", e);
    }
  }

  /**
   * Records the consistent point of the slot just created for the capture, durably
   * ({@link DurableFiles#replace}); call it after {@link #forget} and before the capture starts.
   *
   * @param offsetFile the capture's offset file (the origin is kept next to it)
   * @param consistentPoint the LSN the slot's creation returned; not null
   * @throws BatonException when the file cannot be written
   */
  public static void recordSlotOrigin(Path offsetFile, Lsn consistentPoint) {
    java.util.Objects.requireNonNull(consistentPoint, "consistentPoint");
    Path origin = slotOriginFile(offsetFile);
    try {
      DurableFiles.replace(origin, out -> out.write((consistentPoint + "\n").getBytes(StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      throw new BatonException("cannot record where the capture's slot was created, in " + origin + ": " + e, e);
    }
  }

  /**
   * Forgets the capture's position, stored offsets and slot origin alike: done before its slot is
   * replaced by a new one, which starts past that position.
   *
   * @param offsetFile the capture's offset file
   * @throws BatonException when a file cannot be deleted
   */
  public static void forget(Path offsetFile) {
    for (Path f : java.util.List.of(offsetFile, slotOriginFile(offsetFile))) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        throw new BatonException("cannot delete the capture's old position in " + f + ": " + e.getMessage(), e);
      }
    }
  }

  private static Path slotOriginFile(Path offsetFile) {
    return offsetFile.resolveSibling(offsetFile.getFileName() + SLOT_ORIGIN_SUFFIX);
  }

  /**
   * @param offsetFile the capture's offset file; it need not exist
   * @return the highest LSN of any {@code lsn*} field stored there, or null when the file is missing
   *     or holds no offset (a capture that never committed one, or whose slot was replaced)
   * @throws BatonException when the file exists but cannot be read as Debezium's offsets
   */
  public static Lsn position(Path offsetFile) {
    Map<?, ?> raw;
    try (InputStream in = Files.newInputStream(offsetFile); ObjectInputStream objects = new ObjectInputStream(in)) {
      objects.setObjectInputFilter(ONLY_BYTE_MAP);
      raw = (Map<?, ?>) objects.readObject();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | ClassNotFoundException | ClassCastException e) {
      throw new BatonException("cannot read Debezium's stored offsets in " + offsetFile + ": " + e
          + "; if the file is damaged, run baton run --resync, which replaces the slot and the offsets", e);
    }
    Lsn highest = null;
    for (Object value : raw.values()) {
      if (value instanceof byte[] bytes) {
        Lsn lsn = highestLsn(bytes, offsetFile);
        if (lsn != null && (highest == null || lsn.compareTo(highest) > 0)) {
          highest = lsn;
        }
      }
    }
    return highest;
  }

  /** @return the highest numeric {@code lsn*} field of one offset's JSON, or null when it has none */
  static Lsn highestLsn(byte[] offsetJson, Path file) {
    JsonNode node;
    try {
      node = JSON.readTree(offsetJson);
    } catch (IOException e) {
      throw new BatonException("cannot read Debezium's stored offsets in " + file + ": an offset is not JSON ("
          + e.getMessage() + ")", e);
    }
    Lsn highest = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().startsWith("lsn") && field.getValue().canConvertToLong()) {
        Lsn lsn = new Lsn(field.getValue().asLong());
        if (highest == null || lsn.compareTo(highest) > 0) {
          highest = lsn;
        }
      }
    }
    return highest;
  }
}
