package io.baton.cli.plan;

import java.util.Locale;

/** How the plan writes sizes, rates and durations for people: binary units, one decimal. */
public final class Units {
  private static final String[] BYTES = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  private Units() {}

  /**
   * @param bytes a size in bytes
   * @return for example {@code 512 B}, {@code 1.5 GiB}
   */
  public static String bytes(double bytes) {
    int unit = 0;
    double v = bytes;
    while (Math.abs(v) >= 1024 && unit < BYTES.length - 1) {
      v /= 1024;
      unit++;
    }
    return unit == 0 ? String.format(Locale.ROOT, "%.0f B", v) : String.format(Locale.ROOT, "%.1f %s", v, BYTES[unit]);
  }

  /**
   * @param bytesPerSecond a rate
   * @return for example {@code 85.3 MiB/s}
   */
  public static String rate(double bytesPerSecond) {
    return bytes(bytesPerSecond) + "/s";
  }

  /**
   * @param seconds a duration
   * @return for example {@code 35 ms}, {@code 4.2 s}, {@code 12 min 5 s}, {@code 3 h 20 min}
   */
  public static String duration(double seconds) {
    if (seconds < 1) {
      return String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
    }
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    if (s < 3600) {
      return (s / 60) + " min " + (s % 60) + " s";
    }
    return (s / 3600) + " h " + (s % 3600 / 60) + " min";
  }

  /**
   * @param n a count
   * @return with thousands separators, for example {@code 1,000,000}
   */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
