package io.baton.spec;

import io.baton.BatonException;

/** A migration spec that cannot be used; the message names the file, line, key and the fix. */
public class SpecException extends BatonException {
  private static final long serialVersionUID = 1L;
  private final String key;

  /** @param message what is wrong and where */
  public SpecException(String message) {
    super(message);
    this.key = null;
  }

  /**
   * An error about one key of the section being bound, so that the loader can point at its line.
   *
   * @param key the key, relative to the section (for example {@code parallelism} in {@code snapshot})
   * @param message what is wrong
   */
  public SpecException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** @return the key within the section being bound that the error is about, or null */
  public String key() {
    return key;
  }

  /**
   * @param message what is wrong and where
   * @param cause the underlying error
   */
  public SpecException(String message, Throwable cause) {
    super(message, cause);
    this.key = null;
  }
}
