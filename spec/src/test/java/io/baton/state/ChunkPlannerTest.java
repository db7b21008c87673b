package io.baton.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkPlannerTest {
  @Test
  void shouldCoverEveryBlockWithOpenEnds() {
    List<SnapshotChunk> chunks = ChunkPlanner.pageRanges(4, 10);
    assertThat(chunks).extracting(SnapshotChunk::lower).containsExactly(null, List.of("3"), List.of("6"), List.of("9"));
    assertThat(chunks).extracting(SnapshotChunk::upper).containsExactly(List.of("3"), List.of("6"), List.of("9"), null);
    assertThat(chunks).extracting(SnapshotChunk::index).containsExactly(0, 1, 2, 3);
  }

  @Test
  void shouldNotPlanEmptyChunksForATinyHeap() {
    assertThat(ChunkPlanner.pageRanges(8, 2)).hasSize(2);
    assertThat(ChunkPlanner.pageRanges(8, 1)).containsExactly(SnapshotChunk.wholeTable());
  }
}
