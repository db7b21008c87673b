package io.baton.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import io.baton.pg.ColumnInfo;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotChunkTest {
  private static final TableInfo ORDERS = new TableInfo(TableName.parse("public.orders"),
      List.of(new ColumnInfo("region", "text", true, null, "", null), new ColumnInfo("id", "bigint", true, null, "", null),
          new ColumnInfo("note", "text", false, null, "", null)),
      List.of("region", "id"), 'd');

  @Test
  void shouldBoundAKeyRangeAsARowInKeyOrder() {
    SnapshotChunk c = new SnapshotChunk(1, SnapshotChunk.Kind.KEY_RANGE, List.of("eu", "10"), List.of("us's", "5"));
    assertThat(c.predicate(ORDERS)).isEqualTo(
        "ROW(\"region\", \"id\") >= ROW('eu'::text, '10'::bigint) AND ROW(\"region\", \"id\") < ROW('us''s'::text, '5'::bigint)");
  }

  @Test
  void shouldLeaveTheFirstAndLastChunksOpen() {
    assertThat(new SnapshotChunk(0, SnapshotChunk.Kind.KEY_RANGE, null, List.of("eu", "1")).predicate(ORDERS))
        .isEqualTo("ROW(\"region\", \"id\") < ROW('eu'::text, '1'::bigint)");
    assertThat(new SnapshotChunk(3, SnapshotChunk.Kind.PAGE_RANGE, List.of("128"), null).predicate(ORDERS))
        .isEqualTo("ctid >= '(128,0)'::tid");
    assertThat(SnapshotChunk.wholeTable().predicate(ORDERS)).isEqualTo("true");
  }

  @Test
  void shouldBoundPageRangesByBlock() {
    assertThat(new SnapshotChunk(1, SnapshotChunk.Kind.PAGE_RANGE, List.of("64"), List.of("128")).predicate(ORDERS))
        .isEqualTo("ctid >= '(64,0)'::tid AND ctid < '(128,0)'::tid");
  }

  @Test
  void shouldRefuseBoundsThatDoNotFitTheKey() {
    SnapshotChunk c = new SnapshotChunk(2, SnapshotChunk.Kind.KEY_RANGE, List.of("eu"), null);
    assertThatThrownBy(() -> c.predicate(ORDERS)).isInstanceOf(BatonException.class)
        .hasMessageContaining("snapshot chunk 2 of public.orders has 1 bound values but the primary key has 2 columns");
  }
}
