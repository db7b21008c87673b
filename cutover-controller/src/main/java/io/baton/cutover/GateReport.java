package io.baton.cutover;

import java.util.List;

/**
 * Every cutover gate evaluated at one moment, and the write pause predicted for a cutover then.
 *
 * @param atMs when, ms since the epoch
 * @param gates each gate's result, in a fixed order
 * @param predictedPauseMs the predicted write pause, ms; -1 when it could not be measured
 */
public record GateReport(long atMs, List<GateResult> gates, long predictedPauseMs) {
  public GateReport {
    gates = List.copyOf(gates);
  }

  /** @return whether every gate passes */
  public boolean passed() {
    return gates.stream().allMatch(GateResult::passed);
  }

  /** @return the gates that do not pass */
  public List<GateResult> failing() {
    return gates.stream().filter(g -> !g.passed()).toList();
  }

  /** @return one line per gate: PASS or WAIT, the gate, what was observed and what is required */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    for (GateResult g : gates) {
      sb.append(String.format("  %-4s  %-12s %s (required: %s)%n", g.passed() ? "PASS" : "WAIT", g.gate(), g.observed(),
          g.required()));
    }
    sb.append(passed() ? "every gate passes" : failing().size() + " gate(s) hold the cutover").append('\n');
    return sb.toString();
  }
}
