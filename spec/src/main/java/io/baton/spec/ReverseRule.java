package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.baton.spec.value.ValueOp;
import java.util.List;

/**
 * How a column's value goes back to the source after a cutover when its forward operations cannot
 * be undone (spec key {@code tables[].columns.<name>.reverse}): either {@code keep: true}, the
 * target's value as it is (a loss the operator accepts), or operations of its own, applied in the
 * order nullFill, map, cast.
 *
 * @param ops the operations, target value to source value; empty for {@code keep}
 */
public record ReverseRule(List<ValueOp> ops) {
  public ReverseRule {
    ops = List.copyOf(ops);
  }

  @JsonCreator
  static ReverseRule fromYaml(
      @SpecDoc(value = "Write the target's value back unchanged: the operator accepts that the source may not get back"
          + " exactly what it had.", defaultValue = "false") @JsonProperty("keep") Boolean keep,
      @SpecDoc("Replace NULL with this value on the way back.") @JsonProperty("nullFill") String nullFill,
      @SpecDoc("A value map on the way back (same keys as the forward map).") @JsonProperty("map") MapRule map,
      @SpecDoc("A cast on the way back (same keys as the forward cast).") @JsonProperty("cast") CastRule cast) {
    boolean asIs = keep != null && keep;
    if (asIs == (nullFill != null || map != null || cast != null)) {
      throw new SpecException("keep", asIs ? "reverse: keep: true takes no other operation"
          : "reverse needs keep: true or at least one of nullFill, map, cast");
    }
    return new ReverseRule(ColumnRule.ops(nullFill, map, cast));
  }

  /** @return whether the target's value goes back unchanged */
  public boolean keep() {
    return ops.isEmpty();
  }
}
