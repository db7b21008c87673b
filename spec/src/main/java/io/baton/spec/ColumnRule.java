package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What happens to one source column (spec key {@code tables[].columns.<name>}).
 *
 * @param rename the target column name, or null to keep the source name
 * @param drop true to leave the column out of the target (not invertible: a rollback cannot
 *     restore its values for rows written on the target)
 */
public record ColumnRule(String rename, boolean drop) {
  @JsonCreator
  public ColumnRule(
      @SpecDoc(value = "The target column name.", defaultValue = "the source name", example = "full_name")
      @JsonProperty("rename") String rename,
      @SpecDoc(value = "Leave the column out of the target (a rollback cannot restore its values for rows written on"
          + " the target).", defaultValue = "false") @JsonProperty("drop") Boolean drop) {
    this(rename, drop != null && drop);
  }

  public ColumnRule {
    if (drop && rename != null) {
      throw new SpecException("drop", "a column cannot be both renamed (to '" + rename + "') and dropped");
    }
    if (rename != null && rename.isBlank()) {
      throw new SpecException("rename", "rename must name the target column");
    }
  }
}
