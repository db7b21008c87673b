package io.baton.capture;

import io.baton.pg.TableName;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Live progress of a bulk snapshot, per table and in total: rows, bytes, chunks, rows per second
 * and the estimated time left. Updated by the copying threads as rows stream through, read by the
 * progress log and by metrics. Thread-safe.
 *
 * <p>The time left is the rows still expected (the planner's estimate less the rows copied; by
 * chunks when there is no estimate) divided by the rate of this run so far.
 */
public final class SnapshotProgress {
  private final Map<TableName, Table> tables = new LinkedHashMap<>();
  private final LongSupplier nanoClock;
  private final long startNanos;

  /**
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} in production)
   */
  public SnapshotProgress(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
  }

  /**
   * Registers a table; call before copying starts.
   *
   * @param table the source table
   * @param estimatedRows the planner's estimate, 0 when unknown
   * @param chunks chunks in the plan
   * @param chunksDone chunks already done before this run
   * @param rowsDone rows those chunks loaded
   * @return the table's counters
   */
  public synchronized Table add(TableName table, long estimatedRows, int chunks, int chunksDone, long rowsDone) {
    Table t = new Table(table, estimatedRows, chunks, chunksDone, rowsDone);
    tables.put(table, t);
    return t;
  }

  /** @return the tables, in registration order */
  public synchronized Collection<Table> tables() {
    return java.util.List.copyOf(tables.values());
  }

  /** @return rows copied in this run, all tables */
  public long rows() {
    return tables().stream().mapToLong(t -> t.rows.sum()).sum();
  }

  /** @return bytes read in this run, all tables */
  public long bytes() {
    return tables().stream().mapToLong(t -> t.bytes.sum()).sum();
  }

  /** @return milliseconds since this progress started */
  public long elapsedMs() {
    return (nanoClock.getAsLong() - startNanos) / 1_000_000;
  }

  /** @return rows per second in this run so far, all tables */
  public long rowsPerSecond() {
    long ms = elapsedMs();
    return ms <= 0 ? 0 : rows() * 1000 / ms;
  }

  /** @return estimated seconds left, all tables; -1 when nothing has been copied yet */
  public long etaSeconds() {
    long rate = rowsPerSecond();
    if (rate == 0) {
      return -1;
    }
    long left = tables().stream().mapToLong(Table::rowsLeft).sum();
    return (left + rate - 1) / rate;
  }

  /**
   * @param t a table of this progress
   * @return its rows per second in this run so far: its rows over the time since this progress
   *     started (tables are copied side by side, so their rates add up to {@link #rowsPerSecond()})
   */
  public long rowsPerSecond(Table t) {
    long ms = elapsedMs();
    return ms <= 0 ? 0 : t.rows() * 1000 / ms;
  }

  /**
   * @param t a table of this progress
   * @return estimated seconds until it is copied at its rate so far: 0 when it is done, -1 when
   *     nothing of it has been copied yet
   */
  public long etaSeconds(Table t) {
    if (t.finished()) {
      return 0;
    }
    long rate = rowsPerSecond(t);
    return rate == 0 ? -1 : (t.rowsLeft() + rate - 1) / rate;
  }

  /**
   * @return the fraction of the rows to copy that are copied, 0 to 1: over the tables' estimated
   *     rows ({@code reltuples}), and 1 when every chunk is done
   */
  public double fractionDone() {
    long done = 0;
    long total = 0;
    boolean allFinished = true;
    for (Table t : tables()) {
      done += t.rowsDone + t.rows.sum();
      total += Math.max(t.estimatedRows, t.rowsDone + t.rows.sum());
      allFinished &= t.finished();
    }
    return allFinished ? 1 : total == 0 ? 0 : Math.min(1, (double) done / total);
  }

  /**
   * @param width the bar's width in characters
   * @return a progress bar for a terminal: {@code snapshot [#####-----] 50% 1,234 rows 456 rows/s ETA 3 s}
   */
  public String bar(int width) {
    return io.baton.progress.ProgressBar.render("snapshot", fractionDone(), width, rows(), rowsPerSecond(), etaSeconds());
  }

  /** @return one log line: totals, then each unfinished table */
  public String line() {
    StringBuilder sb = new StringBuilder();
    long eta = etaSeconds();
    sb.append(String.format("snapshot: %,d rows, %,d MB, %,d rows/s, ETA %s", rows(), bytes() / 1_000_000,
        rowsPerSecond(), io.baton.progress.ProgressBar.eta(eta)));
    for (Table t : tables()) {
      if (!t.finished()) {
        sb.append(String.format("; %s %,d/%s rows, chunks %d/%d", t.table, t.rowsDone + t.rows.sum(),
            t.estimatedRows > 0 ? String.format("%,d", t.estimatedRows) : "?", t.chunksDone.get(), t.chunks));
      }
    }
    return sb.toString();
  }

  /** One table's counters. */
  public static final class Table {
    private final TableName table;
    private final long estimatedRows;
    private final int chunks;
    private final long rowsDone;
    private final AtomicInteger chunksDone;
    private final LongAdder rows = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    Table(TableName table, long estimatedRows, int chunks, int chunksDone, long rowsDone) {
      this.table = table;
      this.estimatedRows = estimatedRows;
      this.chunks = chunks;
      this.rowsDone = rowsDone;
      this.chunksDone = new AtomicInteger(chunksDone);
    }

    /**
     * Counts rows read; called by the copying thread every few thousand rows.
     *
     * @param rowCount rows
     * @param byteCount bytes of COPY text
     */
    public void read(long rowCount, long byteCount) {
      rows.add(rowCount);
      bytes.add(byteCount);
    }

    /** Counts a chunk committed. */
    public void chunkDone() {
      chunksDone.incrementAndGet();
    }

    /**
     * Takes back rows of a chunk that failed and will be read again.
     *
     * @param rowCount rows
     * @param byteCount bytes
     */
    public void undo(long rowCount, long byteCount) {
      rows.add(-rowCount);
      bytes.add(-byteCount);
    }

    /** @return the source table */
    public TableName table() {
      return table;
    }

    /** @return rows copied in this run */
    public long rows() {
      return rows.sum();
    }

    /** @return bytes read in this run */
    public long bytes() {
      return bytes.sum();
    }

    /** @return chunks done, including before this run */
    public int chunksDone() {
      return chunksDone.get();
    }

    /** @return chunks in the plan */
    public int chunks() {
      return chunks;
    }

    /** @return the planner's row estimate, 0 when unknown */
    public long estimatedRows() {
      return estimatedRows;
    }

    /** @return true when every chunk of the plan is done */
    public boolean finished() {
      return chunksDone.get() >= chunks;
    }

    long rowsLeft() {
      if (finished()) {
        return 0;
      }
      long copied = rowsDone + rows.sum();
      if (estimatedRows > 0) {
        return Math.max(0, estimatedRows - copied);
      }
      int done = chunksDone.get();
      return done == 0 ? copied : copied * (chunks - done) / done;
    }
  }
}
