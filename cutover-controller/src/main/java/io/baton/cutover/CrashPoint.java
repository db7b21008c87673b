package io.baton.cutover;

/**
 * Fault injection for the crash tests of cutover and rollback: when the environment variable
 * {@value #ENV} names a point ({@code cutover:paused}, {@code rollback:repointed}, ...), the process
 * halts there at once, as SIGKILL would stop it (no shutdown hook, no finally block). Unset, as in
 * every real deployment, it does nothing.
 */
public final class CrashPoint {
  /** The environment variable naming the point to halt at. */
  public static final String ENV = "BATON_CRASH_AT";
  private static final String AT = System.getenv(ENV);

  private CrashPoint() {}

  /**
   * @param point this point's name, {@code action:step}
   */
  public static void reach(String point) {
    if (point.equals(AT)) {
      System.err.println("halting at crash point " + point + " (" + ENV + ")");
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
  }
}
