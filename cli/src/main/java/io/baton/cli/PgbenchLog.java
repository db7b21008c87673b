package io.baton.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads pgbench per-transaction logs ({@code pgbench -l}) and measures write pauses as clients saw
 * them.
 *
 * <p>Each log line is {@code client_id transaction_no time script_no time_epoch time_us
 * [schedule_lag]}, where {@code time_epoch.time_us} is when the transaction ended and {@code time}
 * is its latency in microseconds, or {@code failed} or {@code skipped} (pgbench documentation,
 * "Per-Transaction Logging").
 */
public final class PgbenchLog {
  private final long[] commitsMicros;
  private final long[] failuresMicros;

  private PgbenchLog(long[] commitsMicros, long[] failuresMicros) {
    this.commitsMicros = commitsMicros;
    this.failuresMicros = failuresMicros;
  }

  /**
   * @param files the log files of one or more pgbench runs
   * @return their successful commit times, sorted, and the failed transaction count
   */
  public static PgbenchLog read(List<Path> files) {
    List<Long> commits = new ArrayList<>();
    List<Long> failures = new ArrayList<>();
    for (Path f : files) {
      try (Stream<String> lines = Files.lines(f)) {
        for (String line : (Iterable<String>) lines::iterator) {
          String[] p = line.trim().split("\\s+");
          if (p.length < 6) {
            continue;
          }
          long endMicros = Long.parseLong(p[4]) * 1_000_000L + Long.parseLong(p[5]);
          if (p[2].equals("failed")) {
            failures.add(endMicros);
          } else if (!p[2].equals("skipped")) {
            commits.add(endMicros);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new PgbenchLog(sorted(commits), sorted(failures));
  }

  private static long[] sorted(List<Long> times) {
    long[] a = times.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a;
  }

  /** @return transactions committed */
  public long committed() {
    return commitsMicros.length;
  }

  /** @return transactions pgbench logged as failed */
  public long failed() {
    return failuresMicros.length;
  }

  /**
   * @param fromMs window start, ms since the epoch
   * @param toMs window end, ms since the epoch
   * @return transactions logged as failed that ended inside the window
   */
  public long failedBetween(long fromMs, long toMs) {
    return Arrays.stream(failuresMicros).filter(t -> t >= fromMs * 1000 && t <= toMs * 1000).count();
  }

  /**
   * The longest time without any commit, among the gaps that overlap a window.
   *
   * @param fromMs window start, ms since the epoch
   * @param toMs window end, ms since the epoch
   * @return the longest gap between consecutive commits that overlaps the window, in ms; -1 when
   *     no commit precedes and follows the window
   */
  public long longestGapMs(long fromMs, long toMs) {
    long from = fromMs * 1000;
    long to = toMs * 1000;
    long best = -1;
    for (int i = 0; i + 1 < commitsMicros.length; i++) {
      long a = commitsMicros[i];
      long b = commitsMicros[i + 1];
      if (b >= from && a <= to) {
        best = Math.max(best, b - a);
      }
    }
    return best < 0 ? -1 : best / 1000;
  }
}
