package io.baton.spec;

import io.baton.pg.TableName;
import java.util.Map;

/**
 * A custom row transform, the escape hatch for what the spec's operations cannot say: a class on
 * the classpath, found by {@link java.util.ServiceLoader} (a line with its class name in
 * {@code META-INF/services/io.baton.spec.RowPlugin}), and named by a table's
 * {@code plugin: { name: ... }}. It runs in every path that applies the spec (bulk copy, stream,
 * reconciler), before the columns' own operations.
 *
 * <p>Implementations must be deterministic (the same row gives the same result on every run and in
 * every path) and thread-safe.
 */
public interface RowPlugin {
  /** @return the name specs use */
  String name();

  /**
   * Changes one row in place.
   *
   * @param table the source table
   * @param row the columns the spec keeps, by source name, values in PostgreSQL text form (null for
   *     NULL); it may change values, but not add or remove columns, nor change key columns
   * @throws io.baton.spec.value.RejectedValue to reject the row (quarantined or halting, as the
   *     table says)
   */
  void apply(TableName table, Map<String, String> row);

  /**
   * @return the plugin that undoes this one on rows coming back from the target (same row shape,
   *     source names), or null when it cannot be undone (the table's {@code plugin.reverse} must then
   *     say {@code keep})
   */
  default RowPlugin inverse() {
    return null;
  }
}
