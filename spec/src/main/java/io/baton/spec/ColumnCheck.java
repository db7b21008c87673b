package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.baton.spec.cel.CelExpression;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validation rules on one column, or on the whole row (an entry of spec list
 * {@code tables[].validate}), checked on every row as it will be written to the target: after the
 * column's nullFill, map and cast. A row that breaks one is not applied: the pipeline halts at it,
 * naming the row, the column and the rule ({@code tables[].onInvalid}).
 *
 * @param column the source column the rules are about, or null for a row rule (a {@code cel}
 *     condition alone)
 * @param notNull whether NULL is refused
 * @param regex a pattern the whole value must match ({@link Pattern}), or null
 * @param min the smallest value allowed, or null
 * @param max the largest value allowed, or null
 * @param allowed the only values allowed, or empty for any
 * @param lookup where the allowed values come from (a CSV file's first column), or null
 * @param cel a CEL condition the row must meet, or null; evaluated by the row's transform, which
 *     holds the typed row
 */
public record ColumnCheck(String column, boolean notNull, Pattern regex, String min, String max, Set<String> allowed,
    String lookup, CelExpression cel) {
  /** The column name a row rule reports, in messages and in {@code baton.quarantine}. */
  public static final String ROW = "(row)";

  @JsonCreator
  static ColumnCheck fromYaml(
      @SpecDoc(value = "The source column the rules are about; leave it out for a rule on the whole row (cel alone).",
          example = "email")
      @JsonProperty("column") String column,
      @SpecDoc(value = "Refuse NULL.", defaultValue = "false") @JsonProperty("notNull") Boolean notNull,
      @SpecDoc(value = "A regular expression (java.util.regex) the whole value must match; NULL passes unless notNull.",
          example = "^[^@ ]+@[^@ ]+$") @JsonProperty("regex") String regex,
      @SpecDoc(value = "The smallest value allowed: compared as numbers when both are numbers, otherwise as text (ISO"
          + " dates and timestamps order correctly).", example = "0") @JsonProperty("min") String min,
      @SpecDoc(value = "The largest value allowed, compared as min is.", example = "2030-12-31") @JsonProperty("max") String max,
      @SpecDoc(value = "The only values allowed.", example = "[active, closed]") @JsonProperty("allowed") List<String> allowed,
      @SpecDoc(value = "A CSV file (header row first) whose first column lists the values allowed: the value must exist"
          + " there. A relative path is read from the spec file's directory.", example = "programmes.csv")
      @JsonProperty("lookup") String lookup,
      @SpecDoc(value = "A CEL condition (Common Expression Language) the row must meet: row is the row after the"
          + " columns' operations, typed from the columns' types (integers are int, real/double/numeric are double,"
          + " boolean is bool, everything else a string in PostgreSQL's text form; NULL is null), and value is the"
          + " checked column's value.", example = "row.amount >= 0.0 || row.kind == 'refund'") @JsonProperty("cel") String cel,
      @com.fasterxml.jackson.annotation.JacksonInject(MapRule.SPEC_DIR) java.nio.file.Path specDir) {
    CelExpression condition = cel == null ? null : CelExpression.compile(cel, "cel", CelExpression.Result.CONDITION);
    if (column == null || column.isBlank()) {
      if (condition == null) {
        throw new SpecException("column", "each validate entry needs column: the source column it checks, or cel: a"
            + " condition on the whole row");
      }
      if (notNull != null || regex != null || min != null || max != null || allowed != null || lookup != null) {
        throw new SpecException("column", "a rule on the whole row has cel only; notNull, regex, min, max, allowed and"
            + " lookup need column: the column they check");
      }
      return new ColumnCheck(null, false, null, null, null, Set.of(), null, condition);
    }
    Pattern p = null;
    if (regex != null) {
      try {
        p = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new SpecException("regex", "validate regex for column " + column + " is not a regular expression: "
            + e.getDescription() + " near index " + e.getIndex());
      }
    }
    java.util.Set<String> values = allowed == null ? new java.util.HashSet<>() : new java.util.HashSet<>(allowed);
    String origin = null;
    if (lookup != null) {
      if (!values.isEmpty()) {
        throw new SpecException("lookup", "validate for column " + column + " gives both allowed and lookup; give one");
      }
      java.nio.file.Path f = specDir == null ? java.nio.file.Path.of(lookup) : specDir.resolve(lookup);
      values.addAll(io.baton.spec.value.MapOp.readCsv(f).keySet());
      origin = f.getFileName().toString();
    }
    ColumnCheck c = new ColumnCheck(column, notNull != null && notNull, p, min, max, Set.copyOf(values), origin, condition);
    if (c.describe().isEmpty()) {
      throw new SpecException("column", "validate entry for column " + column + " has no rule: give notNull, regex, min,"
          + " max, allowed, lookup or cel");
    }
    if (min != null && max != null && compare(min, max) > 0) {
      throw new SpecException("min", "validate min " + min + " is above max " + max + " for column " + column);
    }
    return c;
  }

  /** @return the column a message names: the checked column, or {@link #ROW} for a row rule */
  public String subject() {
    return column == null ? ROW : column;
  }

  /**
   * @param value the value as it will be written to the target, or null for NULL
   * @return the rule it breaks, described with the value ({@code notNull}, {@code regex ^..$}), or
   *     null when it passes every rule but {@code cel} (which needs the row: see
   *     {@link #celViolation})
   */
  public String violation(String value) {
    if (column == null) {
      return null;
    }
    if (value == null) {
      return notNull ? "notNull" : null;
    }
    if (regex != null && !regex.matcher(value).matches()) {
      return "regex " + regex.pattern();
    }
    if (min != null && compare(value, min) < 0) {
      return "min " + min;
    }
    if (max != null && compare(value, max) > 0) {
      return "max " + max;
    }
    if (!allowed.isEmpty() && !allowed.contains(value)) {
      return lookup != null ? "lookup " + lookup : "allowed " + allowed.stream().sorted().toList();
    }
    return null;
  }

  /**
   * @param row the row after the columns' operations, typed ({@link io.baton.spec.cel.CelValues#of})
   * @param value the checked column's typed value, or null for a row rule
   * @return {@code cel '...'} when the row does not meet the condition, or null when it does or
   *     there is none
   * @throws CelExpression.Failed when the condition cannot be evaluated on the row
   */
  public String celViolation(java.util.Map<String, Object> row, Object value) {
    return cel == null || cel.test(row, value) ? null : "cel '" + cel + "'";
  }

  /** @return the rules, for plans: {@code notNull, regex ^a$} */
  public String describe() {
    List<String> rules = new ArrayList<>();
    if (notNull) {
      rules.add("notNull");
    }
    if (regex != null) {
      rules.add("regex " + regex.pattern());
    }
    if (min != null) {
      rules.add("min " + min);
    }
    if (max != null) {
      rules.add("max " + max);
    }
    if (lookup != null) {
      rules.add("lookup " + lookup);
    } else if (!allowed.isEmpty()) {
      rules.add("allowed " + allowed.stream().sorted().toList());
    }
    if (cel != null) {
      rules.add("cel '" + cel + "'");
    }
    return String.join(", ", rules);
  }

  /** Numbers compare as numbers; anything else as text. */
  private static int compare(String a, String b) {
    BigDecimal x = number(a);
    BigDecimal y = number(b);
    return x != null && y != null ? x.compareTo(y) : a.compareTo(b);
  }

  private static BigDecimal number(String s) {
    try {
      return new BigDecimal(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
