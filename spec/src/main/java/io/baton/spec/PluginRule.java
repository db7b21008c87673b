package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A table's custom row transform (spec key {@code tables[].plugin}).
 *
 * @param plugin the plugin
 * @param keepOnReverse whether rows coming back after a cutover pass unchanged (the plugin cannot be
 *     undone, and the operator accepts it)
 * @param afterOperations whether it runs after the columns' operations rather than before (the
 *     inverse of a plugin runs after the inverse operations)
 */
public record PluginRule(RowPlugin plugin, boolean keepOnReverse, boolean afterOperations) {
  /** What happens to rows coming back from the target after a cutover. */
  public enum Reverse {
    /** The plugin's inverse undoes it. */
    UNDO,
    /** They pass unchanged. */
    KEEP
  }

  @JsonCreator
  static PluginRule fromYaml(
      @SpecDoc(value = "The plugin's name (RowPlugin.name() of a class listed in META-INF/services/io.baton.spec.RowPlugin"
          + " on the classpath).", required = true, example = "normalise-phone-numbers") @JsonProperty("name") String name,
      @SpecDoc(value = "On rows coming back after a cutover: undo (the plugin's inverse) or keep (unchanged, when it"
          + " cannot be undone).", defaultValue = "undo") @JsonProperty("reverse") Reverse reverse) {
    if (name == null || name.isBlank()) {
      throw new SpecException("name", "plugin needs name: the RowPlugin to run");
    }
    List<String> known = new ArrayList<>();
    for (RowPlugin p : ServiceLoader.load(RowPlugin.class)) {
      if (p.name().equals(name)) {
        return new PluginRule(p, reverse == Reverse.KEEP, false);
      }
      known.add(p.name());
    }
    throw new SpecException("name", "no row plugin named '" + name + "' on the classpath (found: "
        + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
  }
}
