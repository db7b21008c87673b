package io.baton.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** How benchmark figures are computed and named in the JSON. */
final class Figures {
  private Figures() {}

  /**
   * @param name the rate's key, for example {@code rows_per_s}
   * @param count what was done
   * @param millis in how long
   * @return {@code ms} and the rate per second
   */
  static Map<String, Object> rate(String name, long count, long millis) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("ms", millis);
    f.put(name, millis == 0 ? count : count * 1000 / millis);
    return f;
  }

  /** @return a's rate over b's, two decimals */
  static double ratio(Map<String, Object> a, Map<String, Object> b, String name) {
    return Math.round(100.0 * ((Number) a.get(name)).doubleValue() / ((Number) b.get(name)).doubleValue()) / 100.0;
  }
}
