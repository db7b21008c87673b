package io.baton.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.reconciler.RowDifference;
import io.baton.reconciler.TableComparison;

/**
 * The JSON form of one table's reconcile result, the same in every command's output: {@code source},
 * {@code target}, {@code source_rows}, {@code target_rows}, {@code source_checksum},
 * {@code target_checksum}, {@code equal}, {@code mismatched_rows}, {@code millis}, and
 * {@code differences}: {@code [{"kind", "key": {column: value}, "columns": [{"column", "source",
 * "target"}]}]} ({@code kind} one of {@link RowDifference.Kind}'s names).
 */
final class ComparisonJson {
  private ComparisonJson() {}

  /**
   * @param n the object to fill
   * @param t the result
   */
  static void put(ObjectNode n, TableComparison t) {
    n.put("source", t.source());
    n.put("target", t.target());
    n.put("source_rows", t.sourceRows());
    n.put("target_rows", t.targetRows());
    n.put("source_checksum", t.sourceChecksum());
    n.put("target_checksum", t.targetChecksum());
    n.put("equal", t.equal());
    n.put("mismatched_rows", t.mismatchedRows());
    n.put("millis", t.millis());
    ArrayNode differences = n.putArray("differences");
    for (RowDifference d : t.differences()) {
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
