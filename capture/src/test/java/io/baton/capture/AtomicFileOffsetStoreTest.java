package io.baton.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.pg.Lsn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileOffsetStoreTest {
  private static final String KEY = "[\"baton-m\",{\"server\":\"baton_m\"}]";

  @TempDir
  Path dir;

  @Test
  void shouldKeepTheFileFormatOfKafkaConnectsStore() throws Exception {
    Path file = dir.resolve("offsets.dat");
    AtomicFileOffsetStore atomic = OffsetStores.atomic(file);
    OffsetStores.set(atomic, Map.of(KEY, offset(24023960)));
    atomic.stop();

    assertThat(StoredOffsets.position(file)).isEqualTo(new Lsn(24023960));
    FileOffsetBackingStore stock = OffsetStores.stock(file);
    assertThat(OffsetStores.get(stock, KEY)).isEqualTo(offset(24023960));
    OffsetStores.set(stock, Map.of(KEY, offset(24024000)));
    stock.stop();

    AtomicFileOffsetStore reopened = OffsetStores.atomic(file);
    assertThat(OffsetStores.get(reopened, KEY)).as("a file written by Kafka Connect's store loads").isEqualTo(offset(24024000));
    assertThat(reopened.connectorPartitions("baton-m")).containsExactly(Map.of("server", "baton_m"));
    reopened.stop();
  }

  @Test
  void shouldLeaveNoTemporaryFileAndIgnoreOneLeftByACrash() throws Exception {
    Path file = dir.resolve("offsets.dat");
    Path tmp = dir.resolve("offsets.dat.tmp");
    AtomicFileOffsetStore store = OffsetStores.atomic(file);
    OffsetStores.set(store, Map.of(KEY, offset(100)));
    store.stop();
    assertThat(tmp).doesNotExist();

    Files.write(tmp, "half a flush".getBytes(StandardCharsets.UTF_8));
    AtomicFileOffsetStore restarted = OffsetStores.atomic(file);
    assertThat(OffsetStores.get(restarted, KEY)).isEqualTo(offset(100));
    OffsetStores.set(restarted, Map.of(KEY, offset(200)));
    restarted.stop();
    assertThat(StoredOffsets.position(file)).isEqualTo(new Lsn(200));
    assertThat(tmp).doesNotExist();
  }

  /** Kafka Connect's own store fails this: a reader sees the file empty or half written during a flush. */
  @Test
  void shouldShowReadersOnlyCompleteFlushesInOrder() throws Exception {
    Path file = dir.resolve("offsets.dat");
    AtomicFileOffsetStore store = OffsetStores.atomic(file);
    OffsetStores.set(store, Map.of(KEY, offset(1)));
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong reads = new AtomicLong();
    List<Throwable> failures = new ArrayList<>();
    Thread reader = new Thread(() -> {
      Lsn last = Lsn.ZERO;
      while (writing.get()) {
        try {
          Lsn seen = StoredOffsets.position(file);
          assertThat(seen).as("positions only move forward").isGreaterThanOrEqualTo(last);
          last = seen;
          reads.incrementAndGet();
        } catch (Throwable t) {
          failures.add(t);
          return;
        }
      }
    });
    reader.start();
    try {
      for (int i = 2; i <= 400; i++) {
        OffsetStores.set(store, Map.of(KEY, offset(i), "[\"baton-m\",{\"server\":\"other\"}]", offset(i - 1)));
      }
    } finally {
      writing.set(false);
      reader.join();
      store.stop();
    }
    assertThat(failures).isEmpty();
    assertThat(reads.get()).as("the reader read during the flushes").isGreaterThan(100);
    assertThat(StoredOffsets.position(file)).isEqualTo(new Lsn(400));
  }

  private static String offset(long lsn) {
    return "{\"lsn_proc\":" + lsn + ",\"lsn\":" + lsn + ",\"txId\":7}";
  }
}
