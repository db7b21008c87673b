package io.baton.spec.value;

/**
 * A value that a column's operations cannot convert: the row it belongs to must not be applied
 * (it is quarantined or halts the pipeline, as the spec says). Unchecked.
 */
public class RejectedValue extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String value;

  /**
   * @param value the value as received, or null for NULL
   * @param reason why, naming the rule: {@code not a date in format dd/MM/yyyy}
   */
  public RejectedValue(String value, String reason) {
    super(quoted(value) + ": " + reason);
    this.value = value;
  }

  /** @return the value as received, or null for NULL */
  public String value() {
    return value;
  }

  /**
   * @param value a value, or null for NULL
   * @return it as messages show it: {@code NULL}, or quoted and cut to 80 characters
   */
  public static String quoted(String value) {
    return value == null ? "NULL" : "'" + (value.length() <= 80 ? value : value.substring(0, 77) + "...") + "'";
  }
}
