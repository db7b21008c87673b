package io.baton.reconciler;

import io.baton.pg.PgErrors;
import io.baton.pg.Sql;
import io.baton.pg.TableName;
import io.baton.progress.ProgressBar;
import io.baton.progress.ProgressDisplay;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Progress of a whole-table verification pass ({@code baton reconcile}, the final verification at
 * a switch's freeze): tables and source rows compared, rows per second and the time left. A table
 * is compared in one query per side, so progress moves a table at a time. Thread-safe.
 *
 * <p>The rows still to compare are the planner's estimates ({@code pg_class.reltuples}, 0 when the
 * table was never analysed) of the tables not compared yet; the time left is those rows over the
 * rate so far.
 */
public final class VerifyProgress {
  /** How often the progress line is logged when standard error is not a terminal; as the bulk snapshot's. */
  public static final Duration LOG_EVERY = Duration.ofSeconds(10);

  private final String label;
  private final LongSupplier nanoClock;
  private final long startNanos;
  private final Map<TableName, Long> estimates;
  private long rowsDone;
  private int tablesDone;
  private long estimatedRowsDone;

  /**
   * @param label what the pass is, first on every line ({@code reconcile}, {@code final verification})
   * @param estimatedRows each table to compare, in order, with its estimated rows (0 or less: unknown)
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} in production)
   */
  public VerifyProgress(String label, Map<TableName, Long> estimatedRows, LongSupplier nanoClock) {
    this.label = label;
    this.estimates = new LinkedHashMap<>(estimatedRows);
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
  }

  /**
   * Counts a table compared.
   *
   * @param table the table, one of those given
   * @param sourceRows the rows compared on the source side
   */
  public synchronized void tableDone(TableName table, long sourceRows) {
    rowsDone += sourceRows;
    tablesDone++;
    estimatedRowsDone += Math.max(0, estimates.getOrDefault(table, 0L));
  }

  /** @return source rows compared so far */
  public synchronized long rows() {
    return rowsDone;
  }

  /** @return rows per second so far; 0 before a millisecond has passed */
  public synchronized long rowsPerSecond() {
    long ms = (nanoClock.getAsLong() - startNanos) / 1_000_000;
    return ms <= 0 ? 0 : rowsDone * 1000 / ms;
  }

  /** @return the estimated rows of the tables not compared yet */
  private long rowsLeft() {
    long all = estimates.values().stream().mapToLong(v -> Math.max(0, v)).sum();
    return Math.max(0, all - estimatedRowsDone);
  }

  /**
   * @return seconds left at the rate so far: 0 when every table is done, -1 when unknown (no rate
   *     yet, or no estimate for the tables left)
   */
  public synchronized long etaSeconds() {
    if (tablesDone >= estimates.size()) {
      return 0;
    }
    long rate = rowsPerSecond();
    long left = rowsLeft();
    return rate == 0 || left == 0 ? -1 : (left + rate - 1) / rate;
  }

  /**
   * @return the part done, 0 to 1: rows compared over those plus the estimates of the tables left;
   *     by tables when no estimate is known; 1 when every table is done
   */
  public synchronized double fractionDone() {
    if (tablesDone >= estimates.size()) {
      return 1;
    }
    long total = rowsDone + rowsLeft();
    return total > 0 && rowsLeft() > 0 ? (double) rowsDone / total : (double) tablesDone / estimates.size();
  }

  /**
   * @param width the bar's width in characters
   * @return the terminal's progress bar ({@link ProgressBar#render})
   */
  public synchronized String bar(int width) {
    return ProgressBar.render(label, fractionDone(), width, rowsDone, rowsPerSecond(), etaSeconds());
  }

  /** @return one log line: {@code reconcile: 2/5 tables, 1,234 rows, 456 rows/s, ETA 3 s} */
  public synchronized String line() {
    return String.format("%s: %d/%d tables, %,d rows, %,d rows/s, ETA %s", label, tablesDone, estimates.size(), rowsDone,
        rowsPerSecond(), ProgressBar.eta(etaSeconds()));
  }

  /**
   * Shows this progress while a pass runs ({@link ProgressDisplay}: a bar on a terminal, else a line
   * every {@link #LOG_EVERY}).
   *
   * @param log where the lines go
   * @return the display; stop it when the pass ends
   */
  public ProgressDisplay display(Logger log) {
    return ProgressDisplay.start("baton-verify-progress", () -> bar(30), this::line, LOG_EVERY, log);
  }

  /**
   * Reads the planner's row estimates of tables.
   *
   * @param db the database the tables are in
   * @param tables the tables
   * @return each table with {@code pg_class.reltuples}, 0 when never analysed (-1 in PostgreSQL 14 and later)
   * @throws io.baton.BatonException when the catalog cannot be read
   */
  public static Map<TableName, Long> estimates(io.baton.pg.Database db, Collection<TableName> tables) {
    Map<TableName, Long> out = new LinkedHashMap<>();
    List<TableName> list = new ArrayList<>(tables);
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      for (TableName t : list) {
        try (ResultSet rs = st.executeQuery("SELECT reltuples::bigint FROM pg_class WHERE oid = " + Sql.literal(t.quoted())
            + "::regclass")) {
          out.put(t, rs.next() ? Math.max(0, rs.getLong(1)) : 0L);
        }
      }
    } catch (SQLException e) {
      throw PgErrors.classify("reading the row estimates of " + list, e);
    }
    return out;
  }
}
