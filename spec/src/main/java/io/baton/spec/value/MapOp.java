package io.baton.spec.value;

import io.baton.spec.SpecException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A value map (spec key {@code map}): each listed value becomes its mapped value (a mapped value
 * may be NULL). A value that is not listed is kept, replaced by {@code default}, or rejected, as
 * {@code onUnmapped} says. NULL is never looked up: it stays NULL ({@code nullFill} fills it).
 *
 * <p>It can be undone only when no two values map to the same one and unmapped values are
 * rejected: with {@code keep}, a value passed through unchanged could be mistaken, on the way back,
 * for a mapped one.
 */
public final class MapOp implements ValueOp {
  /** What happens to a value the map does not list. */
  public enum Unmapped {
    /** It passes unchanged. */
    KEEP,
    /** It becomes the map's default. */
    DEFAULT,
    /** The row is rejected (quarantined or halting, as the table says). */
    REJECT
  }

  private final Map<String, String> values;
  private final Unmapped onUnmapped;
  private final String defaultValue;
  private final String origin;

  /**
   * @param values each value and what it becomes (a null value: NULL); not null
   * @param onUnmapped what happens to a value not listed
   * @param defaultValue what an unmapped value becomes with {@link Unmapped#DEFAULT}
   * @param origin where the map comes from, for messages: {@code inline} or the CSV file
   */
  public MapOp(Map<String, String> values, Unmapped onUnmapped, String defaultValue, String origin) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.onUnmapped = onUnmapped;
    this.defaultValue = defaultValue;
    this.origin = origin;
  }

  /**
   * Reads a lookup file: CSV with a header row, the first column the value, the second what it
   * becomes (RFC 4180 quoting; an empty second field is the empty string).
   *
   * @param file the CSV file
   * @return each value and what it becomes, in file order
   * @throws SpecException naming the file and line when it cannot be read, has fewer than two
   *     columns or lists a value twice
   */
  public static Map<String, String> readCsv(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    com.fasterxml.jackson.dataformat.csv.CsvMapper mapper = new com.fasterxml.jackson.dataformat.csv.CsvMapper();
    mapper.enable(com.fasterxml.jackson.dataformat.csv.CsvParser.Feature.WRAP_AS_ARRAY);
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        com.fasterxml.jackson.databind.MappingIterator<String[]> rows = mapper.readerFor(String[].class).readValues(in)) {
      int line = 0;
      while (rows.hasNext()) {
        String[] row = rows.next();
        line++;
        if (line == 1) {
          continue;
        }
        if (row.length == 1 && row[0].isEmpty()) {
          continue;
        }
        if (row.length < 2) {
          throw new SpecException("file", "map file " + file + " line " + line + ": needs two columns (value, mapped value),"
              + " found " + row.length);
        }
        if (out.put(row[0], row[1]) != null) {
          throw new SpecException("file", "map file " + file + " line " + line + ": value '" + row[0] + "' is listed twice");
        }
      }
      if (line == 0) {
        throw new SpecException("file", "map file " + file + " is empty (it needs a header row, then one row per value)");
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new SpecException("file", "map file " + file + " does not exist (a relative path is read from the spec file's"
          + " directory)");
    } catch (IOException | RuntimeException e) {
      if (e instanceof SpecException s) {
        throw s;
      }
      throw new SpecException("file", "map file " + file + " cannot be read as CSV: " + e.getMessage());
    }
    return out;
  }

  @Override
  public String apply(String value) {
    if (value == null) {
      return null;
    }
    if (values.containsKey(value)) {
      return values.get(value);
    }
    return switch (onUnmapped) {
      case KEEP -> value;
      case DEFAULT -> defaultValue;
      case REJECT -> throw new RejectedValue(value, "not in the map (" + origin + ")");
    };
  }

  @Override
  public Optional<ValueOp> inverse(String sourceType) {
    if (onUnmapped != Unmapped.REJECT) {
      return Optional.empty();
    }
    Map<String, String> back = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (e.getValue() == null || !seen.add(e.getValue())) {
        return Optional.empty();
      }
      back.put(e.getValue(), e.getKey());
    }
    return Optional.of(new MapOp(back, Unmapped.REJECT, null, "inverse of " + origin));
  }

  @Override
  public int longestOutput() {
    if (onUnmapped == Unmapped.KEEP) {
      return -1;
    }
    int longest = defaultValue == null ? 0 : defaultValue.codePointCount(0, defaultValue.length());
    for (String v : values.values()) {
      longest = v == null ? longest : Math.max(longest, v.codePointCount(0, v.length()));
    }
    return longest;
  }

  @Override
  public String describe() {
    return "map " + values.size() + " values (" + origin + "), unmapped: " + onUnmapped.name().toLowerCase()
        + (onUnmapped == Unmapped.DEFAULT ? " to " + (defaultValue == null ? "NULL" : "'" + defaultValue + "'") : "");
  }
}
