package io.baton.sink;

import java.util.Map;

/**
 * Told about every batch a sink thread commits, for metrics. Called on the sink's own threads,
 * right after the commit: it must be quick and must not throw.
 */
@FunctionalInterface
public interface SinkListener {
  /** Listens to nothing. */
  SinkListener NONE = batch -> { };

  /**
   * One committed batch.
   *
   * @param nanos how long it took, from its first statement to its commit, ns
   * @param endToEndLagMs for each change applied, the time from its source commit to the target
   *     commit, ms (changes without a source commit time are left out)
   * @param appliedByTable changes applied per destination table ({@code schema.table}), quarantine
   *     records left out
   * @param quarantinedBySourceTable rows recorded in {@code baton.quarantine}, per source table
   */
  record Batch(long nanos, long[] endToEndLagMs, Map<String, Long> appliedByTable, Map<String, Long> quarantinedBySourceTable) {}

  /** @param batch the batch just committed */
  void batchApplied(Batch batch);
}
