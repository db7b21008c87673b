package io.baton.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running command learns that it should stop (SIGTERM, SIGINT, the JVM shutting down),
 * and how the JVM waits for it: a shutdown hook asks the command to stop and waits up to 60 s for
 * {@link #close()}, so that transactions in progress commit and offsets are kept.
 *
 * <pre>{@code
 * try (StopSignal stop = StopSignal.install("baton-run-stop")) {
 *   while (!stop.await(1, TimeUnit.SECONDS)) { ... }
 * }
 * }</pre>
 */
final class StopSignal implements AutoCloseable {
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread hook;

  private StopSignal(String hookName) {
    hook = new Thread(() -> {
      stop.countDown();
      try {
        stopped.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, hookName);
  }

  /**
   * @param hookName the shutdown hook thread's name
   * @return the signal, its hook installed
   */
  static StopSignal install(String hookName) {
    StopSignal s = new StopSignal(hookName);
    Runtime.getRuntime().addShutdownHook(s.hook);
    return s;
  }

  /**
   * Waits for a stop request.
   *
   * @param time how long at most
   * @param unit its unit
   * @return true when a stop was asked for
   * @throws InterruptedException when this thread is interrupted
   */
  boolean await(long time, TimeUnit unit) throws InterruptedException {
    return stop.await(time, unit);
  }

  /** Tells the waiting hook the command has stopped, and removes the hook when the JVM is not shutting down. */
  @Override
  public void close() {
    stopped.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running: it waits for stopped, counted down above
    }
  }
}
