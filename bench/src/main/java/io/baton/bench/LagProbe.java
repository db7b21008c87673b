package io.baton.bench;

import io.baton.embedded.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the replication lag of the direction that runs, once a second, from outside Baton: lag
 * is now minus the source commit time of the newest change applied, read as the {@code mtime} of
 * the newest {@code pgbench_history} row (highest id) on the side the changes go to. pgbench
 * inserts one such row per transaction, stamped with the transaction's start, so while it writes
 * at a steady rate this is the lag a reader of the destination sees; unlike the lag of the last
 * applied batch, it keeps growing while nothing is applied. Each sample also holds the WAL the
 * origin's Baton slots have not confirmed, in bytes.
 *
 * <p>The probe's sessions carry no {@code application_name} of Baton's, so the connection cuts do
 * not end them; a side that cannot be reached (restarting) gives a sample without a lag. Both
 * servers run with {@code timezone = UTC} (the embedded environment's setting), which is how
 * {@code mtime}, a timestamp without time zone, is read.
 */
final class LagProbe implements AutoCloseable {
  private static final String LAG_SQL = "SELECT EXTRACT(EPOCH FROM (clock_timestamp() AT TIME ZONE 'UTC') - mtime)"
      + " FROM pgbench_history ORDER BY id DESC LIMIT 1";
  private static final String SLOT_SQL = "SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)), -1)"
      + " FROM pg_replication_slots WHERE slot_name LIKE 'baton%'";

  /**
   * One sample.
   *
   * @param atMs when it was taken, ms since the epoch
   * @param reverse whether the destination was the source (after a cutover)
   * @param lagSeconds the lag, s; NaN when the destination could not be read or holds no row yet
   * @param slotLagBytes WAL the origin's Baton slots have not confirmed, bytes; -1 when unknown
   */
  record Sample(long atMs, boolean reverse, double lagSeconds, long slotLagBytes) {
    /** @return whether the lag is known */
    boolean hasLag() {
      return !Double.isNaN(lagSeconds);
    }

    /** @return the source commit time of the newest change applied, ms since the epoch; valid when {@link #hasLag()} */
    long newestCommitMs() {
      return atMs - Math.round(lagSeconds * 1000);
    }
  }

  private final PostgresServer source;
  private final String sourceDb;
  private final PostgresServer target;
  private final String targetDb;
  private final List<Sample> samples = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "soak-lag-probe");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean reverse;
  private Connection sourceConnection;
  private Connection targetConnection;

  /**
   * @param source the source server
   * @param sourceDb its database
   * @param target the target server
   * @param targetDb its database
   */
  LagProbe(PostgresServer source, String sourceDb, PostgresServer target, String targetDb) {
    this.source = source;
    this.sourceDb = sourceDb;
    this.target = target;
    this.targetDb = targetDb;
  }

  /** Starts sampling once a second. */
  void start() {
    timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
  }

  /** @param reverse whether the changes now go from the target to the source (after a cutover) */
  void direction(boolean reverse) {
    this.reverse = reverse;
  }

  /** @return whether the changes now go from the target to the source */
  boolean reverse() {
    return reverse;
  }

  /** @return the samples so far, oldest first */
  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  private void sample() {
    boolean rev = reverse;
    long at = System.currentTimeMillis();
    double lag = Double.NaN;
    long slot = -1;
    try {
      lag = query(!rev, LAG_SQL);
    } catch (SQLException | RuntimeException e) {
      drop(!rev);
    }
    try {
      double bytes = query(rev, SLOT_SQL);
      slot = Double.isNaN(bytes) ? -1 : (long) bytes;
    } catch (SQLException | RuntimeException e) {
      drop(rev);
    }
    synchronized (this) {
      samples.add(new Sample(at, rev, lag, slot));
    }
  }

  /** @param onTarget whether to ask the target (else the source) */
  private double query(boolean onTarget, String sql) throws SQLException {
    Connection c = onTarget ? targetConnection : sourceConnection;
    if (c == null) {
      c = onTarget ? target.connect(targetDb) : source.connect(sourceDb);
      if (onTarget) {
        targetConnection = c;
      } else {
        sourceConnection = c;
      }
    }
    try (Statement st = c.createStatement()) {
      st.setQueryTimeout(5);
      try (ResultSet rs = st.executeQuery(sql)) {
        return rs.next() && rs.getObject(1) != null ? rs.getDouble(1) : Double.NaN;
      }
    }
  }

  private void drop(boolean onTarget) {
    Connection c = onTarget ? targetConnection : sourceConnection;
    if (onTarget) {
      targetConnection = null;
    } else {
      sourceConnection = null;
    }
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // a broken session: nothing to close cleanly
      }
    }
  }

  /** Stops sampling and closes the probe's sessions. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drop(true);
    drop(false);
  }
}
