package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Checks declared for one table (spec key {@code tables[].checks}), run by the reconciler on both
 * sides in addition to its row counts and checksums.
 *
 * @param aggregates aggregates per group compared between spec(source) and the target; empty for
 *     none
 * @param sampleRows how many rows, drawn at random from the source, are compared field by field
 *     with the target; 0 (the default) for none, at most 10000 (each sampled row is one lookup by
 *     key on the target). Needs a primary key.
 */
public record TableChecks(List<AggregateCheck> aggregates, int sampleRows) {
  /** No checks. */
  public static final TableChecks NONE = new TableChecks(List.of(), 0);

  @JsonCreator
  static TableChecks fromYaml(
      @SpecDoc("Aggregates compared group by group between spec(source) and the target.")
      @JsonProperty("aggregates") List<AggregateCheck> aggregates,
      @SpecDoc(value = "Rows drawn at random from the source (TABLESAMPLE BERNOULLI) and compared field by field with"
          + " the target; 0 to 10000, tables with a primary key.", defaultValue = "0", example = "1000")
      @JsonProperty("sampleRows") Integer sampleRows) {
    return new TableChecks(aggregates == null ? List.of() : aggregates, sampleRows == null ? 0 : sampleRows);
  }

  public TableChecks {
    aggregates = List.copyOf(aggregates);
    if (sampleRows < 0 || sampleRows > 10_000) {
      throw new SpecException("sampleRows", "checks.sampleRows must be between 0 and 10000, was " + sampleRows);
    }
  }

  /** @return true when nothing is declared */
  public boolean isEmpty() {
    return aggregates.isEmpty() && sampleRows == 0;
  }

  /**
   * Aggregates of chosen columns per group: {@code count(*)} always, and {@code sum}, {@code min},
   * {@code max} of the columns listed, by source column name, compared group by group.
   *
   * @param groupBy the grouping columns; empty for one group, the whole table
   * @param sum columns whose sum is compared (numeric types)
   * @param min columns whose minimum is compared
   * @param max columns whose maximum is compared
   */
  public record AggregateCheck(List<String> groupBy, List<String> sum, List<String> min, List<String> max) {
    @JsonCreator
    static AggregateCheck fromYaml(
        @SpecDoc(value = "The grouping columns (source names); none for the whole table.", example = "[region]")
        @JsonProperty("groupBy") List<String> groupBy,
        @SpecDoc(value = "Columns whose sum is compared, besides count(*).", example = "[total]")
        @JsonProperty("sum") List<String> sum,
        @SpecDoc(value = "Columns whose minimum is compared.", example = "[placed]") @JsonProperty("min") List<String> min,
        @SpecDoc(value = "Columns whose maximum is compared.", example = "[placed]") @JsonProperty("max") List<String> max) {
      return new AggregateCheck(orEmpty(groupBy), orEmpty(sum), orEmpty(min), orEmpty(max));
    }

    private static List<String> orEmpty(List<String> l) {
      return l == null ? List.of() : l;
    }

    public AggregateCheck {
      groupBy = List.copyOf(groupBy);
      sum = List.copyOf(sum);
      min = List.copyOf(min);
      max = List.copyOf(max);
    }

    /** @return every column the check reads, grouping columns first */
    public List<String> columns() {
      return java.util.stream.Stream.of(groupBy, sum, min, max).flatMap(List::stream).distinct().toList();
    }

    /** @return a short description, for example {@code count, sum(abalance) by bid} */
    public String describe() {
      StringBuilder sb = new StringBuilder("count");
      sum.forEach(c -> sb.append(", sum(").append(c).append(')'));
      min.forEach(c -> sb.append(", min(").append(c).append(')'));
      max.forEach(c -> sb.append(", max(").append(c).append(')'));
      return sb.append(groupBy.isEmpty() ? " of the whole table" : " by " + String.join(", ", groupBy)).toString();
    }
  }
}
