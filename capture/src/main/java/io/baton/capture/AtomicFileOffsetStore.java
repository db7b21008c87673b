package io.baton.capture;

import io.debezium.embedded.KafkaConnectUtil;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetUtils;

/**
 * Debezium's offset store for a capture: Kafka Connect's {@link FileOffsetBackingStore}, whose file
 * is replaced atomically and durably at every flush ({@link DurableFiles}) instead of being
 * rewritten in place.
 *
 * <p>Kafka Connect's store truncates its file and writes the new offsets into it (Kafka 4.3,
 * {@code FileOffsetBackingStore.save}). A process killed between the two, or a machine that loses
 * power before the page cache is written, leaves an empty or partial file, and anyone reading the
 * file during a flush (such as {@link StoredOffsets}) can see half of it. Here each flush writes a
 * sibling file {@code <file>.tmp}, forces it to disk and renames it over the file, so the file
 * always holds one complete flush: the last one, or the one before it if the process died during
 * the flush. Because Debezium
 * confirms a position to the slot only after the flush that stored it returned
 * ({@code lsn.flush.mode=connector}), the file never falls behind what the slot was told.
 *
 * <p>The file's format is unchanged (a Java-serialized map of key bytes to value bytes), so the
 * stock store, {@link StoredOffsets} and files written before this class existed all read it.
 * Debezium creates it by name through its no-argument constructor (Debezium engine option
 * {@code offset.storage}); the file is the one given by {@code offset.storage.file.filename}.
 */
public final class AtomicFileOffsetStore extends FileOffsetBackingStore {
  private final Converter keyConverter;
  private Path file;
  /** The partitions of each connector, as of the last load or flush; replaced whole, never changed. */
  private volatile Map<String, Set<Map<String, Object>>> partitions = Map.of();

  /** Creates the store with the key converter Debezium gives its own file store. */
  public AtomicFileOffsetStore() {
    this(KafkaConnectUtil.converterForOffsetStore());
  }

  private AtomicFileOffsetStore(Converter keyConverter) {
    super(keyConverter);
    this.keyConverter = keyConverter;
  }

  /** @param config the engine's worker configuration; its {@code offset.storage.file.filename} is the file */
  @Override
  public void configure(WorkerConfig config) {
    super.configure(config);
    file = Path.of(config.getString(StandaloneConfig.OFFSET_STORAGE_FILE_FILENAME_CONFIG));
  }

  /** Loads the file's offsets, as Kafka Connect's store does. */
  @Override
  public synchronized void start() {
    super.start();
    partitions = partitionsOf(data);
  }

  /** @return the partitions of {@code connectorName} known at the last load or flush; null when none */
  @Override
  public Set<Map<String, Object>> connectorPartitions(String connectorName) {
    return partitions.get(connectorName);
  }

  /**
   * Writes every offset to {@code <file>.tmp}, forces it to disk and renames it over the file
   * ({@link DurableFiles#replace}). Runs on the store's single executor thread, after {@code set}
   * changed {@link #data}.
   *
   * @throws ConnectException when the file cannot be written; Debezium then reports the flush as
   *     failed and does not confirm its position to the slot
   */
  @Override
  protected void save() {
    Map<byte[], byte[]> raw = new HashMap<>();
    for (Map.Entry<ByteBuffer, ByteBuffer> e : data.entrySet()) {
      raw.put(e.getKey() == null ? null : e.getKey().array(), e.getValue() == null ? null : e.getValue().array());
    }
    try {
      DurableFiles.replace(file, out -> {
        ObjectOutputStream objects = new ObjectOutputStream(out);
        objects.writeObject(raw);
        objects.flush();
      });
    } catch (IOException e) {
      throw new ConnectException("cannot store Debezium's offsets in " + file + ": " + e, e);
    }
    partitions = partitionsOf(data);
  }

  private Map<String, Set<Map<String, Object>>> partitionsOf(Map<ByteBuffer, ByteBuffer> offsets) {
    Map<String, Set<Map<String, Object>>> byConnector = new HashMap<>();
    for (Map.Entry<ByteBuffer, ByteBuffer> e : offsets.entrySet()) {
      OffsetUtils.processPartitionKey(e.getKey() == null ? null : e.getKey().array(),
          e.getValue() == null ? null : e.getValue().array(), keyConverter, byConnector);
    }
    return Map.copyOf(byConnector);
  }
}
