package io.baton.spec;

import io.baton.event.Rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.event.ChangeEvent;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowTransformTest {
  private final TableMapping mapping = new TableMapping(TableName.parse("public.pgbench_accounts"), TableName.parse("public.accounts"),
      Map.of("abalance", new ColumnRule("balance", false), "filler", new ColumnRule(null, true)));
  private final RowTransform t = mapping.transform();


  @Test
  void shouldRenameAndDropKeepingOrderAndNulls() {
    Map<String, String> out = t.apply(Rows.of("aid", "1", "bid", null, "abalance", "-5", "filler", "x"));
    assertThat(out).containsExactly(entry("aid", "1"), entry("bid", null), entry("balance", "-5"));
  }

  private static io.baton.pg.TableInfo accounts() {
    return new io.baton.pg.TableInfo(TableName.parse("public.pgbench_accounts"), List.of(
        new io.baton.pg.ColumnInfo("aid", "integer", true, null, "", null),
        new io.baton.pg.ColumnInfo("bid", "integer", false, null, "", null),
        new io.baton.pg.ColumnInfo("abalance", "integer", false, null, "", null),
        new io.baton.pg.ColumnInfo("filler", "character(84)", false, null, "", null)), List.of("aid"), 'd');
  }

  private static Map.Entry<String, String> entry(String k, String v) {
    return new java.util.AbstractMap.SimpleEntry<>(k, v);
  }

  @Test
  void shouldMapPartialRowsWithoutInventingColumns() {
    assertThat(t.apply(Rows.of("aid", "7"))).containsExactly(entry("aid", "7"));
    assertThat(t.apply((Map<String, String>) null)).isNull();
  }

  @Test
  void shouldListTargetColumnsInSourceOrder() {
    assertThat(t.targetColumns(List.of("aid", "bid", "abalance", "filler"))).containsExactly("aid", "bid", "balance");
  }

  @Test
  void shouldTransformEventTableKeyAndImages() {
    ChangeEvent e = new ChangeEvent(ChangeEvent.Op.UPDATE, TableName.parse("pgbench_accounts"), Rows.of("aid", "3"),
        Rows.of("aid", "3"), Rows.of("aid", "3", "abalance", "10", "filler", "f"), Lsn.parse("0/10"), 42);
    ChangeEvent out = t.apply(e);
    assertThat(out.table()).isEqualTo(TableName.parse("public.accounts"));
    assertThat(out.after()).containsExactly(entry("aid", "3"), entry("balance", "10"));
    assertThat(out.lsn()).isEqualTo(e.lsn());
    assertThat(out.commitTimeMs()).isEqualTo(42);
  }

  @Test
  void shouldInvertRenamesSoThatARoundTripRestoresTheRow() {
    RowTransform back = t.inverse(accounts()).transform();
    assertThat(back.targetTable()).isEqualTo(TableName.parse("pgbench_accounts"));
    Map<String, String> src = Rows.of("aid", "1", "abalance", "9");
    assertThat(back.apply(t.apply(src))).isEqualTo(src);
    assertThat(t.droppedColumns()).containsExactly("filler");
  }
}
