package io.baton.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import io.baton.pg.Lsn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

  @Test
  void shouldKnowTheSlotsOriginUntilDebeziumStoresAPositionAndForgetBoth() throws Exception {
    Path file = dir.resolve("state").resolve("offsets.dat");
    assertThat(StoredOffsets.knownPosition(file)).isNull();
    StoredOffsets.recordSlotOrigin(file, Lsn.parse("0/16B3748"));
    assertThat(file.getParent()).as("the work directory, created with the first file").isDirectory();
    assertThat(StoredOffsets.position(file)).as("Debezium stored nothing yet").isNull();
    assertThat(StoredOffsets.knownPosition(file)).isEqualTo(Lsn.parse("0/16B3748"));

    write(file, Map.of("[\"baton-m\",{\"server\":\"baton_m\"}]", "{\"lsn\":24023960,\"txId\":7}"));
    assertThat(StoredOffsets.knownPosition(file)).as("the stored position wins").isEqualTo(new Lsn(24023960));

    StoredOffsets.forget(file);
    assertThat(StoredOffsets.knownPosition(file)).isNull();
    try (var left = Files.list(file.getParent())) {
      assertThat(left).as("files left").isEmpty();
    }
  }

  @Test
  void shouldNameADamagedSlotOrigin() throws Exception {
    Path file = dir.resolve("offsets.dat");
    Files.writeString(dir.resolve("offsets.dat" + StoredOffsets.SLOT_ORIGIN_SUFFIX), "half");
    assertThatThrownBy(() -> StoredOffsets.knownPosition(file)).isInstanceOf(BatonException.class)
        .hasMessageContaining("offsets.dat.slot-origin").hasMessageContaining("--resync");
  }

  /** Stores offsets through Kafka Connect's FileOffsetBackingStore, the store Debezium Embedded uses by default. */
  private static void write(Path file, Map<String, String> offsets) throws Exception {
    FileOffsetBackingStore store = OffsetStores.stock(file);
    try {
      OffsetStores.set(store, offsets);
    } finally {
      store.stop();
    }
  }
}
