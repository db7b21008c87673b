package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.baton.spec.cel.CelExpression;
import io.baton.spec.value.CastOp;
import java.util.List;
import java.util.UUID;

/**
 * A target column computed from source columns (an entry of spec map {@code tables[].derive}):
 * either a deterministic surrogate key, a version 5 UUID of source columns
 * ({@link io.baton.spec.value.Uuid5}), or a CEL expression over the row.
 *
 * @param uuid5 the UUID rule, or null
 * @param cel the expression, or null; exactly one of the two is set
 * @param cast for an expression, the cast its result goes through to the column's type (checks it
 *     and brings it to PostgreSQL's text form); null for a UUID
 */
public record DeriveRule(Uuid5Rule uuid5, CelExpression cel, CastOp cast) {
  @JsonCreator
  static DeriveRule fromYaml(
      @SpecDoc(value = "A version 5 UUID (RFC 9562) of the named source columns: the same row gives the same UUID on"
          + " every run. The target column is uuid NOT NULL UNIQUE.") @JsonProperty("uuid5") Uuid5Rule uuid5,
      @SpecDoc(value = "A CEL expression (Common Expression Language) over row, the row's values after the columns'"
          + " operations, typed from the columns' types (integers are int, real/double/numeric are double, boolean is"
          + " bool, everything else a string in PostgreSQL's text form; NULL is null). Its result fills the column.",
          example = "row.first_name + ' ' + row.last_name") @JsonProperty("cel") String cel,
      @SpecDoc(value = "For cel: the target column's PostgreSQL type; the result is cast to it as cast.to does (a value"
          + " the type cannot hold rejects the row).", defaultValue = "text", example = "numeric(12,2)")
      @JsonProperty("type") String type,
      @SpecDoc(value = "For cel with a numeric(p,s) type: how a result with more digits after the point is rounded"
          + " (HALF_UP, HALF_EVEN, ...); without it such a result rejects the row.", example = "HALF_EVEN")
      @JsonProperty("rounding") String rounding) {
    if ((uuid5 == null) == (cel == null)) {
      throw new SpecException(uuid5 == null ? "cel" : "uuid5", "a derived column needs exactly one of uuid5: { namespace:"
          + " UUID, from: [columns] } or cel: EXPRESSION");
    }
    if (uuid5 != null) {
      if (type != null || rounding != null) {
        throw new SpecException(type != null ? "type" : "rounding", "type and rounding apply to cel derived columns;"
            + " a uuid5 column is uuid");
      }
      return new DeriveRule(uuid5, null, null);
    }
    String t = type == null ? "text" : type.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("real") || t.equals("float4")) {
      throw new SpecException("type", "a cel derived column cannot be real: the column would round CEL's double to"
          + " single precision and the reconciler would find every value different; use double precision");
    }
    return new DeriveRule(null, CelExpression.compile(cel, "cel", CelExpression.Result.VALUE), CastOp.of(t, null, rounding));
  }

  /** @return the source columns the value is computed from; for an expression that reads the whole row, empty */
  public List<String> from() {
    return uuid5 != null ? uuid5.from() : List.copyOf(cel.columns());
  }

  /** @return the target column's type: {@code uuid}, or the expression's declared type */
  public String type() {
    return uuid5 != null ? "uuid" : cast.resultType("text");
  }

  /** @return the column's constraint on a target the spec creates: {@code NOT NULL UNIQUE} for a UUID key, else none */
  public String constraint() {
    return uuid5 != null ? " NOT NULL UNIQUE" : "";
  }

  /** @return the rule for plans: {@code uuid5 of id in namespace ...}, {@code cel 'row.a + 1' as bigint} */
  public String describe() {
    return uuid5 != null ? "uuid5 of " + String.join(", ", uuid5.from()) + " in namespace " + uuid5.namespace()
        : "cel '" + cel + "' as " + type();
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
