package io.baton.cli.plan;

import io.baton.BatonException;
import io.baton.cli.plan.PreflightPlan.CopySample;
import io.baton.cli.plan.PreflightPlan.Forecast;
import io.baton.cli.plan.PreflightPlan.TableReport;
import io.baton.pg.Lsn;
import io.baton.pg.PgErrors;
import io.baton.spec.SnapshotSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * The plan's estimates: what it measures on the source, and what it derives from that.
 *
 * <ul>
 *   <li>The source's WAL rate: {@code pg_current_wal_lsn()} read twice, some seconds apart
 *       (manual, "Backup Control Functions"), the difference over the time between the reads.
 *   <li>A copy rate: a {@code COPY (SELECT * FROM table LIMIT n) TO STDOUT} of the largest table in
 *       scope, about {@link #COPY_SAMPLE_BYTES} of its heap (the whole table when it is smaller),
 *       read through the driver's CopyManager and thrown away, in a read-only transaction; the
 *       bytes of COPY text over the time it took. This is one stream, and only the read side.
 *   <li>Derived: the copy's duration (heap and TOAST bytes over that rate, taking COPY text to be
 *       about as large as the data it comes from), a best case for {@code snapshot.parallelism}
 *       streams, the WAL the slot retains meanwhile (rate times duration), and the target disk the
 *       tables need.
 * </ul>
 */
public final class Estimates {
  /** About how much of the largest table the copy sample reads: 16 MiB of heap. */
  public static final long COPY_SAMPLE_BYTES = 16L * 1024 * 1024;
  /** Margin on the target disk estimate: 20 % over the tables' size on the source. */
  public static final double DISK_MARGIN = 0.20;
  /** Average row size assumed when a table has never been analyzed, to size the sample's LIMIT. */
  static final long UNKNOWN_ROW_BYTES = 100;

  private Estimates() {}

  /**
   * A WAL position and when it was read.
   *
   * @param lsn the position
   * @param nanos {@link System#nanoTime()} right after it was read
   */
  public record WalPoint(Lsn lsn, long nanos) {}

  /**
   * @param conn a read-only connection to the source (the function writes nothing)
   * @return the source's current WAL write position
   * @throws BatonException when it cannot be read (for example on a standby, where the function
   *     is not allowed)
   */
  public static WalPoint walPoint(Connection conn) {
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      rs.next();
      WalPoint p = new WalPoint(Lsn.parse(rs.getString(1)), System.nanoTime());
      ReadOnlySession.end(conn);
      return p;
    } catch (SQLException e) {
      throw PgErrors.classify("reading the source's WAL position", e);
    }
  }

  /**
   * @param first the earlier reading
   * @param second the later reading
   * @return WAL bytes per second between them, 0 when no time passed
   */
  public static double walRate(WalPoint first, WalPoint second) {
    double seconds = (second.nanos() - first.nanos()) / 1e9;
    return seconds <= 0 ? 0 : Math.max(0, second.lsn().bytesSince(first.lsn())) / seconds;
  }

  /**
   * The table the copy sample reads: the largest by heap that the user may read.
   *
   * @param tables the tables in scope
   * @return the table, or null when there is none to read
   */
  public static TableReport sampleTable(List<TableReport> tables) {
    return tables.stream().filter(TableReport::canSelect).max(Comparator.comparingLong(TableReport::heapBytes)
        .thenComparing(TableReport::totalBytes)).orElse(null);
  }

  /**
   * @param table the table's report
   * @return the LIMIT that makes a sample of about {@link #COPY_SAMPLE_BYTES}, or -1 for the whole
   *     table (its heap is no larger)
   */
  public static long sampleRows(TableReport table) {
    if (table.heapBytes() <= COPY_SAMPLE_BYTES) {
      return -1;
    }
    double rowBytes = table.estimatedRows() > 0 ? (double) table.heapBytes() / table.estimatedRows() : UNKNOWN_ROW_BYTES;
    return Math.max(1, (long) Math.ceil(COPY_SAMPLE_BYTES / rowBytes));
  }

  /**
   * Times a COPY of part of a table and throws the bytes away.
   *
   * @param conn a read-only connection to the source; the read runs in its own transaction, ended after
   * @param table the table's report ({@link #sampleTable})
   * @return what was read and how fast
   * @throws BatonException when the COPY fails
   */
  public static CopySample measureCopy(Connection conn, TableReport table) {
    long limit = sampleRows(table);
    String sql = "COPY (SELECT * FROM " + table.source().quoted()
        + (limit < 0 ? "" : " LIMIT " + limit) + ") TO STDOUT";
    CountingSink sink = new CountingSink();
    try {
      long start = System.nanoTime();
      long rows = conn.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, sink);
      double seconds = (System.nanoTime() - start) / 1e9;
      ReadOnlySession.end(conn);
      return new CopySample(table.source().toString(), rows, sink.bytes, seconds, limit < 0 || rows < limit);
    } catch (SQLException e) {
      throw PgErrors.classify("measuring the copy rate on " + table.source(), e);
    } catch (IOException e) {
      throw new BatonException("measuring the copy rate on " + table.source() + " failed: " + e.getMessage(), e, true);
    }
  }

  /**
   * Derives the forecast from the tables and the measurements.
   *
   * @param tables the tables in scope
   * @param snapshot the spec's snapshot settings (parallelism, chunk size)
   * @param sampleSeconds how long the WAL was sampled for, 0 when it was not
   * @param walBytesPerSecond the WAL rate, or null when not sampled
   * @param sample the copy sample, or null when none was taken
   * @return the forecast; every figure that needs a measurement that is missing is null
   */
  public static Forecast forecast(List<TableReport> tables, SnapshotSettings snapshot, int sampleSeconds,
      Double walBytesPerSecond, CopySample sample) {
    long total = 0;
    long heap = 0;
    long toast = 0;
    long indexes = 0;
    long chunks = 0;
    for (TableReport t : tables) {
      total += t.totalBytes();
      heap += t.heapBytes();
      toast += t.toastBytes();
      indexes += t.indexBytes();
      chunks += Math.max(1, (t.heapBytes() + snapshot.chunkBytes() - 1) / snapshot.chunkBytes());
    }
    long disk = (long) Math.ceil(total * (1 + DISK_MARGIN));
    double rate = sample == null ? 0 : sample.bytesPerSecond();
    Double copySeconds = rate > 0 ? (heap + toast) / rate : null;
    long streams = Math.max(1, Math.min(snapshot.parallelism(), chunks));
    Double parallel = copySeconds == null ? null : copySeconds / streams;
    Long wal = walBytesPerSecond == null || copySeconds == null ? null : Math.round(walBytesPerSecond * copySeconds);
    return new Forecast(total, heap, toast, indexes, disk, null, sampleSeconds, walBytesPerSecond, sample, copySeconds,
        snapshot.parallelism(), chunks, parallel, wal);
  }

  /** Counts the bytes written to it and keeps none. */
  private static final class CountingSink extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }
}
