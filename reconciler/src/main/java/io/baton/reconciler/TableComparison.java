package io.baton.reconciler;

/**
 * The result of comparing one table: spec(source) against target.
 *
 * @param source the source table
 * @param target the target table
 * @param sourceRows exact row count of the source
 * @param targetRows exact row count of the target
 * @param sourceChecksum order-independent checksum of spec(source), decimal
 * @param targetChecksum order-independent checksum of the target, decimal
 * @param mismatchedRows rows missing, extra or different on the target; 0 when equal
 * @param millis time the comparison took
 * @param differences the first of the mismatched rows, described (at most
 *     {@link Reconciler#DESCRIBED_ROWS} in key order, or {@link Reconciler#DESCRIBED_KEYLESS_ROWS}
 *     for a table without a primary key); empty when equal
 */
public record TableComparison(String source, String target, long sourceRows, long targetRows,
    String sourceChecksum, String targetChecksum, long mismatchedRows, long millis, java.util.List<RowDifference> differences) {
  public TableComparison {
    differences = java.util.List.copyOf(differences);
  }

  /** @return true when counts and checksums agree */
  public boolean equal() {
    return sourceRows == targetRows && sourceChecksum.equals(targetChecksum);
  }
}
