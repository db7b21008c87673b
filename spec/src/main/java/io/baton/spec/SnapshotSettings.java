package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Bulk snapshot settings (spec section {@code snapshot}).
 *
 * @param parallelism how many chunks are copied at once, each on its own source and target
 *     connection; default 4, between 1 and 64. Each connection counts against the servers'
 *     {@code max_connections}.
 * @param chunkMegabytes the size a chunk aims at, in MiB of the source table's heap
 *     ({@code pg_relation_size}), default 64, between 1 and 65536: a table of 640 MiB is copied in
 *     about ten chunks. A chunk is the unit of parallelism and of resumption: after a crash only
 *     chunks that did not commit are copied again.
 */
public record SnapshotSettings(int parallelism, int chunkMegabytes) {
  /** The defaults. */
  public static final SnapshotSettings DEFAULTS = new SnapshotSettings(4, 64);

  @JsonCreator
  static SnapshotSettings fromYaml(
      @SpecDoc(value = "Chunks copied at once, each on its own source and target connection; 1 to 64.", defaultValue = "4")
      @JsonProperty("parallelism") Integer parallelism,
      @SpecDoc(value = "The size a chunk aims at, in MiB of the source table's heap; 1 to 65536. A chunk is the unit of"
          + " parallelism and of resumption.", defaultValue = "64") @JsonProperty("chunkMegabytes") Integer chunkMegabytes) {
    return new SnapshotSettings(
        parallelism == null ? DEFAULTS.parallelism : parallelism,
        chunkMegabytes == null ? DEFAULTS.chunkMegabytes : chunkMegabytes);
  }

  public SnapshotSettings {
    if (parallelism < 1 || parallelism > 64) {
      throw new SpecException("parallelism", "snapshot.parallelism must be between 1 and 64, was " + parallelism);
    }
    if (chunkMegabytes < 1 || chunkMegabytes > 65536) {
      throw new SpecException("chunkMegabytes", "snapshot.chunkMegabytes must be between 1 and 65536, was " + chunkMegabytes);
    }
  }

  /** @return {@link #chunkMegabytes()} in bytes */
  public long chunkBytes() {
    return chunkMegabytes * 1024L * 1024L;
  }
}
