package io.baton.spec;

import io.baton.BatonException;

/** A migration spec that cannot be used; the message names the file, line, key and the fix. */
public class SpecException extends BatonException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong and where */
  public SpecException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong and where
   * @param cause the underlying error
   */
  public SpecException(String message, Throwable cause) {
    super(message, cause);
  }
}
