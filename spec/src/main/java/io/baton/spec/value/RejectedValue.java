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
    super((value == null ? "NULL" : "'" + abbreviate(value) + "'") + ": " + reason);
    this.value = value;
  }

  /** @return the value as received, or null for NULL */
  public String value() {
    return value;
  }

  private static String abbreviate(String v) {
    return v.length() <= 80 ? v : v.substring(0, 77) + "...";
  }
}
