package io.baton.reconciler;

import java.util.List;

/**
 * The outcome of one check the spec declares for a table ({@link io.baton.spec.TableChecks}).
 *
 * @param name what was checked, for example {@code count, sum(abalance) by bid} or
 *     {@code sample of 1000 rows}
 * @param passed true when both sides agreed
 * @param compared groups (aggregates) or rows (sample) compared
 * @param differing how many of them differed
 * @param details the first differences, described
 */
public record CheckResult(String name, boolean passed, long compared, long differing, List<String> details) {
  public CheckResult {
    details = List.copyOf(details);
  }
}
