package io.baton.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.pg.ColumnInfo;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchemaDriftTest {
  private static final TableName T = new TableName("public", "accounts");

  @Test
  void shouldPassARowWithTheCatalogsColumns() {
    SchemaDrift.check(T, Set.of("id", "owner"), Map.of("owner", "a", "id", "1"), "LSN 0/1");
    SchemaDrift.check(T, Set.of("id", "owner"), Map.of("id", "1"), "LSN 0/1 (without a TOASTed value, or before a column)");
  }

  @Test
  void shouldNameAddedColumnsAndWhereInTheStreamAndDroppedOnesInTheCatalog() {
    Map<String, String> row = new LinkedHashMap<>();
    row.put("id", "1");
    row.put("email", "e");
    assertThatThrownBy(() -> SchemaDrift.check(T, Set.of("id", "owner"), row, "LSN 0/16B3748"))
        .isInstanceOfSatisfying(SchemaDrift.class, d -> {
          assertThat(d.added()).containsExactly("email");
          assertThat(d.dropped()).isEmpty();
          assertThat(d.onlyAdded()).isTrue();
          assertThat(d.isRetriable()).isFalse();
        })
        .hasMessageContaining("schema drift on source table public.accounts at LSN 0/16B3748: column(s) \"email\" added"
            + " on the source after the migration started")
        .hasMessageContaining("nothing from this change on is applied");
    TableInfo was = new TableInfo(T, List.of(col("id", "bigint"), col("owner", "text")), List.of("id"), 'd', null);
    TableInfo now = new TableInfo(T, List.of(col("id", "bigint"), col("email", "text")), List.of("id"), 'd', null);
    SchemaDrift both = SchemaDrift.between(was, now);
    assertThat(both).hasMessageContaining("column(s) \"email\" added and column(s) \"owner\" dropped");
    assertThat(both.onlyAdded()).isFalse();
    assertThat(SchemaDrift.in(new RuntimeException(new io.baton.BatonException("wrapped", both)))).isSameAs(both);
  }

  @Test
  void shouldFindARetypedColumnInTheCatalog() {
    TableInfo was = new TableInfo(T, List.of(col("id", "bigint"), col("balance", "integer")), List.of("id"), 'd', null);
    TableInfo now = new TableInfo(T, List.of(col("id", "bigint"), col("balance", "numeric(12,2)")), List.of("id"), 'd', null);
    assertThat(SchemaDrift.between(was, was)).isNull();
    assertThat(SchemaDrift.between(was, now)).hasMessageContaining(
        "column \"balance\" changed type from integer to numeric(12,2)");
    TableInfo wider = new TableInfo(T, List.of(col("id", "bigint"), col("balance", "integer"), col("note", "text")),
        List.of("id"), 'd', null);
    assertThat(SchemaDrift.between(was, wider).added()).containsExactly("note");
  }

  private static ColumnInfo col(String name, String type) {
    return new ColumnInfo(name, type, false, null, null, null);
  }
}
