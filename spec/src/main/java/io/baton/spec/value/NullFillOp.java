package io.baton.spec.value;

import java.util.Optional;

/**
 * NULL replaced by a fixed value (spec key {@code nullFill}); other values pass unchanged. It cannot
 * be undone: on the way back a filled value cannot be told from the same value written on purpose.
 */
public final class NullFillOp implements ValueOp {
  private final String fill;

  /** @param fill what NULL becomes, in PostgreSQL text form; not null */
  public NullFillOp(String fill) {
    this.fill = fill;
  }

  @Override
  public String apply(String value) {
    return value == null ? fill : value;
  }

  @Override
  public Optional<ValueOp> inverse(String sourceType) {
    return Optional.empty();
  }

  @Override
  public String describe() {
    return "fill NULL with '" + fill + "'";
  }
}
