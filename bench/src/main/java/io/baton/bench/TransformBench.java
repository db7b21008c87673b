package io.baton.bench;

import io.baton.pg.ColumnInfo;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.spec.RowTransform;
import io.baton.spec.SpecLoader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The row transform's cost per row, side by side in one JVM: the same order row through a spec that
 * only renames, one that casts a day-first date and rescales a numeric, and one that adds a CEL
 * filter, a CEL rule on the row and a CEL derived column. The bulk copy and the reconciler pay this
 * per row (the stream pays it too, besides Kafka); rates are per core.
 */
final class TransformBench {
  private static final TableInfo ORDERS = new TableInfo(TableName.parse("public.orders"), List.of(
      new ColumnInfo("id", "integer", true, null, "", null), new ColumnInfo("status", "text", false, null, "", null),
      new ColumnInfo("price", "numeric(8,2)", false, null, "", null), new ColumnInfo("qty", "integer", false, null, "", null),
      new ColumnInfo("placed", "text", false, null, "", null)), List.of("id"), 'd');
  private static final String[] ROW = {"1", "new", "12.34", "3", "10/12/2015"};
  private static final String HEAD = "name: bench\ntables:\n  - source: public.orders\n    columns:\n";
  private static final Map<String, String> SPECS = new LinkedHashMap<>();

  static {
    SPECS.put("rename", HEAD + "      status: { rename: state }\n");
    SPECS.put("casts", HEAD + "      placed: { cast: { to: date, format: dd/MM/yyyy } }\n"
        + "      price: { cast: { to: \"numeric(10,1)\", rounding: HALF_EVEN } }\n");
    SPECS.put("casts_and_cel", SPECS.get("casts") + "    filter: \"row.status != 'test'\"\n"
        + "    derive:\n      total: { cel: \"row.price * double(row.qty)\", type: \"numeric(12,2)\", rounding: HALF_UP }\n"
        + "    validate:\n      - { cel: \"row.qty > 0 || row.status == 'refund'\" }\n");
  }

  private TransformBench() {}

  /**
   * @param seconds how long each spec runs per round
   * @param rounds rounds, the specs taking turns in each (the last round's rates are reported)
   * @return {@code rows_per_second} per spec, and each spec's cost relative to {@code rename}
   */
  static Map<String, Object> run(int seconds, int rounds) {
    Map<String, RowTransform.Compiled> compiled = new LinkedHashMap<>();
    SPECS.forEach((name, yaml) -> compiled.put(name,
        new SpecLoader().parse(yaml, name + ".yaml").tables().get(0).transform(ORDERS).compile(ORDERS.columnNames())));
    Map<String, Double> rates = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      compiled.forEach((name, t) -> rates.put(name, rate(t, seconds)));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> perSecond = new LinkedHashMap<>();
    Map<String, Object> slower = new LinkedHashMap<>();
    rates.forEach((name, r) -> {
      perSecond.put(name, Math.round(r));
      slower.put(name, Math.round(rates.get("rename") / r * 100) / 100.0);
    });
    out.put("rows_per_second", perSecond);
    out.put("time_per_row_relative_to_rename", slower);
    out.put("note", "one core, one thread; the same row each time");
    return out;
  }

  private static double rate(RowTransform.Compiled t, int seconds) {
    long n = 0;
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 1000; i++) {
        t.apply(ROW);
      }
      n += 1000;
    }
    return n * 1e9 / (System.nanoTime() - start);
  }
}
