package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Live verification settings (spec section {@code verify}): how {@code baton run} keeps comparing
 * spec(source) with the target while the migration streams.
 *
 * @param continuous when true (the default), passes over every table run back to back for as long
 *     as the migration streams; when false, only on demand
 * @param chunkMegabytes the source heap one compared chunk covers, in MiB; default 16, between 1 and
 *     1024. Each chunk holds its table's apply for one trip of a drain marker through the pipeline
 *     (not while it is read), so smaller chunks mean more holds and round trips, larger ones longer
 *     snapshots kept open on both databases.
 * @param rechecks how often a chunk found different is compared again, under a newer snapshot,
 *     before the difference is reported; default 3, between 0 and 10
 * @param rowsPerSecond the most source rows compared per second, to spare both databases; default
 *     200000, 0 for no limit
 * @param backOffLagMs while the pipeline's apply lag is above this many milliseconds, no new chunk
 *     is compared, so that verification never makes a lagging migration lag more; default 5000, 0
 *     never to back off
 */
public record VerifySettings(boolean continuous, int chunkMegabytes, int rechecks, long rowsPerSecond, long backOffLagMs) {
  /** The defaults. */
  public static final VerifySettings DEFAULTS = new VerifySettings(true, 16, 3, 200_000, 5_000);

  @JsonCreator
  static VerifySettings fromYaml(
      @SpecDoc(value = "baton run verifies live, pass after pass, while it streams.", defaultValue = "true")
      @JsonProperty("continuous") Boolean continuous,
      @SpecDoc(value = "Source heap per compared chunk, in MiB; 1 to 1024. Each chunk holds its table's apply for"
          + " one trip of a drain marker through the pipeline.", defaultValue = "16") @JsonProperty("chunkMegabytes") Integer chunkMegabytes,
      @SpecDoc(value = "How often a chunk found different is compared again, under a newer snapshot, before it is"
          + " reported; 0 to 10.", defaultValue = "3") @JsonProperty("rechecks") Integer rechecks,
      @SpecDoc(value = "The most source rows compared per second; 0 for no limit.", defaultValue = "200000")
      @JsonProperty("rowsPerSecond") Long rowsPerSecond,
      @SpecDoc(value = "No new chunk is compared while the apply lag is above this many milliseconds; 0 never to wait.",
          defaultValue = "5000") @JsonProperty("backOffLagMs") Long backOffLagMs) {
    return new VerifySettings(
        continuous == null ? DEFAULTS.continuous : continuous,
        chunkMegabytes == null ? DEFAULTS.chunkMegabytes : chunkMegabytes,
        rechecks == null ? DEFAULTS.rechecks : rechecks,
        rowsPerSecond == null ? DEFAULTS.rowsPerSecond : rowsPerSecond,
        backOffLagMs == null ? DEFAULTS.backOffLagMs : backOffLagMs);
  }

  public VerifySettings {
    if (chunkMegabytes < 1 || chunkMegabytes > 1024) {
      throw new SpecException("chunkMegabytes", "verify.chunkMegabytes must be between 1 and 1024, was " + chunkMegabytes);
    }
    if (rechecks < 0 || rechecks > 10) {
      throw new SpecException("rechecks", "verify.rechecks must be between 0 and 10, was " + rechecks);
    }
    if (rowsPerSecond < 0) {
      throw new SpecException("rowsPerSecond", "verify.rowsPerSecond must be 0 (no limit) or more, was " + rowsPerSecond);
    }
    if (backOffLagMs < 0) {
      throw new SpecException("backOffLagMs", "verify.backOffLagMs must be 0 (never) or more, was " + backOffLagMs);
    }
  }

  /** @return {@link #chunkMegabytes()} in bytes */
  public long chunkBytes() {
    return chunkMegabytes * 1024L * 1024L;
  }
}
