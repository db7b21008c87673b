package io.baton.progress;

/**
 * The one-line progress bar Baton redraws on a terminal during long passes (bulk snapshot,
 * verification): {@code snapshot [#####-----]  50% 1,234 rows 456 rows/s ETA 3 s}.
 */
public final class ProgressBar {
  private ProgressBar() {}

  /**
   * @param label what is running, first on the line
   * @param fraction the part done, clamped to 0..1
   * @param width the bar's width in characters, at least 1
   * @param rows rows done
   * @param rowsPerSecond the rate so far
   * @param etaSeconds seconds left, negative when unknown (shown as {@code ?})
   * @return the line, without a line break
   * @throws IllegalArgumentException when width is below 1
   */
  public static String render(String label, double fraction, int width, long rows, long rowsPerSecond, long etaSeconds) {
    if (width < 1) {
      throw new IllegalArgumentException("a progress bar needs a width of at least 1, not " + width);
    }
    double f = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
    int filled = (int) Math.round(f * width);
    return String.format("%s [%s%s] %3d%% %,d rows %,d rows/s ETA %s", label, "#".repeat(filled), "-".repeat(width - filled),
        Math.round(f * 100), rows, rowsPerSecond, etaSeconds < 0 ? "?" : etaSeconds + " s");
  }

  /**
   * @param etaSeconds seconds left, negative when unknown
   * @return the time left as a log line says it: {@code 12 s}, or {@code unknown}
   */
  public static String eta(long etaSeconds) {
    return etaSeconds < 0 ? "unknown" : etaSeconds + " s";
  }
}
