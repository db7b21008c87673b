package io.baton;

/**
 * The one unchecked root exception of Baton.
 *
 * <p>Every failure Baton reports to an operator is a {@code BatonException} (or a subclass) whose
 * message says what is wrong, where (spec file, table, column, LSN) and, when known, how to fix
 * it. {@link #isRetriable()} tells callers whether trying again can succeed; the decision for
 * database errors is made in one place, {@link io.baton.pg.PgErrors#classify}.
 */
public class BatonException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean retriable;

  /**
   * Creates a permanent error.
   *
   * @param message what is wrong, where, and how to fix it; never null
   */
  public BatonException(String message) {
    this(message, null, false);
  }

  /**
   * Creates a permanent error that keeps its cause.
   *
   * @param message what is wrong, where, and how to fix it; never null
   * @param cause the underlying error; may be null
   */
  public BatonException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * Creates an error, retriable or not.
   *
   * @param message what is wrong, where, and how to fix it; never null
   * @param cause the underlying error; may be null
   * @param retriable true when the same operation may succeed if tried again
   */
  public BatonException(String message, Throwable cause, boolean retriable) {
    super(message, cause);
    this.retriable = retriable;
    if (cause instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
  }

  /** @return true when the same operation may succeed if tried again (a lost connection, a timeout) */
  public boolean isRetriable() {
    return retriable;
  }
}
