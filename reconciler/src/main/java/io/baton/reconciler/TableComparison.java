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
 * @param checks the outcomes of the checks the spec declares for the table, in declaration order;
 *     empty when it declares none
 */
public record TableComparison(String source, String target, long sourceRows, long targetRows,
    String sourceChecksum, String targetChecksum, long mismatchedRows, long millis, java.util.List<RowDifference> differences,
    java.util.List<CheckResult> checks) {
  public TableComparison {
    differences = java.util.List.copyOf(differences);
    checks = java.util.List.copyOf(checks);
  }

  /** A comparison without declared checks. */
  public TableComparison(String source, String target, long sourceRows, long targetRows, String sourceChecksum,
      String targetChecksum, long mismatchedRows, long millis, java.util.List<RowDifference> differences) {
    this(source, target, sourceRows, targetRows, sourceChecksum, targetChecksum, mismatchedRows, millis, differences,
        java.util.List.of());
  }

  /**
   * @return the same comparison with the sides swapped: what comparing the reverse direction
   *     (after a cutover) says in the forward direction's terms. Key and column names stay those
   *     of the side that was compared as the origin.
   */
  public TableComparison mirrored() {
    return new TableComparison(target, source, targetRows, sourceRows, targetChecksum, sourceChecksum, mismatchedRows,
        millis, differences.stream().map(RowDifference::mirrored).toList(), checks);
  }

  /** @return true when counts and checksums agree */
  public boolean equal() {
    return sourceRows == targetRows && sourceChecksum.equals(targetChecksum);
  }

  /** @return true when counts and checksums agree and every declared check passed */
  public boolean passed() {
    return equal() && checks.stream().allMatch(CheckResult::passed);
  }
}
