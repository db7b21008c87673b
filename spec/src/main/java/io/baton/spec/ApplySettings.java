package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Stream apply settings (spec section {@code apply}).
 *
 * @param threads how many threads apply changes to the target, each on its own connection and in
 *     its own transactions; default 4, between 1 and 64. The tables' change topics are dealt out to
 *     them, so no more threads run than there are tables, and the changes of one table stay in one
 *     thread, in source commit order. Each connection counts against the target's
 *     {@code max_connections}.
 */
public record ApplySettings(int threads) {
  /** The defaults. */
  public static final ApplySettings DEFAULTS = new ApplySettings(4);

  @JsonCreator
  static ApplySettings fromYaml(
      @SpecDoc(value = "Threads applying the stream to the target, each on its own connection; 1 to 64. Tables are dealt"
          + " out to them, so at most one per table.", defaultValue = "4") @JsonProperty("threads") Integer threads) {
    return new ApplySettings(threads == null ? DEFAULTS.threads : threads);
  }

  public ApplySettings {
    if (threads < 1 || threads > 64) {
      throw new SpecException("threads", "apply.threads must be between 1 and 64, was " + threads);
    }
  }
}
