package io.baton.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of {@code bench/run cutover}, taken from the rehearsal's summary: for cutovers and for
 * rollbacks separately, {@code write_pause_ms} ({@code p50}, {@code max}: the longest gap between
 * consecutive pgbench commits around each switch), {@code controller_pause_ms}, the transactions
 * that failed around the switches, and whether the live verification after each switch was equal.
 */
final class CutoverFigures {
  private CutoverFigures() {}

  /**
   * @param summary the rehearsal's summary (see the demo's {@code --summary-json})
   * @param scale the pgbench scale
   * @param clients the pgbench clients
   * @param runs the cycles asked for
   * @return the figures, in the order they are printed
   */
  static Map<String, Object> from(JsonNode summary, int scale, int clients, int runs) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("status", summary.path("status").asText());
    f.put("failures", strings(summary.path("failures")));
    f.put("scale", scale);
    f.put("clients", clients);
    f.put("runs", runs);
    f.put("cutovers", switches(summary.path("cutover")));
    f.put("rollbacks", switches(summary.path("rollback")));
    f.put("transactions", summary.path("workload").path("transactions").asLong());
    f.put("failed_transactions", summary.path("workload").path("failed_transactions").asLong());
    f.put("reconcile_equal_at_end", summary.path("reconcile").path("equal").asBoolean());
    return f;
  }

  private static Map<String, Object> switches(JsonNode node) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("runs", node.path("runs").asInt());
    s.put("write_pause_ms", percentiles(node.path("write_pause_ms")));
    s.put("controller_pause_ms", percentiles(node.path("controller_pause_ms")));
    s.put("failed_transactions", node.path("failed_transactions").asLong());
    List<Boolean> equal = new ArrayList<>();
    node.path("reconcile_equal").forEach(e -> equal.add(e.asBoolean()));
    s.put("reconcile_equal", equal);
    List<String> frozen = new ArrayList<>();
    node.path("final_verification").forEach(e -> frozen.add(e.asText()));
    s.put("final_verification", frozen);
    List<Long> pauses = new ArrayList<>();
    node.path("each").forEach(e -> pauses.add(e.path("write_pause_ms").asLong()));
    s.put("write_pause_ms_each", pauses);
    return s;
  }

  private static Map<String, Long> percentiles(JsonNode node) {
    Map<String, Long> p = new LinkedHashMap<>();
    p.put("p50", node.path("p50").asLong());
    p.put("max", node.path("max").asLong());
    return p;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
