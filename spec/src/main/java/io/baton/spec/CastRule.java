package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.baton.spec.value.CastOp;

/**
 * A column's cast (spec key {@code tables[].columns.<name>.cast}); see {@link CastOp} for what each
 * target type accepts and prints.
 *
 * @param op the cast, checked
 */
public record CastRule(CastOp op) {
  @JsonCreator
  static CastRule fromYaml(
      @SpecDoc(value = "The PostgreSQL type the column becomes: date, timestamp, smallint, integer, bigint, numeric(p,s),"
          + " text, varchar(n), or any other type (passed as text; the target checks it).", required = true,
          example = "date") @JsonProperty("to") String to,
      @SpecDoc(value = "For date and timestamp: the pattern the source text is in (java.time DateTimeFormatter, strict)."
          + " Without it, ISO 8601.", defaultValue = "ISO 8601", example = "dd/MM/yyyy") @JsonProperty("format") String format,
      @SpecDoc(value = "For numeric(p,s): how to round away digits beyond the scale (HALF_UP, HALF_EVEN, HALF_DOWN, UP,"
          + " DOWN, CEILING, FLOOR). Without it, such a value is rejected.", defaultValue = "none",
          example = "HALF_EVEN") @JsonProperty("rounding") String rounding) {
    return new CastRule(CastOp.of(to, format, rounding));
  }
}
