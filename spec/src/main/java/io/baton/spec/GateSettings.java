package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The conditions a cutover waits for (spec section {@code cutover.gates}). Every gate must pass
 * at the moment the write pause would begin; {@code baton cutover --dry-run} shows each one with
 * what was observed and what is required.
 *
 * @param maxLagBytes the most WAL the forward slot may hold unconfirmed, in bytes (the source's
 *     {@code pg_current_wal_lsn()} minus the slot's {@code confirmed_flush_lsn}, manual section
 *     54.19 "pg_replication_slots"); default 16 MiB
 * @param maxLagMs the most end-to-end apply lag (source commit to target commit of the last batch
 *     applied), in ms; default 2000
 * @param holdSeconds how long both lags must have stayed under their limits without a break, in
 *     seconds; default 30, 0 for no holding period
 * @param requireCleanPass when true (the default), every table must have had a clean live
 *     verification pass (verify section) since the migration streams, and the mismatch ratio must
 *     be within {@code maxMismatchRatio}
 * @param maxMismatchRatio rows found different in the latest pass of each table over rows
 *     compared, 0 to 1; default 0
 * @param maxQuarantinedRows rows in quarantine that a cutover accepts; default 0
 * @param maxSinkErrorsPerMinute failed apply attempts (retried or not) in the last minute that a
 *     cutover accepts; default 0
 * @param window the times of day a cutover may start in, or null for any time
 */
public record GateSettings(long maxLagBytes, long maxLagMs, int holdSeconds, boolean requireCleanPass,
    double maxMismatchRatio, long maxQuarantinedRows, int maxSinkErrorsPerMinute, CutoverWindow window) {
  /** The defaults. */
  public static final GateSettings DEFAULTS = new GateSettings(16L * 1024 * 1024, 2000, 30, true, 0, 0, 0, null);

  @JsonCreator
  static GateSettings fromYaml(
      @SpecDoc(value = "The most WAL the forward slot may hold unconfirmed, in bytes.", defaultValue = "16777216")
      @JsonProperty("maxLagBytes") Long maxLagBytes,
      @SpecDoc(value = "The most end-to-end apply lag (source commit to target commit), in ms.", defaultValue = "2000")
      @JsonProperty("maxLagMs") Long maxLagMs,
      @SpecDoc(value = "How long both lags must have stayed under their limits without a break, in seconds; 0 to 3600.",
          defaultValue = "30") @JsonProperty("holdSeconds") Integer holdSeconds,
      @SpecDoc(value = "Every table must have passed live verification clean, within maxMismatchRatio.",
          defaultValue = "true") @JsonProperty("requireCleanPass") Boolean requireCleanPass,
      @SpecDoc(value = "Rows found different over rows compared that a cutover accepts; 0 to 1.", defaultValue = "0")
      @JsonProperty("maxMismatchRatio") Double maxMismatchRatio,
      @SpecDoc(value = "Rows in quarantine that a cutover accepts.", defaultValue = "0")
      @JsonProperty("maxQuarantinedRows") Long maxQuarantinedRows,
      @SpecDoc(value = "Failed apply attempts in the last minute that a cutover accepts.", defaultValue = "0")
      @JsonProperty("maxSinkErrorsPerMinute") Integer maxSinkErrorsPerMinute,
      @SpecDoc("The times of day a cutover may start in; any time when absent.") @JsonProperty("window") CutoverWindow window) {
    return new GateSettings(
        maxLagBytes == null ? DEFAULTS.maxLagBytes : maxLagBytes,
        maxLagMs == null ? DEFAULTS.maxLagMs : maxLagMs,
        holdSeconds == null ? DEFAULTS.holdSeconds : holdSeconds,
        requireCleanPass == null ? DEFAULTS.requireCleanPass : requireCleanPass,
        maxMismatchRatio == null ? DEFAULTS.maxMismatchRatio : maxMismatchRatio,
        maxQuarantinedRows == null ? DEFAULTS.maxQuarantinedRows : maxQuarantinedRows,
        maxSinkErrorsPerMinute == null ? DEFAULTS.maxSinkErrorsPerMinute : maxSinkErrorsPerMinute,
        window);
  }

  public GateSettings {
    if (maxLagBytes < 0) {
      throw new SpecException("maxLagBytes", "cutover.gates.maxLagBytes must be 0 or more, was " + maxLagBytes);
    }
    if (maxLagMs < 0) {
      throw new SpecException("maxLagMs", "cutover.gates.maxLagMs must be 0 or more, was " + maxLagMs);
    }
    if (holdSeconds < 0 || holdSeconds > 3600) {
      throw new SpecException("holdSeconds", "cutover.gates.holdSeconds must be between 0 and 3600, was " + holdSeconds);
    }
    if (!(maxMismatchRatio >= 0 && maxMismatchRatio <= 1)) {
      throw new SpecException("maxMismatchRatio", "cutover.gates.maxMismatchRatio must be between 0 and 1, was " + maxMismatchRatio);
    }
    if (maxQuarantinedRows < 0) {
      throw new SpecException("maxQuarantinedRows", "cutover.gates.maxQuarantinedRows must be 0 or more, was " + maxQuarantinedRows);
    }
    if (maxSinkErrorsPerMinute < 0) {
      throw new SpecException("maxSinkErrorsPerMinute",
          "cutover.gates.maxSinkErrorsPerMinute must be 0 or more, was " + maxSinkErrorsPerMinute);
    }
  }
}
