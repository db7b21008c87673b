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
 */
public record CutoverSettings(long maxWritePauseMs, long drainTimeoutMs) {
  /** The defaults. */
  public static final CutoverSettings DEFAULTS = new CutoverSettings(5000, 60000);

  @JsonCreator
  static CutoverSettings fromYaml(
      @SpecDoc(value = "Hard deadline of a cutover or rollback write pause, in ms; 100 to 60000. Past it the switch is"
          + " aborted and traffic resumes on the side that is safe.", defaultValue = "5000")
      @JsonProperty("maxWritePauseMs") Long maxWritePauseMs,
      @SpecDoc(value = "How long to wait for the pipeline to drain before a switch may pause writes, in ms; at least"
          + " 1000.", defaultValue = "60000") @JsonProperty("drainTimeoutMs") Long drainTimeoutMs) {
    return new CutoverSettings(
        maxWritePauseMs == null ? DEFAULTS.maxWritePauseMs : maxWritePauseMs,
        drainTimeoutMs == null ? DEFAULTS.drainTimeoutMs : drainTimeoutMs);
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
