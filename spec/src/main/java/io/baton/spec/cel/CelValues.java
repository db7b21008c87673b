package io.baton.spec.cel;

import dev.cel.common.values.NullValue;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Conversions between PostgreSQL text forms and CEL values, one place for both directions.
 *
 * <p>Into CEL, by the column's type ({@code format_type} text, after any cast of the spec):
 * {@code smallint}, {@code integer}, {@code bigint} become {@code int}; {@code real},
 * {@code double precision} and {@code numeric} become {@code double} (a numeric with more than
 * 15 significant digits loses the rest inside the expression only; the column's own value is
 * untouched); {@code boolean} becomes {@code bool}; every other type stays {@code string} in
 * PostgreSQL's text form, so ISO dates and timestamps compare in time order. NULL is {@code null}.
 *
 * <p>Out of CEL, to the text a column receives: a {@code string} as it is, an {@code int} or
 * {@code uint} in decimal, a {@code double} as PostgreSQL prints a {@code float8} (shortest exact
 * digits, exponent form outside 1e-4 to 1e15: PostgreSQL documentation, "Floating-Point Types",
 * {@code extra_float_digits}), a {@code bool} as {@code true}/{@code false} (the text form
 * {@code boolean::text} gives), {@code null} as NULL.
 */
public final class CelValues {
  private CelValues() {}

  /**
   * @param text a value's PostgreSQL text form, or null for NULL
   * @param type its column's type, as {@code format_type} prints it ({@code numeric(12,2)}); null
   *     reads as text
   * @return the CEL value: {@link Long}, {@link Double}, {@link Boolean}, {@link String} or
   *     {@link NullValue#NULL_VALUE}; a value that does not parse as its type stays a string
   */
  public static Object of(String text, String type) {
    if (text == null) {
      return NullValue.NULL_VALUE;
    }
    String t = type == null ? "text" : type.trim().toLowerCase(Locale.ROOT);
    int paren = t.indexOf('(');
    String base = paren < 0 ? t : t.substring(0, paren).trim();
    try {
      return switch (base) {
        case "smallint", "integer", "bigint", "int2", "int4", "int8", "int" -> Long.parseLong(text.trim());
        case "real", "double precision", "float4", "float8", "numeric", "decimal" -> Double.parseDouble(text.trim());
        case "boolean", "bool" -> text.equals("t") || text.equals("true");
        default -> text;
      };
    } catch (NumberFormatException e) {
      return text;
    }
  }

  /**
   * @param result what a CEL expression gave
   * @return its text form for a column, or null for CEL's {@code null}
   * @throws IllegalArgumentException for a value no column takes as text (a list, a map, bytes...),
   *     naming its Java class
   */
  public static String text(Object result) {
    if (result == null || result instanceof NullValue) {
      return null;
    }
    if (result instanceof String s) {
      return s;
    }
    if (result instanceof Long || result instanceof Integer || result instanceof com.google.common.primitives.UnsignedLong) {
      return result.toString();
    }
    if (result instanceof Double d) {
      return float8(d);
    }
    if (result instanceof Boolean b) {
      return b ? "true" : "false";
    }
    throw new IllegalArgumentException("a CEL " + result.getClass().getSimpleName() + " cannot be a column's value;"
        + " give a string, a number, a bool or null");
  }

  /**
   * @param d a double
   * @return its text as PostgreSQL 12 and later print a {@code float8} with the default
   *     {@code extra_float_digits = 1}: the shortest digits that read back exactly, in fixed form
   *     when the decimal exponent is from -4 to 14, otherwise as {@code 1.5e+15} / {@code 1e-05}
   */
  public static String float8(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0" : "0";
    }
    BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String digits = b.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - b.scale();
    String sign = d < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 15) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      int e = Math.abs(exponent);
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
    }
    return sign + b.abs().toPlainString();
  }
}
