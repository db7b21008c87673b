package io.baton.spec.value;

import io.baton.pg.Sql;
import io.baton.spec.SpecException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cast to a PostgreSQL type (spec key {@code cast}): the value is checked and brought to the text
 * PostgreSQL prints for it in that type.
 *
 * <ul>
 *   <li>{@code date}, {@code timestamp}: parsed with {@code format} (a {@link DateTimeFormatter}
 *       pattern such as {@code dd/MM/yyyy}, strict: 31/02/2024 is rejected), or as ISO 8601 without
 *       one; printed as PostgreSQL does with {@code DateStyle = ISO} ({@code 2024-03-01},
 *       {@code 2024-03-01 10:15:00.5}). Years 1 to 9999 only. Undone by formatting back.
 *   <li>{@code smallint}, {@code integer}, {@code bigint}: a whole number within the type's range
 *       (PostgreSQL documentation, "Integer Types"). Undone when the column was an integer type.
 *   <li>{@code numeric(p,s)}: at most {@code p - s} digits before the point; rescaled to {@code s}
 *       digits after it, rounding as {@code rounding} says ({@link RoundingMode} names:
 *       {@code HALF_UP}, {@code HALF_EVEN}, ...), or rejected when digits would be lost without
 *       one. NaN and Infinity pass. Undone by a cast back when the source column keeps at least as
 *       many digits after the point (rounding is never undone, but every target value goes back
 *       exactly).
 *   <li>{@code text}, {@code varchar(n)}: the value as it is, at most {@code n} characters. Undone by
 *       a cast back to the column's type.
 *   <li>any other type (an enum, {@code uuid}, {@code jsonb}...): the value as it is; the target
 *       checks it when the row is applied.
 * </ul>
 */
public final class CastOp implements ValueOp {
  private static final Pattern NUMERIC = Pattern.compile("(?:numeric|decimal)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?");
  private static final Pattern VARCHAR = Pattern.compile("(?:varchar|character varying)\\s*(?:\\(\\s*(\\d+)\\s*\\))?");

  private enum Kind { DATE, TIMESTAMP, INTEGER, NUMERIC, TEXT, OTHER }

  private final String type;
  private final Kind kind;
  private final String format;
  private final DateTimeFormatter formatter;
  private final long min;
  private final long max;
  private final Integer precision;
  private final Integer scale;
  private final RoundingMode rounding;
  private final Integer maxLength;

  private CastOp(String type, Kind kind, String format, long min, long max, Integer precision, Integer scale,
      RoundingMode rounding, Integer maxLength) {
    this.type = type;
    this.kind = kind;
    this.format = format;
    this.formatter = format == null ? null : formatter(format);
    this.min = min;
    this.max = max;
    this.precision = precision;
    this.scale = scale;
    this.rounding = rounding;
    this.maxLength = maxLength;
  }

