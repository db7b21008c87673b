package io.baton.capture;

import io.baton.BatonException;
import java.nio.ByteBuffer;
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

  /** 4714-11-24 BC, PostgreSQL's first date (manual section 8.5, "Date/Time Types"), in days from 1970. */
  private static final long MIN_DATE_EPOCH_DAY = -2_440_588;
  /** 5874897-12-31, PostgreSQL's last date, in days from 1970. */
  private static final long MAX_DATE_EPOCH_DAY = 2_145_042_905;

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
    String sourceType = sourceType(schema);
    if (sourceType.equals("BIT") || sourceType.equals("VARBIT")) {
      return bits(schema, sourceType, v);
    }
    if (logical != null) {
      switch (logical) {
        case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date":
          return date(v instanceof java.util.Date d ? Math.floorDiv(d.getTime(), 86_400_000L) : ((Number) v).longValue());
        case "io.debezium.time.MicroTimestamp":
          return timestamp(((Number) v).longValue(), 1);
        case "io.debezium.time.Timestamp":
          return timestamp(((Number) v).longValue(), 1000);
        case "io.debezium.time.NanoTimestamp":
          return timestamp(((Number) v).longValue() / 1000, 1);
        case "io.debezium.time.MicroTime":
          return time(((Number) v).longValue() * 1000);
        case "io.debezium.time.Time":
          return time(((Number) v).longValue() * 1_000_000);
        case "io.debezium.time.NanoTime":
          return time(((Number) v).longValue());
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
        if ("io.debezium.data.geometry.Point".equals(logical)) {
          Struct p = (Struct) v;
          return "(" + p.getFloat64("x") + "," + p.getFloat64("y") + ")";
        }
        throw new BatonException("column type " + logical + " is not supported yet (Debezium sends it as a structure)");
      case BOOLEAN:
        return ((Boolean) v) ? "t" : "f";
      default:
        return v.toString();
    }
  }

  /** The column's type name that {@code datatype.propagate.source.type} adds to the field's schema, upper case, or "". */
  private static String sourceType(Schema schema) {
    java.util.Map<String, String> params = schema.parameters();
    String t = params == null ? null : params.get("__debezium.source.column.type");
    return t == null ? "" : t.toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * A bit string: Debezium sends {@code bit(1)} as a boolean and longer ones as the bytes of the
   * number they spell, least significant byte first ({@code io.debezium.data.Bits}). A {@code bit(n)}
   * value is padded to its n bits; a {@code bit varying} value has no leading zeros, since Debezium
   * does not keep them.
   */
  static String bits(Schema schema, String sourceType, Object v) {
    if (v instanceof Boolean b) {
      return b ? "1" : "0";
    }
    byte[] little = v instanceof ByteBuffer buf ? toArray(buf) : (byte[]) v;
    byte[] big = new byte[little.length + 1];
    for (int i = 0; i < little.length; i++) {
      big[big.length - 1 - i] = little[i];
    }
    String digits = new java.math.BigInteger(big).toString(2);
    if (digits.equals("0")) {
      digits = "";
    }
    String length = schema.parameters() == null ? null : schema.parameters().get("__debezium.source.column.length");
    if (sourceType.equals("BIT") && length != null) {
      int n = Integer.parseInt(length);
      digits = "0".repeat(Math.max(0, n - digits.length())) + digits;
    }
    return digits;
  }

  /**
   * PostgreSQL's text form of a timestamp without time zone: {@code infinity} and {@code -infinity}
   * for Debezium's Long.MAX_VALUE and Long.MIN_VALUE, and a BC suffix for years before 1 (manual
   * section 8.5.1, "Date/Time Input").
   */
  static String timestamp(long value, long microsPerUnit) {
    if (value == Long.MAX_VALUE) {
      return "infinity";
    }
    if (value == Long.MIN_VALUE) {
      return "-infinity";
    }
    long micros = Math.multiplyExact(value, microsPerUnit);
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
    return ymd(t.toLocalDate()) + " " + t.toLocalTime() + era(t.toLocalDate());
  }

  static String date(long epochDay) {
    // PostgreSQL stores infinity and -infinity as INT_MAX and INT_MIN days from 2000-01-01
    // (DATEVAL_NOEND, DATEVAL_NOBEGIN); Debezium shifts them by the 10,957 days from 1970, and the
    // first wraps around in 32 bits. Nothing beyond PostgreSQL's date range is a real date.
    if (epochDay > MAX_DATE_EPOCH_DAY || epochDay == (int) (Integer.MAX_VALUE + 10_957L)) {
      return "infinity";
    }
    if (epochDay < MIN_DATE_EPOCH_DAY) {
      return "-infinity";
    }
    LocalDate d = LocalDate.ofEpochDay(epochDay);
    return ymd(d) + era(d);
  }

  /** Year (1 BC is ISO year 0), month and day, as PostgreSQL writes them. */
  private static String ymd(LocalDate d) {
    int year = d.getYear() > 0 ? d.getYear() : 1 - d.getYear();
    return String.format("%04d-%02d-%02d", year, d.getMonthValue(), d.getDayOfMonth());
  }

  private static String era(LocalDate d) {
    return d.getYear() > 0 ? "" : " BC";
  }

  /** Time of day; PostgreSQL allows 24:00:00, which LocalTime does not. */
  static String time(long nanos) {
    return nanos == 86_400_000_000_000L ? "24:00:00" : LocalTime.ofNanoOfDay(nanos).toString();
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
