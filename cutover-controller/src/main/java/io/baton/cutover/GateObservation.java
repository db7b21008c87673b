package io.baton.cutover;

import java.util.List;

/**
 * What the controller sees at the moment the gates are evaluated, besides the lag samples that
 * {@link CutoverGates#sample} keeps.
 *
 * @param verifying whether live verification runs
 * @param lastCleanFullPassAtMs when every table had last passed clean (the oldest of their last
 *     clean passes), ms since the epoch; 0 while a table has not
 * @param mismatchRatio rows found different over rows compared in each table's latest pass, 0 to 1
 * @param quarantinedRows rows in quarantine; -1 when unknown
 * @param reverseProblems why reverse replication could not start on the target, empty when it can
 * @param routerProblem why the traffic router is not healthy, null when it is
 * @param slotProblem why the forward replication slot is at risk of losing WAL it needs
 *     ({@code wal_status} unreserved or lost, PostgreSQL documentation "pg_replication_slots"), or
 *     null when it keeps all of it
 * @param predictedPauseMs the write pause predicted from the measured drain, ms; -1 when unknown
 */
public record GateObservation(boolean verifying, long lastCleanFullPassAtMs, double mismatchRatio, long quarantinedRows,
    List<String> reverseProblems, String routerProblem, String slotProblem, long predictedPauseMs) {
  public GateObservation {
    reverseProblems = List.copyOf(reverseProblems);
  }
}
