package io.baton.reconciler;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON form of one table's reconcile result, the same in every command's output: {@code source},
 * {@code target}, {@code source_rows}, {@code target_rows}, {@code source_checksum},
 * {@code target_checksum}, {@code equal}, {@code mismatched_rows}, {@code millis},
 * {@code differences}: {@code [{"kind", "key": {column: value}, "columns": [{"column", "source",
 * "target"}]}]} ({@code kind} one of {@link RowDifference.Kind}'s names), {@code checks}: the
 * declared checks, {@code [{"name", "passed", "compared", "differing", "details": [text]}]}, and
 * {@code passed}: equal and every check passed.
 */
public final class ComparisonJson {
  private ComparisonJson() {}

  /**
   * @param n the object to fill
   * @param t the result
   */
  public static void put(ObjectNode n, TableComparison t) {
    n.put("source", t.source());
    n.put("target", t.target());
    n.put("source_rows", t.sourceRows());
    n.put("target_rows", t.targetRows());
    n.put("source_checksum", t.sourceChecksum());
    n.put("target_checksum", t.targetChecksum());
    n.put("equal", t.equal());
    n.put("mismatched_rows", t.mismatchedRows());
    n.put("millis", t.millis());
    putDifferences(n.putArray("differences"), t.differences());
    ArrayNode checks = n.putArray("checks");
    for (CheckResult k : t.checks()) {
      ObjectNode kn = checks.addObject().put("name", k.name()).put("passed", k.passed()).put("compared", k.compared())
          .put("differing", k.differing());
      k.details().forEach(kn.putArray("details")::add);
    }
    n.put("passed", t.passed());
  }

  /**
   * Writes one foreign key's referential check: {@code constraint}, {@code child}, {@code parent},
   * {@code orphan_rows}, {@code columns} and {@code sample} (keys of orphan rows).
   *
   * @param n the object to fill
   * @param k the check's result
   */
  public static void putForeignKey(ObjectNode n, ReferentialCheck.ForeignKey k) {
    n.put("constraint", k.constraint()).put("child", k.child().toString()).put("parent", k.parent().toString())
        .put("orphan_rows", k.rows());
    k.columns().forEach(n.putArray("columns")::add);
    k.sample().forEach(n.putArray("sample")::add);
  }

  /**
   * @param differences the array to fill
   * @param rows described rows
   */
  public static void putDifferences(ArrayNode differences, java.util.List<RowDifference> rows) {
    for (RowDifference d : rows) {
      ObjectNode dn = differences.addObject();
      dn.put("kind", d.kind().name());
      ObjectNode key = dn.putObject("key");
      d.key().forEach(key::put);
      ArrayNode columns = dn.putArray("columns");
      for (RowDifference.ColumnDifference c : d.columns()) {
        columns.addObject().put("column", c.column()).put("source", c.sourceValue()).put("target", c.targetValue());
      }
    }
  }
}
