package io.baton;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Fields for the log lines written while it is open, through SLF4J's MDC: structured logs
 * ({@code BATON_LOG_FORMAT=json}) carry them in {@code mdc}. The names Baton uses: {@code migration},
 * {@code stage} ({@code capture}, {@code snapshot}, {@code transform}, {@code sink}, {@code verify},
 * {@code controller}), {@code table}, {@code lsn} and {@code lag_ms}.
 *
 * <pre>{@code
 * try (LogFields f = LogFields.of("table", table.toString(), "lsn", lsn.toString())) {
 *   LOG.warn("...");
 * }
 * }</pre>
 *
 * <p>Closing restores what the thread's MDC held before for those names, so fields a thread set for
 * its whole life ({@code migration}, {@code stage}) survive a nested use. Not thread-safe: open and
 * close it on one thread.
 */
public final class LogFields implements AutoCloseable {
  private final Map<String, String> previous;

  private LogFields(Map<String, String> previous) {
    this.previous = previous;
  }

  /**
   * @param namesAndValues name, value, name, value...; a null value leaves that name out
   * @return the open fields
   * @throws IllegalArgumentException when a name has no value
   */
  public static LogFields of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("log fields come in name and value pairs, not " + namesAndValues.length + " strings");
    }
    Map<String, String> previous = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      String name = namesAndValues[i];
      String value = namesAndValues[i + 1];
      if (value == null || previous.containsKey(name)) {
        continue;
      }
      previous.put(name, MDC.get(name));
      MDC.put(name, value);
    }
    return new LogFields(previous);
  }

  /** Puts back what the names held before {@link #of}. */
  @Override
  public void close() {
    for (Map.Entry<String, String> e : previous.entrySet()) {
      if (e.getValue() == null) {
        MDC.remove(e.getKey());
      } else {
        MDC.put(e.getKey(), e.getValue());
      }
    }
  }
}
