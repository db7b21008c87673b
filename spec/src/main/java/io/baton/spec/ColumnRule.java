package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.baton.spec.value.NullFillOp;
import io.baton.spec.value.ValueOp;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens to one source column (spec key {@code tables[].columns.<name>}).
 *
 * @param rename the target column name, or null to keep the source name
 * @param drop true to leave the column out of the target (not invertible: a rollback cannot
 *     restore its values for rows written on the target)
 * @param ops the value operations, in the order they apply: nullFill, map, cast; empty when the
 *     value passes unchanged
 * @param reverse how the value goes back to the source after a cutover, or null to undo
 *     {@code ops} (which must then all be invertible)
 */
public record ColumnRule(String rename, boolean drop, List<ValueOp> ops, ReverseRule reverse) {
  @JsonCreator
  static ColumnRule fromYaml(
      @SpecDoc(value = "The target column name.", defaultValue = "the source name", example = "full_name")
      @JsonProperty("rename") String rename,
      @SpecDoc(value = "Leave the column out of the target (a rollback cannot restore its values for rows written on"
          + " the target).", defaultValue = "false") @JsonProperty("drop") Boolean drop,
      @SpecDoc(value = "Replace NULL with this value (PostgreSQL text form), before map and cast. Cannot be undone on"
          + " rollback: needs reverse.", example = "unknown") @JsonProperty("nullFill") String nullFill,
      @SpecDoc("Map values through a list or a CSV lookup file, after nullFill and before cast.")
      @JsonProperty("map") MapRule map,
      @SpecDoc("Convert the value to another PostgreSQL type, last; the target column gets that type.")
      @JsonProperty("cast") CastRule cast,
      @SpecDoc("How the value goes back to the source after a cutover, when nullFill, map or cast cannot be undone"
          + " (the plan names them).") @JsonProperty("reverse") ReverseRule reverse) {
    boolean dropped = drop != null && drop;
    List<ValueOp> ops = ops(nullFill, map, cast);
    if (dropped && !ops.isEmpty()) {
      throw new SpecException("drop", "a dropped column has no value to fill, map or cast");
    }
    if (reverse != null && ops.isEmpty()) {
      throw new SpecException("reverse", "reverse applies to a column with nullFill, map or cast");
    }
    return new ColumnRule(rename, dropped, ops, reverse);
  }

  /**
   * A rule without value operations.
   *
   * @param rename the target column name, or null
   * @param drop whether the column is left out
   */
  public ColumnRule(String rename, boolean drop) {
    this(rename, drop, List.of(), null);
  }

  public ColumnRule {
    ops = List.copyOf(ops);
    if (drop && rename != null) {
      throw new SpecException("drop", "a column cannot be both renamed (to '" + rename + "') and dropped");
    }
    if (rename != null && rename.isBlank()) {
      throw new SpecException("rename", "rename must name the target column");
    }
  }

  /** The operations in the order they apply: nullFill, map, cast. */
  static List<ValueOp> ops(String nullFill, MapRule map, CastRule cast) {
    List<ValueOp> ops = new ArrayList<>();
    if (nullFill != null) {
      ops.add(new NullFillOp(nullFill));
    }
    if (map != null) {
      ops.add(map.op());
    }
    if (cast != null) {
      ops.add(cast.op());
    }
    return ops;
  }
}
