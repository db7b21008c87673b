package io.baton.spec;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.baton.spec.value.MapOp;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A column's value map (spec key {@code tables[].columns.<name>.map}): inline {@code values}, a CSV
 * {@code file}, or both (inline entries win). See {@link MapOp}.
 *
 * @param op the map, loaded
 */
public record MapRule(MapOp op) {
  /** The key under which the loader injects the spec file's directory. */
  static final String SPEC_DIR = "baton.specDir";

  @JsonCreator
  static MapRule fromYaml(
      @SpecDoc(value = "Each source value and what it becomes (~ for NULL).", example = "{ \"101\": \"100\", \"102\": \"100\" }")
      @JsonProperty("values") Map<String, String> values,
      @SpecDoc(value = "A CSV lookup file with a header row: first column the source value, second what it becomes. A"
          + " relative path is read from the spec file's directory.", example = "location-codes.csv")
      @JsonProperty("file") String file,
      @SpecDoc(value = "What happens to a value the map does not list: keep it, replace it with default, or reject the"
          + " row (it is quarantined or halts the pipeline, as the table says).", defaultValue = "reject")
      @JsonProperty("onUnmapped") MapOp.Unmapped onUnmapped,
      @SpecDoc(value = "What an unmapped value becomes with onUnmapped: default (~ for NULL).", example = "XX-UNKNOWN")
      @JsonProperty("default") String defaultValue,
      @JacksonInject(SPEC_DIR) Path specDir) {
    if ((values == null || values.isEmpty()) && file == null) {
      throw new SpecException("values", "map needs values (inline) or file (a CSV lookup file)");
    }
    MapOp.Unmapped unmapped = onUnmapped == null ? MapOp.Unmapped.REJECT : onUnmapped;
    if (defaultValue != null && unmapped != MapOp.Unmapped.DEFAULT) {
      throw new SpecException("default", "map.default is used only with onUnmapped: default (it is " + unmapped.name()
          .toLowerCase() + ")");
    }
    Map<String, String> all = new LinkedHashMap<>();
    String origin = "inline";
    if (file != null) {
      Path f = specDir == null ? Path.of(file) : specDir.resolve(file);
      all.putAll(MapOp.readCsv(f));
      origin = f.getFileName().toString() + (values == null || values.isEmpty() ? "" : " and inline values");
    }
    if (values != null) {
      all.putAll(values);
    }
    return new MapRule(new MapOp(all, unmapped, defaultValue, origin));
  }
}
