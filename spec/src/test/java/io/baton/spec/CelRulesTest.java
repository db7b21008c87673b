package io.baton.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.event.ChangeEvent;
import io.baton.event.Rows;
import io.baton.pg.ColumnInfo;
import io.baton.pg.Lsn;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.spec.cel.CelExpression;
import io.baton.spec.cel.CelValues;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CelRulesTest {
  private static final TableName ORDERS = TableName.parse("public.orders");
  private static final TableInfo INFO = new TableInfo(ORDERS, List.of(
      new ColumnInfo("id", "integer", true, null, "", null),
      new ColumnInfo("status", "text", false, null, "", null),
      new ColumnInfo("amount", "numeric(10,2)", false, null, "", null),
      new ColumnInfo("qty", "integer", false, null, "", null),
      new ColumnInfo("first_name", "text", false, null, "", null),
      new ColumnInfo("last_name", "text", false, null, "", null),
      new ColumnInfo("paid", "boolean", false, null, "", null),
      new ColumnInfo("placed", "text", false, null, "", null)), List.of("id"), 'd');
  private final MigrationSpec spec = new SpecLoader().parse("""
      name: orders
      tables:
        - source: public.orders
          filter: "row.status != 'test'"
          onInvalid: quarantine
          columns:
            first_name: { drop: true }
            placed: { cast: { to: date, format: dd/MM/yyyy } }
          derive:
            full_name: { cel: "row.first_name + ' ' + row.last_name" }
            total: { cel: "row.amount * double(row.qty)", type: "numeric(12,2)", rounding: HALF_EVEN }
            third: { cel: "row.amount / 3.0", type: double precision }
            big: { cel: "row.qty >= 5 && row.paid", type: boolean }
            placed_year: { cel: "int(row.placed.substring(0, 4))", type: smallint }
          validate:
            - { cel: "row.qty > 0 || row.status == 'refund'" }
            - { column: amount, cel: "value < 10000" }
      """, "orders.yaml");
  private final RowTransform t = spec.tables().get(0).transform(INFO);
  private final List<String> columns = INFO.columnNames();

  private static String[] row(String status, String amount, String qty) {
    return new String[] {"1", status, amount, qty, "Ada", "Lovelace", "t", "10/12/2015"};
  }

  private ChangeEvent change(ChangeEvent.Op op, String status, String qty) {
    String[] v = row(status, "12.50", qty);
    Map<String, String> after = new java.util.LinkedHashMap<>();
    for (int i = 0; i < v.length; i++) {
      after.put(columns.get(i), v[i]);
    }
    return new ChangeEvent(op, ORDERS, Rows.of("id", "1"), null, after, new Lsn(0x2A), 0, null, 7L);
  }

  @Test
  void shouldDeriveColumnsFromTheRowAfterItsOperations() {
    RowTransform.Compiled compiled = t.compile(columns);
    assertThat(compiled.targetColumns()).containsExactly("id", "status", "amount", "qty", "last_name", "paid", "placed",
        "full_name", "total", "third", "big", "placed_year");
    assertThat(compiled.apply(row("new", "12.50", "7"))).containsExactly("1", "new", "12.50", "7", "Lovelace", "t",
        "2015-12-10", "Ada Lovelace", "87.50", "4.166666666666667", "true", "2015");
    assertThat(t.apply(change(ChangeEvent.Op.CREATE, "new", "7")).after())
        .as("the stream computes what the bulk copy computes")
        .containsEntry("full_name", "Ada Lovelace").containsEntry("total", "87.50").containsEntry("third", "4.166666666666667")
        .containsEntry("big", "true").containsEntry("placed_year", "2015").doesNotContainKey("first_name");
    assertThat(t.derivedType("total")).isEqualTo("numeric(12,2)");
    assertThat(t.derivedType("full_name")).isEqualTo("text");
    assertThat(t.derivedConstraint("full_name")).isEmpty();
  }

  @Test
  void shouldLeaveOutRowsTheFilterDoesNotKeepAndDeleteThoseAnUpdateTakesOut() {
    assertThat(t.compile(columns).apply(row("test", "1.00", "1"))).isNull();
    ChangeEvent out = t.apply(change(ChangeEvent.Op.UPDATE, "test", "1"));
    assertThat(out.op()).isEqualTo(ChangeEvent.Op.DELETE);
    assertThat(out.key()).isEqualTo(Map.of("id", "1"));
    assertThat(t.needsRowByRow()).isTrue();
    ChangeEvent marker = new ChangeEvent(ChangeEvent.Op.MARKER, ORDERS, null, null, Rows.of("marker", "m1"), new Lsn(0x2C), 0,
        null, 9L);
    assertThat(t.apply(marker).after()).as("a drain marker passes every rule untouched").isEqualTo(Map.of("marker", "m1"));
  }

  @Test
  void shouldRejectRowsThatBreakACelRuleNamingTheRule() {
    assertThatThrownBy(() -> t.compile(columns).apply(row("new", "1.00", "0"))).isInstanceOf(RowRejected.class)
        .hasMessage("table public.orders column (row): the row breaks a validation rule"
            + " (validate cel 'row.qty > 0 || row.status == 'refund'')");
    assertThat(t.compile(columns).apply(row("refund", "1.00", "0"))).isNotNull();
    assertThatThrownBy(() -> t.apply(change(ChangeEvent.Op.CREATE, "new", "0"))).isInstanceOf(RowRejected.class);
    assertThatThrownBy(() -> t.compile(columns).apply(row("new", "10000.00", "1")))
        .hasMessage("table public.orders column amount: '10000.00' breaks a validation rule (validate cel 'value < 10000')");
    assertThat(t.celRejections(Map.of("id", "1", "status", "new", "amount", "10000.00", "qty", "0", "first_name", "A",
        "last_name", "B", "paid", "f", "placed", "2015-12-10"))).extracting(RowRejected::column)
        .as("a dry run tries every rule on its own").containsExactly("(row)", "amount");
  }

  @Test
  void shouldRejectARowAnExpressionCannotBeEvaluatedOn() {
    assertThatThrownBy(() -> t.compile(columns).apply(row("new", "9999.99", "2000000000")))
        .as("2e9 * 9999.99 does not fit numeric(12,2)").isInstanceOf(RowRejected.class)
        .hasMessageContaining("column total").hasMessageContaining("digits before the point");
    ChangeEvent partial = new ChangeEvent(ChangeEvent.Op.UPDATE, ORDERS, Rows.of("id", "1"), null,
        Rows.of("id", "1", "status", "new", "amount", "1.00", "qty", "1", "paid", "t", "placed", "01/01/2020"), new Lsn(0x2B),
        0, null, 8L);
    assertThatThrownBy(() -> t.apply(partial)).isInstanceOf(RowRejected.class)
        .hasMessageContaining("the change does not carry column(s) first_name, last_name").hasMessageContaining("REPLICA IDENTITY FULL");
  }

  @Test
  void shouldRefuseToEvaluateWithoutTheCatalogsTypes() {
    assertThatThrownBy(() -> spec.tables().get(0).transform().compile(columns).apply(row("new", "1.00", "1")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("need the source catalog's column types");
  }

  @Test
  void shouldTypeValuesFromTheirColumnsAndCompareNumbersAcrossTypes() {
    assertThat(CelValues.of("42", "integer")).isEqualTo(42L);
    assertThat(CelValues.of("4.50", "numeric(10,2)")).isEqualTo(4.5);
    assertThat(CelValues.of("t", "boolean")).isEqualTo(true);
    assertThat(CelValues.of("2024-03-01", "date")).isEqualTo("2024-03-01");
    assertThat(CelValues.of("007", "text")).isEqualTo("007");
    assertThat(CelValues.of(null, "integer")).isEqualTo(dev.cel.common.values.NullValue.NULL_VALUE);
    CelExpression e = CelExpression.compile("row.a > 1 && row.b > 1.5 && row.c == null", "cel", CelExpression.Result.CONDITION);
    assertThat(e.test(Map.of("a", 2L, "b", 2L, "c", dev.cel.common.values.NullValue.NULL_VALUE), null)).isTrue();
    assertThat(e.columns()).containsExactly("a", "b", "c");
    assertThat(CelExpression.compile("row['a b'] == 1 && has(row.c)", "cel", CelExpression.Result.CONDITION).columns())
        .containsExactly("a b", "c");
    assertThat(CelExpression.compile("size(row) > 1", "cel", CelExpression.Result.CONDITION).readsWholeRow()).isTrue();
  }

  @Test
  void shouldPrintDoublesAsPostgresqlPrintsFloat8() {
    // SELECT x::float8 on PostgreSQL 15 for each x
    assertThat(CelValues.float8(100.0)).isEqualTo("100");
    assertThat(CelValues.float8(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(CelValues.float8(1e15)).isEqualTo("1e+15");
    assertThat(CelValues.float8(123456789012345.0)).isEqualTo("123456789012345");
    assertThat(CelValues.float8(0.0001)).isEqualTo("0.0001");
    assertThat(CelValues.float8(0.00001)).isEqualTo("1e-05");
    assertThat(CelValues.float8(-1.5e-300)).isEqualTo("-1.5e-300");
    assertThat(CelValues.float8(-0.0)).isEqualTo("-0");
    assertThat(CelValues.float8(Double.NaN)).isEqualTo("NaN");
    assertThat(CelValues.float8(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
  }

  @Test
  void shouldReportAMalformedExpressionWhereTheSpecHasIt() {
    assertThatThrownBy(() -> new SpecLoader().parse("""
        name: orders
        tables:
          - source: public.orders
            filter: "row.status = 'test'"
        """, "orders.yaml")).isInstanceOf(SpecException.class)
        .hasMessageContaining("orders.yaml").hasMessageContaining("tables[0].filter")
        .hasMessageContaining("not a valid CEL expression");
    assertThatThrownBy(() -> new SpecLoader().parse("""
        name: orders
        tables:
          - source: public.orders
            filter: "row.status + 'x'"
        """, "orders.yaml")).hasMessageContaining("must be a condition (bool)");
  }
}