  /**
   * @param to the PostgreSQL type, as the spec writes it ({@code date}, {@code numeric(12,2)})
   * @param format a date or timestamp pattern, or null
   * @param rounding a {@link RoundingMode} name for a numeric cast, or null
   * @return the cast
   * @throws SpecException naming the key at fault when the combination makes no sense
   */
  public static CastOp of(String to, String format, String rounding) {
    if (to == null || to.isBlank()) {
      throw new SpecException("to", "cast needs to: the PostgreSQL type, for example date or numeric(12,2)");
    }
    String t = to.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    if (!Sql.isTypeName(t)) {
      throw new SpecException("to", "cast.to '" + to + "' is not a PostgreSQL type name: letters, digits, '_', '$' or"
          + " double-quoted names, a modifier such as (12,2) and [] only, for example numeric(12,2)");
    }
    Kind kind = kindOf(t);
    if (format != null && kind != Kind.DATE && kind != Kind.TIMESTAMP) {
      throw new SpecException("format", "cast.format applies to date and timestamp casts, not to " + t);
    }
    RoundingMode mode = null;
    if (rounding != null) {
      if (kind != Kind.NUMERIC) {
        throw new SpecException("rounding", "cast.rounding applies to numeric casts, not to " + t);
      }
      try {
        mode = RoundingMode.valueOf(rounding.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new SpecException("rounding", "cast.rounding '" + rounding + "' is not one of HALF_UP, HALF_EVEN, HALF_DOWN,"
            + " UP, DOWN, CEILING, FLOOR");
      }
    }
    if (format != null) {
      try {
        formatter(format);
      } catch (IllegalArgumentException e) {
        throw new SpecException("format", "cast.format '" + format + "' is not a date pattern: " + e.getMessage()
            + " (for example dd/MM/yyyy)");
      }
    }
    return switch (kind) {
      case INTEGER -> {
        long[] range = switch (t) {
          case "smallint", "int2" -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
          case "integer", "int", "int4" -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
          default -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
        };
        yield new CastOp(t, kind, null, range[0], range[1], null, null, null, null);
      }
      case NUMERIC -> {
        Matcher m = NUMERIC.matcher(t);
        m.matches();
        Integer p = m.group(1) == null ? null : Integer.valueOf(m.group(1));
        Integer s = m.group(1) == null ? null : m.group(2) == null ? 0 : Integer.valueOf(m.group(2));
        if (p != null && (p < 1 || p > 1000 || s > p)) {
          throw new SpecException("to", "cast.to " + t + ": precision must be 1 to 1000 and scale at most the precision");
        }
        yield new CastOp(t, kind, null, 0, 0, p, s, mode, null);
      }
      case TEXT -> {
        Matcher m = VARCHAR.matcher(t);
        yield new CastOp(t, kind, null, 0, 0, null, null, null, m.matches() && m.group(1) != null ? Integer.valueOf(m.group(1)) : null);
      }
      default -> new CastOp(t, kind, format, 0, 0, null, null, null, null);
    };
  }

  private static Kind kindOf(String t) {
    return switch (t) {
      case "date" -> Kind.DATE;
      case "timestamp", "timestamp without time zone" -> Kind.TIMESTAMP;
      case "smallint", "int2", "integer", "int", "int4", "bigint", "int8" -> Kind.INTEGER;
      case "text" -> Kind.TEXT;
      default -> NUMERIC.matcher(t).matches() ? Kind.NUMERIC : VARCHAR.matcher(t).matches() ? Kind.TEXT : Kind.OTHER;
    };
  }

  /** A strict pattern: {@code y} is read as the proleptic year, so that no era is needed. */
  private static DateTimeFormatter formatter(String pattern) {
    String p = pattern.contains("'") ? pattern : pattern.replace('y', 'u');
    return DateTimeFormatter.ofPattern(p, Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
  }

  @Override
  public String apply(String value) {
    if (value == null) {
      return null;
    }
    return switch (kind) {
      case DATE -> date(value);
      case TIMESTAMP -> timestamp(value);
      case INTEGER -> integer(value);
      case NUMERIC -> numeric(value);
      case TEXT -> text(value);
      case OTHER -> value;
    };
  }

  private String date(String value) {
    LocalDate d;
    try {
      d = formatter == null ? LocalDate.parse(value) : LocalDate.parse(value, formatter);
    } catch (DateTimeParseException e) {
      throw new RejectedValue(value, "not a date" + (format == null ? " (ISO 8601, yyyy-MM-dd)" : " in format " + format));
    }
    checkYear(value, d.getYear());
    return d.toString();
  }

  private String timestamp(String value) {
    LocalDateTime t;
    try {
      t = formatter == null ? LocalDateTime.parse(value.replace(' ', 'T')) : LocalDateTime.parse(value, formatter);
    } catch (DateTimeParseException e) {
      throw new RejectedValue(value, "not a timestamp" + (format == null ? " (ISO 8601)" : " in format " + format));
    }
    checkYear(value, t.getYear());
    if (t.getNano() % 1000 != 0) {
      throw new RejectedValue(value, "has a fraction of a second finer than PostgreSQL's microsecond");
    }
    return pgTimestamp(t);
  }

  /** @return the text PostgreSQL prints for a timestamp with {@code DateStyle = ISO} */
  static String pgTimestamp(LocalDateTime t) {
    StringBuilder sb = new StringBuilder(t.toLocalDate().toString()).append(' ')
        .append(String.format(Locale.ROOT, "%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond()));
    int micros = t.getNano() / 1000;
    if (micros > 0) {
      String f = String.format(Locale.ROOT, "%06d", micros);
      sb.append('.').append(f.replaceAll("0+$", ""));
    }
    return sb.toString();
  }

  private static void checkYear(String value, int year) {
    if (year < 1 || year > 9999) {
      throw new RejectedValue(value, "year " + year + " is outside 1 to 9999");
    }
  }

  private String integer(String value) {
    BigDecimal n = number(value);
    if (n.stripTrailingZeros().scale() > 0) {
      throw new RejectedValue(value, "has a fraction; " + type + " holds whole numbers");
    }
    if (n.compareTo(BigDecimal.valueOf(min)) < 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new RejectedValue(value, "is out of range for " + type + " (" + min + " to " + max + ")");
    }
    return Long.toString(n.longValueExact());
  }

  private String numeric(String value) {
    if (value.equals("NaN") || value.equals("Infinity") || value.equals("-Infinity")) {
      return value;
    }
    BigDecimal n = number(value);
    if (scale != null && n.scale() != scale) {
      try {
        n = n.setScale(scale, rounding == null ? RoundingMode.UNNECESSARY : rounding);
      } catch (ArithmeticException e) {
        throw new RejectedValue(value, "has more than " + scale + " digits after the point; give cast.rounding to round it");
      }
    }
    if (precision != null && n.precision() - n.scale() > precision - scale) {
      throw new RejectedValue(value, "has more than " + (precision - scale) + " digits before the point for " + type);
    }
    return n.toPlainString();
  }

  private static BigDecimal number(String value) {
    try {
      return new BigDecimal(value);
    } catch (NumberFormatException e) {
      throw new RejectedValue(value, "not a number");
    }
  }

  private String text(String value) {
    if (maxLength != null && value.codePointCount(0, value.length()) > maxLength) {
      throw new RejectedValue(value, "is longer than " + maxLength + " characters");
    }
    return value;
  }

  @Override
  public Optional<ValueOp> inverse(String sourceType) {
    String s = sourceType == null ? "text" : sourceType.trim().toLowerCase(Locale.ROOT);
    Kind from = kindOf(s);
    return switch (kind) {
      case DATE, TIMESTAMP -> from == kind ? Optional.of(this)
          : from == Kind.TEXT ? Optional.of(new FormatOp(this)) : Optional.empty();
      case INTEGER -> from == Kind.INTEGER ? Optional.of(of(s, null, null)) : Optional.empty();
      case NUMERIC -> {
        if (from == Kind.INTEGER) {
          yield Optional.of(of(s, null, null));
        }
        if (from != Kind.NUMERIC) {
          yield Optional.empty();
        }
        // every target value must be writable back without rounding: as many digits after the point
        // on the source (too many before it is rejected, never rounded)
        CastOp back = of(s, null, null);
        boolean exact = back.scale == null || (scale != null && back.scale >= scale);
        yield exact ? Optional.of(back) : Optional.empty();
      }
      case TEXT, OTHER -> Optional.of(of(s, null, null));
    };
  }

  @Override
  public String resultType(String before) {
    return type;
  }

  @Override
  public String describe() {
    return "cast to " + type + (format == null ? "" : " from " + format) + (rounding == null ? "" : " rounding " + rounding);
  }

  /** The inverse of a date or timestamp cast from text: the value formatted back with the pattern. */
  private static final class FormatOp implements ValueOp {
    private final CastOp cast;

    FormatOp(CastOp cast) {
      this.cast = cast;
    }

    @Override
    public String apply(String value) {
      if (value == null) {
        return null;
      }
      try {
        if (cast.kind == Kind.DATE) {
          LocalDate d = LocalDate.parse(value);
          return cast.formatter == null ? d.toString() : cast.formatter.format(d);
        }
        LocalDateTime t = LocalDateTime.parse(value.replace(' ', 'T'));
        return cast.formatter == null ? pgTimestamp(t) : cast.formatter.format(t);
      } catch (java.time.DateTimeException e) {
        throw new RejectedValue(value, "cannot be written back " + (cast.format == null ? "as ISO 8601" : "as " + cast.format)
            + ": " + e.getMessage());
      }
    }

    @Override
    public Optional<ValueOp> inverse(String sourceType) {
      return Optional.of(cast);
    }

    @Override
    public String resultType(String before) {
      return "text";
    }

    @Override
    public String describe() {
      return "format " + cast.type + (cast.format == null ? " as ISO 8601" : " as " + cast.format);
    }
  }
}
