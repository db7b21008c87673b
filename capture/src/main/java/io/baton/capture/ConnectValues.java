package io.baton.capture;

import io.baton.BatonException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Turns Debezium's Kafka Connect values back into PostgreSQL text forms.
 *
 * <p>The capture runs Debezium with {@code decimal.handling.mode=string},
 * {@code time.precision.mode=adaptive_time_microseconds}, {@code interval.handling.mode=string}
 * and {@code binary.handling.mode=bytes} (Debezium PostgreSQL connector documentation, "Data type
 * mappings"), so every value is either already text, or a number of days, microseconds or bytes
 * whose text form is computed here. Debezium's placeholder for unchanged TOASTed values
 * ({@code unavailable.value.placeholder}, default {@code __debezium_unavailable_value}) makes the
 * column absent from the row, so that it never overwrites real data.
 */
final class ConnectValues {
  static final String UNAVAILABLE = "__debezium_unavailable_value";
  private static final byte[] UNAVAILABLE_BYTES = UNAVAILABLE.getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private ConnectValues() {}

  /**
   * @param struct a row struct (a key, or an envelope's before or after); may be null
   * @return column name to text value, without columns whose value was not received; null when
   *     {@code struct} is null
   */
  static Map<String, String> row(Struct struct) {
    if (struct == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Field f : struct.schema().fields()) {
      Object v = struct.get(f);
      if (isUnavailable(v)) {
        continue;
      }
      out.put(f.name(), text(f.schema(), v));
    }
    return out;
  }

  private static boolean isUnavailable(Object v) {
    if (v instanceof String s) {
      return s.equals(UNAVAILABLE);
    }
    if (v instanceof byte[] b) {
      return java.util.Arrays.equals(b, UNAVAILABLE_BYTES);
    }
    if (v instanceof ByteBuffer b) {
      return b.equals(ByteBuffer.wrap(UNAVAILABLE_BYTES));
    }
    if (v instanceof List<?> l) {
      return l.size() == 1 && isUnavailable(l.get(0));
    }
    return false;
  }

  static String text(Schema schema, Object v) {
    if (v == null) {
      return null;
    }
    String logical = schema.name();
    if (logical != null) {
      switch (logical) {
        case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date":
          return v instanceof java.util.Date d ? LocalDate.ofEpochDay(d.getTime() / 86_400_000L).toString()
              : LocalDate.ofEpochDay(((Number) v).longValue()).toString();
        case "io.debezium.time.MicroTimestamp":
          return timestamp(((Number) v).longValue());
        case "io.debezium.time.Timestamp":
          return timestamp(((Number) v).longValue() * 1000);
        case "io.debezium.time.NanoTimestamp":
          return timestamp(((Number) v).longValue() / 1000);
        case "io.debezium.time.MicroTime":
          return LocalTime.ofNanoOfDay(((Number) v).longValue() * 1000).toString();
        case "io.debezium.time.Time":
          return LocalTime.ofNanoOfDay(((Number) v).longValue() * 1_000_000).toString();
        case "io.debezium.time.NanoTime":
          return LocalTime.ofNanoOfDay(((Number) v).longValue()).toString();
        default:
          break;
      }
    }
    switch (schema.type()) {
      case BYTES:
        byte[] bytes = v instanceof ByteBuffer b ? toArray(b) : (byte[]) v;
        return "\\x" + HexFormat.of().formatHex(bytes);
      case ARRAY:
        return array(schema.valueSchema(), (List<?>) v);
      case STRUCT:
        throw new BatonException("column type " + logical + " is not supported yet (Debezium sends it as a structure)");
      case BOOLEAN:
        return ((Boolean) v) ? "t" : "f";
      default:
        return v.toString();
    }
  }

  private static String timestamp(long micros) {
    LocalDateTime t = LocalDateTime.ofInstant(Instant.EPOCH.plusNanos(Math.multiplyExact(micros, 1000L)), ZoneOffset.UTC);
    return t.toString().replace('T', ' ');
  }

  private static byte[] toArray(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  /** PostgreSQL array literal ("Array Value Input", manual section 8.15.2). */
  private static String array(Schema element, List<?> values) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      String t = text(element, values.get(i));
      if (t == null) {
        sb.append("NULL");
      } else if (element.type() == Schema.Type.ARRAY) {
        sb.append(t);
      } else {
        sb.append('"').append(t.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    }
    return sb.append('}').toString();
  }
}
