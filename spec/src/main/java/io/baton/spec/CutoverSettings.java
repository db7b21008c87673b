package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Cutover and rollback settings (spec section {@code cutover}).
 *
 * @param maxWritePauseMs hard deadline for a write pause in milliseconds, default 5000: past it
 *     the cutover is aborted and traffic resumes on the side that is safe
 * @param drainTimeoutMs how long to wait for the pipeline to apply everything up to the frozen
 *     LSN before a cutover may start its pause, default 60000
 * @param finalVerification whether each switch exports a snapshot of both sides at the freeze and
 *     compares them after RESUME (every table's count and checksum), default true
 * @param gates what a cutover waits for, never null
 * @param router how {@code baton run} moves traffic, or null when it has no router (it then
 *     streams and verifies, and refuses to cut over)
 */
public record CutoverSettings(long maxWritePauseMs, long drainTimeoutMs, boolean finalVerification, GateSettings gates,
    RouterSettings router) {
  /** The defaults. */
  public static final CutoverSettings DEFAULTS = new CutoverSettings(5000, 60000, true, GateSettings.DEFAULTS, null);

  @JsonCreator
  static CutoverSettings fromYaml(
      @SpecDoc(value = "Hard deadline of a cutover or rollback write pause, in ms; 100 to 60000. Past it the switch is"
          + " aborted and traffic resumes on the side that is safe.", defaultValue = "5000")
      @JsonProperty("maxWritePauseMs") Long maxWritePauseMs,
      @SpecDoc(value = "How long to wait for the pipeline to drain before a switch may pause writes, in ms; at least"
          + " 1000.", defaultValue = "60000") @JsonProperty("drainTimeoutMs") Long drainTimeoutMs,
      @SpecDoc(value = "Whether each cutover and rollback exports a snapshot of both databases at the freeze (inside the"
          + " pause, one short query each) and compares every table's row count and checksum after RESUME. A"
          + " difference after a cutover is an automatic rollback trigger. Turn it off only for databases so large"
          + " that holding both snapshots for a full comparison would bloat them.", defaultValue = "true")
      @JsonProperty("finalVerification") Boolean finalVerification,
      @SpecDoc("The conditions a cutover waits for; every one must pass when the write pause would begin.")
      @JsonProperty("gates") GateSettings gates,
      @SpecDoc("How baton run moves client traffic; without it, baton run streams and verifies but does not cut over.")
      @JsonProperty("router") RouterSettings router) {
    return new CutoverSettings(
        maxWritePauseMs == null ? DEFAULTS.maxWritePauseMs : maxWritePauseMs,
        drainTimeoutMs == null ? DEFAULTS.drainTimeoutMs : drainTimeoutMs,
        finalVerification == null ? DEFAULTS.finalVerification : finalVerification,
        gates == null ? GateSettings.DEFAULTS : gates,
        router);
  }

  public CutoverSettings {
    if (maxWritePauseMs < 100 || maxWritePauseMs > 60000) {
      throw new SpecException("maxWritePauseMs", "cutover.maxWritePauseMs must be between 100 and 60000, was " + maxWritePauseMs);
    }
    if (drainTimeoutMs < 1000) {
      throw new SpecException("drainTimeoutMs", "cutover.drainTimeoutMs must be at least 1000, was " + drainTimeoutMs);
    }
  }
}
