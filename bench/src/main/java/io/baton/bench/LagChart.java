package io.baton.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws the soak's lag over time as a PNG (Java2D, headless): lag in seconds against minutes since
 * the soak started, each fault window shaded and labelled with its kind, and a dashed line at the
 * one-second target. Samples without a lag break the line.
 */
final class LagChart {
  static final int WIDTH = 1400;
  static final int HEIGHT = 520;
  static final int LEFT = 70;
  static final int RIGHT = 20;
  static final int TOP = 50;
  static final int BOTTOM = 50;

  private final long startMs;
  private final long endMs;
  private final double maxLagSeconds;

  /**
   * @param startMs the chart's left edge, ms since the epoch
   * @param endMs its right edge, ms since the epoch; after {@code startMs}
   * @param maxLagSeconds the top of the lag axis, s; positive
   */
  LagChart(long startMs, long endMs, double maxLagSeconds) {
    if (endMs <= startMs || !(maxLagSeconds > 0)) {
      throw new IllegalArgumentException("empty chart: " + startMs + ".." + endMs + " ms, lag up to " + maxLagSeconds + " s");
    }
    this.startMs = startMs;
    this.endMs = endMs;
    this.maxLagSeconds = maxLagSeconds;
  }

  /** @return the pixel column of a time, ms since the epoch (clamped to the plot) */
  int x(long ms) {
    long t = Math.max(startMs, Math.min(endMs, ms));
    return LEFT + (int) Math.round((double) (t - startMs) * (WIDTH - LEFT - RIGHT) / (endMs - startMs));
  }

  /** @return the pixel row of a lag, s (clamped to the plot) */
  int y(double seconds) {
    double v = Math.max(0, Math.min(maxLagSeconds, seconds));
    return HEIGHT - BOTTOM - (int) Math.round(v * (HEIGHT - TOP - BOTTOM) / maxLagSeconds);
  }

  /**
   * Writes the chart.
   *
   * @param png the file to write (replaced)
   * @param title the line above the plot
   * @param samples the lag samples, oldest first
   * @param faults the faults with their windows
   * @throws IOException when the file cannot be written
   */
  void write(Path png, String title, List<LagProbe.Sample> samples, List<SoakFigures.Fault> faults) throws IOException {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      int row = 0;
      for (SoakFigures.Fault f : faults) {
        int x0 = x(f.startMs());
        int x1 = Math.max(x0 + 1, x(f.windowEndMs()));
        g.setColor(f.survived() ? new Color(255, 220, 170) : new Color(255, 150, 150));
        g.fillRect(x0, TOP, x1 - x0, HEIGHT - TOP - BOTTOM);
        g.setColor(Color.DARK_GRAY);
        g.drawString(f.kind().label, x0 + 2, TOP - 4 - 12 * (row++ % 2));
      }
      axes(g);
      g.setColor(new Color(0, 90, 200));
      g.setStroke(new BasicStroke(1.5f));
      Path2D line = new Path2D.Double();
      boolean open = false;
      for (LagProbe.Sample s : samples) {
        if (!s.hasLag()) {
          open = false;
          continue;
        }
        if (open) {
          line.lineTo(x(s.atMs()), y(s.lagSeconds()));
        } else {
          line.moveTo(x(s.atMs()), y(s.lagSeconds()));
          open = true;
        }
      }
      g.draw(line);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
      g.drawString(title, LEFT, 16);
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(image, "png", png.toFile())) {
      throw new IOException("no PNG writer in this JVM");
    }
  }

  private void axes(Graphics2D g) {
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1f));
    g.drawLine(LEFT, TOP, LEFT, HEIGHT - BOTTOM);
    g.drawLine(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM);
    double step = niceStep(maxLagSeconds / 6);
    for (double v = 0; v <= maxLagSeconds + 1e-9; v += step) {
      g.drawLine(LEFT - 4, y(v), LEFT, y(v));
      g.drawString(step < 1 ? String.format("%.1f", v) : String.format("%.0f", v), LEFT - 34, y(v) + 4);
    }
    g.drawString("lag (s)", 8, TOP - 8);
    double minutes = (endMs - startMs) / 60_000.0;
    double tick = niceStep(minutes / 10);
    for (double m = 0; m <= minutes + 1e-9; m += tick) {
      int px = x(startMs + Math.round(m * 60_000));
      g.drawLine(px, HEIGHT - BOTTOM, px, HEIGHT - BOTTOM + 4);
      g.drawString(tick < 1 ? String.format("%.1f", m) : String.format("%.0f", m), px - 6, HEIGHT - BOTTOM + 18);
    }
    g.drawString("minutes since the soak started", WIDTH / 2 - 80, HEIGHT - 12);
    if (maxLagSeconds > 1) {
      g.setColor(new Color(200, 0, 0));
      g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      g.drawLine(LEFT, y(1), WIDTH - RIGHT, y(1));
      g.drawString("1 s", WIDTH - RIGHT - 24, y(1) - 3);
    }
  }

  /** @return 1, 2 or 5 times a power of ten, at least {@code raw} */
  static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-6))));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= raw) {
        return m * p;
      }
    }
    return 10 * p;
  }
}
