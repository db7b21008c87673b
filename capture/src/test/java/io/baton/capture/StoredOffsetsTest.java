package io.baton.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import io.baton.pg.Lsn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads offsets written by Kafka Connect's own file store, as Debezium Embedded keeps them. */
class StoredOffsetsTest {
  @TempDir
  Path dir;

  @Test
  void shouldReadTheHighestLsnOfEveryStoredOffset() throws Exception {
    Path file = dir.resolve("offsets.dat");
    write(file, Map.of(
        "[\"baton-m\",{\"server\":\"baton_m\"}]",
        "{\"lsn_proc\":24023960,\"lsn_commit\":24023928,\"lsn\":24023960,\"txId\":771,\"ts_usec\":1700000000000000}",
        "[\"baton-m\",{\"server\":\"other\"}]", "{\"lsn\":1000,\"txId\":5}"));

    assertThat(StoredOffsets.position(file)).isEqualTo(new Lsn(24023960));
  }

  @Test
  void shouldHaveNoPositionWithoutAFileOrAnOffset() throws Exception {
    assertThat(StoredOffsets.position(dir.resolve("missing.dat"))).isNull();
    Path empty = dir.resolve("empty.dat");
    write(empty, Map.of());
    assertThat(StoredOffsets.position(empty)).isNull();
  }

  @Test
  void shouldNameTheFileWhenItIsNotDebeziumsOffsets() throws Exception {
    Path garbage = Files.write(dir.resolve("garbage.dat"), "not a serialized map".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> StoredOffsets.position(garbage)).isInstanceOf(BatonException.class)
        .hasMessageContaining("garbage.dat").hasMessageContaining("--resync");
  }

  /** Stores offsets through Kafka Connect's FileOffsetBackingStore, the store Debezium Embedded uses. */
  private static void write(Path file, Map<String, String> offsets) throws Exception {
    JsonConverter keys = new JsonConverter();
    keys.configure(Map.of("schemas.enable", "false"), true);
    FileOffsetBackingStore store = new FileOffsetBackingStore(keys);
    store.configure(new StandaloneConfig(Map.of(StandaloneConfig.OFFSET_STORAGE_FILE_FILENAME_CONFIG, file.toString(),
        "key.converter", JsonConverter.class.getName(), "value.converter", JsonConverter.class.getName(),
        "bootstrap.servers", "127.0.0.1:9")));
    store.start();
    try {
      Map<ByteBuffer, ByteBuffer> values = new java.util.HashMap<>();
      offsets.forEach((k, v) -> values.put(bytes(k), bytes(v)));
      store.set(values, null).get(10, TimeUnit.SECONDS);
    } finally {
      store.stop();
    }
  }

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }
}
