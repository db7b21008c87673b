package io.baton.spec.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.spec.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapOpTest {
  @TempDir
  Path dir;

  @Test
  void shouldMapListedValuesAndHandleTheRestAsTold() {
    Map<String, String> values = new HashMap<>(Map.of("101", "100", "102", "100"));
    values.put("999", null);
    assertThat(new MapOp(values, MapOp.Unmapped.KEEP, null, "inline").apply("102")).isEqualTo("100");
    assertThat(new MapOp(values, MapOp.Unmapped.KEEP, null, "inline").apply("999")).isNull();
    assertThat(new MapOp(values, MapOp.Unmapped.KEEP, null, "inline").apply("7")).isEqualTo("7");
    assertThat(new MapOp(values, MapOp.Unmapped.DEFAULT, "0", "inline").apply("7")).isEqualTo("0");
    assertThat(new MapOp(values, MapOp.Unmapped.DEFAULT, "0", "inline").apply(null)).isNull();
    assertThatThrownBy(() -> new MapOp(values, MapOp.Unmapped.REJECT, null, "codes.csv").apply("7"))
        .isInstanceOf(RejectedValue.class).hasMessage("'7': not in the map (codes.csv)");
  }

  @Test
  void shouldBeUndoneOnlyWhenOneToOneAndUnmappedValuesAreRejected() {
    MapOp oneToOne = new MapOp(Map.of("A", "1", "B", "2"), MapOp.Unmapped.REJECT, null, "inline");
    assertThat(oneToOne.inverse("text").orElseThrow().apply("2")).isEqualTo("B");
    assertThat(new MapOp(Map.of("A", "1", "B", "1"), MapOp.Unmapped.REJECT, null, "inline").inverse("text")).isEmpty();
    assertThat(new MapOp(Map.of("A", "1"), MapOp.Unmapped.KEEP, null, "inline").inverse("text")).isEmpty();
  }

  @Test
  void shouldReadALookupFileWithQuotesAndNameItsMistakes() throws Exception {
    Path csv = Files.writeString(dir.resolve("codes.csv"), "legacy,iso\n1234,GB-LND\n\"0042\",\"FR-75, Paris\"\n");
    assertThat(MapOp.readCsv(csv)).containsExactly(Map.entry("1234", "GB-LND"), Map.entry("0042", "FR-75, Paris"));
    Path twice = Files.writeString(dir.resolve("twice.csv"), "legacy,iso\n1,A\n1,B\n");
    assertThatThrownBy(() -> MapOp.readCsv(twice)).isInstanceOf(SpecException.class)
        .hasMessageContaining("twice.csv line 3: value '1' is listed twice");
    Path narrow = Files.writeString(dir.resolve("narrow.csv"), "legacy\n1\n");
    assertThatThrownBy(() -> MapOp.readCsv(narrow)).hasMessageContaining("narrow.csv line 2: needs two columns");
    assertThatThrownBy(() -> MapOp.readCsv(dir.resolve("missing.csv"))).hasMessageContaining("does not exist");
  }
}
