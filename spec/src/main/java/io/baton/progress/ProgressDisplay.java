package io.baton.progress;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Shows a long pass's progress while it runs: on a terminal a {@link ProgressBar} redrawn on
 * standard error every second; otherwise (a log file, a pipe, {@code TERM=dumb}) a log line every
 * {@code logEvery}. One daemon thread; {@link #close()} stops it.
 */
public final class ProgressDisplay implements AutoCloseable {
  private final ScheduledExecutorService reporter;
  private final boolean terminal;
  private final Supplier<String> bar;

  private ProgressDisplay(ScheduledExecutorService reporter, boolean terminal, Supplier<String> bar) {
    this.reporter = reporter;
    this.terminal = terminal;
    this.bar = bar;
  }

  /** @return whether standard error is a terminal that can redraw a line: a console, and {@code TERM} is not {@code dumb} */
  public static boolean onTerminal() {
    return System.console() != null && !"dumb".equals(System.getenv("TERM"));
  }

  /**
   * @param threadName the reporting thread's name
   * @param bar the bar to draw on a terminal (see {@link ProgressBar#render})
   * @param line the log line otherwise
   * @param logEvery how often the line is logged
   * @param log where the line goes, at INFO
   * @return the running display
   */
  public static ProgressDisplay start(String threadName, Supplier<String> bar, Supplier<String> line, Duration logEvery,
      Logger log) {
    ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    boolean terminal = onTerminal();
    if (terminal) {
      reporter.scheduleAtFixedRate(() -> System.err.print("\r" + bar.get() + "   "), 1, 1, TimeUnit.SECONDS);
    } else {
      reporter.scheduleAtFixedRate(() -> log.info(line.get()), logEvery.toMillis(), logEvery.toMillis(), TimeUnit.MILLISECONDS);
    }
    return new ProgressDisplay(reporter, terminal, bar);
  }

  /**
   * Stops the display; on a terminal draws the bar a last time and ends its line.
   *
   * @param completed whether the pass ran to its end (the last bar is drawn only then)
   */
  public void stop(boolean completed) {
    reporter.shutdownNow();
    if (terminal && completed) {
      System.err.println("\r" + bar.get() + "   ");
    } else if (terminal) {
      System.err.println();
    }
  }

  /** Stops the display, as an unfinished pass ({@link #stop(boolean)} with false) unless stopped before. */
  @Override
  public void close() {
    if (!reporter.isShutdown()) {
      stop(false);
    }
  }
}
