package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgbenchLogTest {
  @TempDir
  Path dir;

  @Test
  void shouldFindTheLongestGapAcrossClientsThatOverlapsTheWindow() throws Exception {
    // completion times: 1000.000, 1000.010 | (client 2) 1000.020, 1000.900 (880 ms gap), 1001.000
    Path a = Files.writeString(dir.resolve("tx.1"), "0 1 500 0 1000 0\n0 2 500 0 1000 10000\n0 3 500 0 1001 0\n");
    Path b = Files.writeString(dir.resolve("tx.2"), "1 1 500 0 1000 20000\n1 2 failed 0 1000 500000\n1 3 400 0 1000 900000\n");
    PgbenchLog log = PgbenchLog.read(List.of(a, b));
    assertThat(log.committed()).isEqualTo(5);
    assertThat(log.failed()).isEqualTo(1);
    assertThat(log.longestGapMs(1_000_100, 1_000_200)).isEqualTo(880);
    assertThat(log.longestGapMs(1_000_950, 1_000_960)).isEqualTo(100);
  }
}
