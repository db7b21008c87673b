package io.baton.capture;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetBackingStore;

/** Offset stores configured as Debezium Embedded configures them, for tests. */
final class OffsetStores {
  private OffsetStores() {}

  /** @return Kafka Connect's own file store, the one Debezium Embedded uses by default, started on {@code file} */
  static FileOffsetBackingStore stock(Path file) {
    JsonConverter keys = new JsonConverter();
    keys.configure(Map.of("schemas.enable", "false"), true);
    return started(new FileOffsetBackingStore(keys), file);
  }

  /** @return Baton's store, started on {@code file} */
  static AtomicFileOffsetStore atomic(Path file) {
    return started(new AtomicFileOffsetStore(), file);
  }

  private static <S extends OffsetBackingStore> S started(S store, Path file) {
    store.configure(new StandaloneConfig(Map.of(StandaloneConfig.OFFSET_STORAGE_FILE_FILENAME_CONFIG, file.toString(),
        "key.converter", JsonConverter.class.getName(), "value.converter", JsonConverter.class.getName(),
        "bootstrap.servers", "127.0.0.1:9")));
    store.start();
    return store;
  }

  /** Stores {@code offsets} (key JSON to value JSON) and waits for the flush to end. */
  static void set(OffsetBackingStore store, Map<String, String> offsets) throws Exception {
    Map<ByteBuffer, ByteBuffer> values = new HashMap<>();
    offsets.forEach((k, v) -> values.put(bytes(k), bytes(v)));
    store.set(values, null).get(10, TimeUnit.SECONDS);
  }

  /** @return the value stored under {@code key}, as text; null when none */
  static String get(OffsetBackingStore store, String key) throws Exception {
    ByteBuffer value = store.get(java.util.List.of(bytes(key))).get(10, TimeUnit.SECONDS).get(bytes(key));
    return value == null ? null : StandardCharsets.UTF_8.decode(value).toString();
  }

  static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }
}
