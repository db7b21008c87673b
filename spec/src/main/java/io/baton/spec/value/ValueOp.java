package io.baton.spec.value;

import java.util.Optional;

/**
 * One operation on a column's value, both sides in PostgreSQL's text form (null for SQL NULL): what
 * the spec's {@code cast}, {@code map} and {@code nullFill} become. Every operation says whether it
 * can be undone ({@link #inverse}), so that the reverse pipeline can carry rows written on the
 * target back to the source, or the spec must say how ({@code reverse}).
 *
 * <p>Outputs are the text PostgreSQL itself prints for the value in the result type (with
 * {@code DateStyle = ISO}), so that a row transformed by Baton and the same row read back from the
 * target hash alike in the reconciler.
 */
public interface ValueOp {
  /**
   * @param value the value, or null for NULL
   * @return the converted value, or null for NULL
   * @throws RejectedValue when the value cannot be converted (the reason names the value and the rule)
   */
  String apply(String value);

  /**
   * @param sourceType the column's type before this operation ({@code format_type} text)
   * @return the operation that gives back the value this one was given, or empty when values are
   *     lost (several values become one, precision is rounded away, a text form is normalised)
   */
  Optional<ValueOp> inverse(String sourceType);

  /**
   * @param type the column's type before this operation ({@code format_type} text)
   * @return its type after
   */
  default String resultType(String type) {
    return type;
  }

  /**
   * @return the most characters a value it produces can have, when it knows (a map knows its
   *     values); -1 when it does not
   */
  default int longestOutput() {
    return -1;
  }

  /** @return what it does, for plans and messages: {@code cast to date from dd/MM/yyyy} */
  String describe();
}
