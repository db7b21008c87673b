package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.UUID;

/**
 * A target column computed from source columns (an entry of spec map {@code tables[].derive}).
 * Today one kind: a deterministic surrogate key, a version 5 UUID of the source key
 * ({@link io.baton.spec.value.Uuid5}).
 *
 * @param uuid5 the UUID rule
 */
public record DeriveRule(Uuid5Rule uuid5) {
  @JsonCreator
  static DeriveRule fromYaml(
      @SpecDoc(value = "A version 5 UUID (RFC 9562) of the named source columns: the same row gives the same UUID on"
          + " every run. The target column is uuid NOT NULL UNIQUE.", required = true)
      @JsonProperty("uuid5") Uuid5Rule uuid5) {
    if (uuid5 == null) {
      throw new SpecException("uuid5", "derive needs uuid5: { namespace: UUID, from: [columns] }");
    }
    return new DeriveRule(uuid5);
  }

  /**
   * A UUID version 5 rule.
   *
   * @param namespace the namespace UUID (one per migration or entity, so that keys of different
   *     tables never collide)
   * @param from the source columns whose values name the row, in order
   */
  public record Uuid5Rule(UUID namespace, List<String> from) {
    @JsonCreator
    static Uuid5Rule fromYaml(
        @SpecDoc(value = "The namespace UUID.", required = true, example = "9f1c6d2e-4b7a-4c1e-9a55-2f0d3c7b8e61")
        @JsonProperty("namespace") String namespace,
        @SpecDoc(value = "The source columns that name the row: one column's text value, or PostgreSQL's record text of"
            + " several, is the UUID's name.", required = true, example = "[beneficiary_id]") @JsonProperty("from") List<String> from) {
      UUID ns;
      try {
        ns = UUID.fromString(namespace == null ? "" : namespace.trim());
      } catch (IllegalArgumentException e) {
        throw new SpecException("namespace", "uuid5.namespace must be a UUID such as 9f1c6d2e-4b7a-4c1e-9a55-2f0d3c7b8e61,"
            + " was '" + namespace + "'");
      }
      if (from == null || from.isEmpty()) {
        throw new SpecException("from", "uuid5.from must name at least one source column");
      }
      return new Uuid5Rule(ns, List.copyOf(from));
    }
  }
}
