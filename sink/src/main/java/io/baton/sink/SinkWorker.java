package io.baton.sink;

import io.baton.BatonException;
import io.baton.LogFields;
import io.baton.event.ChangeEvent;
import io.baton.event.ChangeEventJson;
import io.baton.event.SlotPosition;
import io.baton.pg.Database;
import io.baton.pg.Lsn;
import io.baton.pg.PgErrors;
import io.baton.pg.ReplicaRole;
import io.baton.pg.TableName;
import io.baton.pg.TxSnapshot;
import io.baton.state.SnapshotJournal;
import io.baton.state.StateSchema;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread of a {@link StreamSink}: applies the topic partitions assigned to it, in Kafka order
 * (hence source commit order per key), in batches, each batch with the consumed offsets stored in
 * {@code baton.sink_offsets} in the same target transaction as its rows. A restart seeks to the
 * stored offsets, so every change takes effect exactly once even though Kafka delivers at least once.
 *
 * <p>Capture is at least once: after a crash it sends again changes that Kafka already holds. Each
 * partition's last applied {@link SlotPosition} is stored with its offset, and a change that is
 * not after it is skipped, so a redelivered insert into a table without a key is not applied twice.
 *
 * <p>A table that the bulk snapshot copied again as a whole after a restart has a stream filter
 * ({@link SnapshotJournal#streamFilters}): its changes from transactions that the copy's snapshot
 * already saw are skipped, so a table without a key gets none of them twice.
 *
 * <p>A {@link TableHold} on one of its partitions first pauses that partition between two batches,
 * then, given a source snapshot, applies it up to the snapshot's edge: the changes before the edge
 * are committed, the partition is rewound to the first change after it and paused until the hold
 * is released (or its {@link #HOLD_LEASE} runs out).
 *
 * <p>A poll's records are applied in one transaction. A retriable error (lost connection,
 * serialization failure) rolls it back and retries with exponential backoff for up to a minute
 * ({@link io.baton.Backoff#SINK_BATCH}); a permanent error (a constraint violation, a value the
 * column type rejects) rolls it back and stops the sink with a message naming the table, key and
 * LSN: nothing of the batch is applied.
 */
final class SinkWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);
  private static final io.baton.Backoff RETRY = io.baton.Backoff.SINK_BATCH;
  /** How long a partition stays held when its holder neither releases it nor goes away. */
  static final Duration HOLD_LEASE = Duration.ofSeconds(60);

  private final String migration;
  private final Database target;
  private final StreamSink.Shared shared;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final Map<TopicPartition, SlotPosition> appliedPositions = new HashMap<>();
  private final Map<TableName, TxSnapshot> snapshotFilters;
  private final StatementCache statements = new StatementCache();
  /** The change the last failed batch stopped at, for the log fields of the lines that report it. */
  private ChangeEvent failedChange;
  private final List<TopicPartition> partitions;
  private final java.util.Queue<TableHold> holdRequests = new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** Holds in force by partition, when each paused its partition, and which advance; only the worker's thread touches these. */
  private final Map<TopicPartition, TableHold> holds = new HashMap<>();
  private final Map<TopicPartition, Long> heldSinceNanos = new HashMap<>();
  private final Set<TopicPartition> advancing = new java.util.HashSet<>();
  private volatile boolean running = true;
  private Connection conn;

  /**
   * @return the worker's consumer configuration: the cluster's common client settings, then the
   *     sink's own (no auto commit: offsets live in the target; read_committed)
   */
  static Properties consumerProperties(String migration, io.baton.event.KafkaCluster kafka, int index) {
    Properties p = kafka.clientProperties();
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "baton-" + migration + "-sink-" + index);
    return p;
  }

  /**
   * Connects, reads the stored offsets of its partitions and seeks to them; {@link #start()} starts
   * applying.
   */
  SinkWorker(String migration, Database target, List<TopicPartition> partitions, io.baton.event.KafkaCluster kafka, int index,
      StreamSink.Shared shared) {
    this.migration = migration;
    this.target = target;
    this.shared = shared;
    this.partitions = List.copyOf(partitions);
    this.consumer = new KafkaConsumer<>(consumerProperties(migration, kafka, index), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    consumer.assign(partitions);
    this.conn = target.connect();
    ReplicaRole.enter(conn, target);
    StateSchema.ensure(conn);
    this.snapshotFilters = SnapshotJournal.streamFilters(conn, migration);
    Map<TopicPartition, Long> stored = storedOffsets();
    stored.keySet().retainAll(partitions);
    appliedPositions.keySet().retainAll(partitions);
    for (TopicPartition tp : partitions) {
      Long next = stored.get(tp);
      shared.nextOffsets().put(tp, next == null ? -1L : next);
      if (next == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, next);
      }
    }
    LOG.info("sink {} thread {} resumes {} into {} ({} with stored offsets)", migration, index, partitions, target,
        stored.size());
    this.thread = new Thread(this::run, "baton-sink-" + migration + "-" + index);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** @return true when this worker applies that partition */
  boolean owns(TopicPartition partition) {
    return partitions.contains(partition);
  }

  /** Queues a hold on one of this worker's partitions; the worker takes it up before its next poll. */
  void hold(TableHold hold) {
    holdRequests.add(hold);
  }

  /**
   * Between two batches: releases closed and expired holds (resuming their partitions), resumes the
   * partitions whose hold was given its snapshot, and pauses the partitions of new holds, one hold
   * per partition at a time.
   */
  private void takeHolds() {
    for (var it = holds.values().iterator(); it.hasNext(); ) {
      TableHold h = it.next();
      TopicPartition tp = h.partition();
      if (System.nanoTime() - heldSinceNanos.get(tp) > HOLD_LEASE.toNanos() && h.state() != TableHold.State.RELEASED) {
        LOG.warn("sink {}: {} was not released within {} s; applying again", migration, h, HOLD_LEASE.toSeconds());
        h.close();
      }
      if (h.state() == TableHold.State.RELEASED) {
        it.remove();
        heldSinceNanos.remove(tp);
        advancing.remove(tp);
        if (h.edgeOffset() >= 0) {
          // records past the edge were read without being applied: read them again
          consumer.seek(tp, h.edgeOffset());
        }
        consumer.resume(List.of(tp));
      } else if ((h.state() == TableHold.State.ADVANCING || h.state() == TableHold.State.CHECKING) && advancing.add(tp)) {
        consumer.resume(List.of(tp));
      }
    }
    for (var it = holdRequests.iterator(); it.hasNext(); ) {
      TableHold h = it.next();
      if (h.state() != TableHold.State.RELEASED && holds.containsKey(h.partition())) {
        continue;
      }
      it.remove();
      if (h.state() == TableHold.State.RELEASED) {
        continue;
      }
      consumer.pause(List.of(h.partition()));
      holds.put(h.partition(), h);
      heldSinceNanos.put(h.partition(), System.nanoTime());
      h.moveTo(TableHold.State.PAUSED);
    }
  }

  private Map<TopicPartition, Long> storedOffsets() {
    Map<TopicPartition, Long> out = new HashMap<>();
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT topic, kafka_partition, next_offset, applied_last_commit_lsn, applied_lsn, applied_step FROM baton.sink_offsets"
            + " WHERE migration = ?")) {
      ps.setString(1, migration);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          TopicPartition tp = new TopicPartition(rs.getString(1), rs.getInt(2));
          out.put(tp, rs.getLong(3));
          if (rs.getString(4) != null && rs.getString(5) != null) {
            appliedPositions.put(tp, new SlotPosition(Lsn.parse(rs.getString(4)), Lsn.parse(rs.getString(5)), rs.getInt(6)));
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw PgErrors.classify("reading the sink's stored offsets", e);
    }
  }

  private void run() {
    // structured logs (BATON_LOG_FORMAT=json) carry these as fields
    org.slf4j.MDC.put("migration", migration);
    org.slf4j.MDC.put("stage", "sink");
    try {
      while (running) {
        takeHolds();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(holds.isEmpty() && holdRequests.isEmpty() ? 100 : 5));
        if (!records.isEmpty()) {
          applyWithRetry(records);
        }
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (Throwable t) {
      shared.failure().compareAndSet(null, t);
      try (LogFields f = failedChangeFields()) {
        LOG.error("sink {} stopped: {}", migration, t.getMessage(), t);
      }
    }
  }

  /** @return log fields naming the change the last batch failed on; none when it failed elsewhere */
  private LogFields failedChangeFields() {
    ChangeEvent c = failedChange;
    return LogFields.of("table", c == null ? null : c.table().toString(), "lsn", c == null ? null : String.valueOf(c.lsn()));
  }

  private void applyWithRetry(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
    boolean reconnect = false;
    long firstFailure = 0;
    for (int attempt = 1; ; attempt++) {
      try {
        if (reconnect) {
          reconnect();
        }
        apply(records);
        return;
      } catch (BatonException e) {
        shared.failedAttempts().incrementAndGet();
        firstFailure = attempt == 1 ? System.nanoTime() : firstFailure;
        long failingMs = (System.nanoTime() - firstFailure) / 1_000_000;
        if (!e.isRetriable() || !running) {
          throw e;
        }
        if (RETRY.exhausted(failingMs)) {
          throw new BatonException("sink " + migration + " gave up after " + attempt + " attempts over " + failingMs
              + " ms: " + e.getMessage(), e, true);
        }
        long backoff = RETRY.delayMillis(attempt);
        try (LogFields f = failedChangeFields()) {
          LOG.warn("sink {}: attempt {} failed ({}); retrying in {} ms", migration, attempt, e.getMessage(), backoff);
        }
        failedChange = null;
        Thread.sleep(backoff);
        reconnect = true;
      }
    }
  }

  private void reconnect() {
    try {
      conn.close();
    } catch (SQLException ignored) {
      // replaced below
    }
    conn = target.connect();
    ReplicaRole.enter(conn, target);
    // a COMMIT that failed on a lost connection may have succeeded: what the target stored decides
    appliedPositions.clear();
    Set<TopicPartition> mine = consumer.assignment();
    storedOffsets();
    appliedPositions.keySet().retainAll(mine);
  }

  private void tell(SinkListener.Batch b) {
    try {
      shared.listener().batchApplied(b);
    } catch (RuntimeException e) {
      LOG.warn("sink {}: a batch listener failed: {}", migration, e.toString());
    }
  }

  private boolean inSnapshot(ChangeEvent e) {
    TxSnapshot filter = snapshotFilters.get(e.table());
    return filter != null && e.txId() != 0 && filter.sees(e.txId());
  }

  private void apply(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, Long> next = new HashMap<>();
    Map<TopicPartition, SlotPosition> positions = new HashMap<>();
    long repeats = 0;
    long inSnapshot = 0;
    List<Map.Entry<String, TopicPartition>> markers = new ArrayList<>();
    List<ChangeEvent> batchEvents = new ArrayList<>();
    List<Long> commitTimes = new ArrayList<>();
    Map<String, Long> appliedByTable = new HashMap<>();
    Map<String, Long> quarantinedByTable = new HashMap<>();
    long started = System.nanoTime();
    Map<TopicPartition, Long> edges = new HashMap<>();
    Map<TopicPartition, TableHold.State> verdicts = new HashMap<>();
    Map<TopicPartition, TableHold.State> holdStates = new HashMap<>();
    holds.forEach((tp, h) -> holdStates.put(tp, h.state()));
    String batchSql = null;
    PreparedStatement batch = null;
    long rows = 0;
    long newestCommit = 0;
    try {
      conn.setAutoCommit(false);
      for (ConsumerRecord<byte[], byte[]> r : records) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (verdicts.containsKey(tp)) {
          continue;
        }
        ChangeEvent e = ChangeEventJson.parse(r.value());
        TableHold hold = holds.get(tp);
        if (hold != null && holdStops(hold, holdStates.get(tp), tp, r.offset(), e, edges, verdicts)) {
          continue;
        }
        next.put(tp, r.offset() + 1);
        SlotPosition pos = e.position();
        if (pos != null) {
          SlotPosition last = positions.getOrDefault(tp, appliedPositions.get(tp));
          if (last != null && pos.compareTo(last) <= 0) {
            if (e.op() != ChangeEvent.Op.MARKER) {
              repeats++;
              continue;
            }
          } else {
            positions.put(tp, pos);
          }
        }
        if (e.op() != ChangeEvent.Op.MARKER && inSnapshot(e)) {
          inSnapshot++;
          continue;
        }
        if (e.op() == ChangeEvent.Op.MARKER) {
          flush(batch, batchEvents);
          if (!e.after().get("marker").startsWith(ChangeEvent.PROGRESS_MARKER_PREFIX)) {
            recordMarker(e, r);
          }
          markers.add(Map.entry(e.after().get("marker"), new TopicPartition(r.topic(), r.partition())));
          continue;
        }
        ChangeStatements s = statements.of(e);
        if (!s.sql().equals(batchSql)) {
          flush(batch, batchEvents);
          if (batch != null) {
            batch.close();
          }
          batch = conn.prepareStatement(s.sql());
          batchSql = s.sql();
        }
        for (int i = 0; i < s.values().size(); i++) {
          String v = s.values().get(i);
          if (v == null) {
            batch.setNull(i + 1, Types.OTHER);
          } else {
            batch.setString(i + 1, v);
          }
        }
        batch.addBatch();
        batchEvents.add(e);
        if (e.table().equals(io.baton.state.QuarantinedRow.TABLE)) {
          quarantinedByTable.merge(e.after().get("source_table"), 1L, Long::sum);
        } else {
          appliedByTable.merge(e.table().toString(), 1L, Long::sum);
        }
        if (e.commitTimeMs() > 0) {
          commitTimes.add(e.commitTimeMs());
        }
        rows++;
        newestCommit = Math.max(newestCommit, e.commitTimeMs());
      }
      flush(batch, batchEvents);
      storeOffsets(next, positions);
      conn.commit();
      long committedAt = System.currentTimeMillis();
      long[] lags = new long[commitTimes.size()];
      for (int i = 0; i < lags.length; i++) {
        lags[i] = Math.max(0, committedAt - commitTimes.get(i));
        shared.lag().recordValue(lags[i]);
      }
      if (!appliedByTable.isEmpty() || !quarantinedByTable.isEmpty()) {
        tell(new SinkListener.Batch(System.nanoTime() - started, lags, appliedByTable, quarantinedByTable));
      }
      appliedPositions.putAll(positions);
      shared.nextOffsets().putAll(next);
      settleHolds(edges, verdicts);
      shared.applied().addAndGet(rows);
      if (repeats > 0) {
        LOG.debug("sink {}: skipped {} changes delivered again (already applied)", migration, repeats);
        shared.skippedRepeats().addAndGet(repeats);
      }
      if (inSnapshot > 0) {
        LOG.debug("sink {}: skipped {} changes already in a table's restarted bulk snapshot", migration, inSnapshot);
        shared.skippedInSnapshot().addAndGet(inSnapshot);
      }
      markers.forEach(m -> shared.markerApplied(m.getKey(), m.getValue()));
      if (newestCommit > 0) {
        shared.lastCommitTimeMs().accumulateAndGet(newestCommit, Math::max);
        shared.lastBatchLagMs().set(Math.max(0, committedAt - newestCommit));
      }
    } catch (SQLException e) {
      rollbackQuietly();
      failedChange = failing(batchEvents, e);
      throw PgErrors.classify("sink " + migration + ": applying " + describe(batchEvents, e), e);
    } catch (RuntimeException e) {
      rollbackQuietly();
      throw e;
    } finally {
      if (batch != null) {
        try {
          batch.close();
        } catch (SQLException ignored) {
          // the transaction is already decided
        }
      }
    }
  }

  /**
   * After a batch is committed: a hold that found its edge goes on checking past it; one with a
   * verdict is rewound to its edge and paused. Either way, the records read past the edge without
   * being applied are read again once the hold is released.
   */
  private void settleHolds(Map<TopicPartition, Long> edges, Map<TopicPartition, TableHold.State> verdicts) {
    for (Map.Entry<TopicPartition, Long> edge : edges.entrySet()) {
      holds.get(edge.getKey()).checkFrom(edge.getValue());
    }
    for (Map.Entry<TopicPartition, TableHold.State> verdict : verdicts.entrySet()) {
      TopicPartition tp = verdict.getKey();
      TableHold hold = holds.get(tp);
      consumer.seek(tp, edges.getOrDefault(tp, hold.edgeOffset()));
      consumer.pause(List.of(tp));
      advancing.remove(tp);
      hold.moveTo(verdict.getValue());
    }
    for (Map.Entry<TopicPartition, Long> edge : edges.entrySet()) {
      if (!verdicts.containsKey(edge.getKey()) && holds.get(edge.getKey()).state() != TableHold.State.CHECKING) {
        // released while this batch ran: nothing past the edge may be lost
        consumer.seek(edge.getKey(), edge.getValue());
      }
    }
  }

  /**
   * Where a held partition's record goes while its hold advances: applied as usual (false), or
   * not applied (true) because it is past the snapshot's edge, in which case the edge and, once the
   * hold's marker or a change the snapshot sees shows up past the edge, the verdict are noted.
   */
  private static boolean holdStops(TableHold hold, TableHold.State state, TopicPartition tp, long offset, ChangeEvent e,
      Map<TopicPartition, Long> edges, Map<TopicPartition, TableHold.State> verdicts) {
    if (state != TableHold.State.ADVANCING && state != TableHold.State.CHECKING) {
      return false;
    }
    boolean pastEdge = state == TableHold.State.CHECKING || edges.containsKey(tp);
    if (hold.isOwnMarker(e)) {
      edges.putIfAbsent(tp, offset);
      verdicts.put(tp, TableHold.State.HELD);
      return true;
    }
    if (!pastEdge) {
      if (hold.sees(e)) {
        return false;
      }
      edges.put(tp, offset);
      return true;
    }
    if (e.op() != ChangeEvent.Op.MARKER && hold.sees(e)) {
      verdicts.put(tp, TableHold.State.INEXACT);
    }
    return true;
  }

  private static void flush(PreparedStatement batch, List<ChangeEvent> events) throws SQLException {
    if (batch != null && !events.isEmpty()) {
      batch.executeBatch();
      events.clear();
    }
  }

  /** @return the change a batch failed on (the first when the driver does not say), or null for none */
  private static ChangeEvent failing(List<ChangeEvent> pending, SQLException e) {
    if (pending.isEmpty()) {
      return null;
    }
    return pending.get(e instanceof BatchUpdateException b ? failedEntry(b, pending.size()) : 0);
  }

  /** pgJDBC's message for a failed batch statement: "Batch entry {index} {statement} was aborted: ...". */
  private static final java.util.regex.Pattern BATCH_ENTRY = java.util.regex.Pattern.compile("Batch entry (\\d+) ");

  /**
   * Which statement of a JDBC batch failed: the index pgJDBC names in its message, else the first
   * update count marked {@link java.sql.Statement#EXECUTE_FAILED}, else the first one without a
   * count.
   *
   * @param e the batch's failure
   * @param size the number of statements in the batch, at least 1
   * @return the failed statement's index, from 0 to {@code size - 1}
   */
  static int failedEntry(BatchUpdateException e, int size) {
    java.util.regex.Matcher m = BATCH_ENTRY.matcher(String.valueOf(e.getMessage()));
    if (m.find()) {
      return Math.min(Integer.parseInt(m.group(1)), size - 1);
    }
    int[] counts = e.getUpdateCounts() == null ? new int[0] : e.getUpdateCounts();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == java.sql.Statement.EXECUTE_FAILED) {
        return Math.min(i, size - 1);
      }
    }
    return Math.min(counts.length, size - 1);
  }

  private static String describe(List<ChangeEvent> pending, SQLException e) {
    ChangeEvent failed = failing(pending, e);
    if (failed == null) {
      return "a batch";
    }
    Map<String, String> key = failed.key() != null ? failed.key() : failed.before() != null ? failed.before() : failed.after();
    return failed.op() + " of " + failed.table() + " key " + key + " at LSN " + failed.lsn()
        + " (nothing of its batch was applied)";
  }

  private void recordMarker(ChangeEvent e, ConsumerRecord<byte[], byte[]> r) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO baton.drain_markers"
        + " (migration, marker, topic, kafka_partition, lsn) VALUES (?, ?, ?, ?, ?::pg_lsn) ON CONFLICT DO NOTHING")) {
      ps.setString(1, migration);
      ps.setString(2, e.after().get("marker"));
      ps.setString(3, r.topic());
      ps.setInt(4, r.partition());
      ps.setString(5, e.lsn().toString());
      ps.executeUpdate();
    }
  }

  private void storeOffsets(Map<TopicPartition, Long> next, Map<TopicPartition, SlotPosition> positions)
      throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO baton.sink_offsets (migration, topic, kafka_partition,"
        + " next_offset, applied_last_commit_lsn, applied_lsn, applied_step) VALUES (?, ?, ?, ?, ?::pg_lsn, ?::pg_lsn, ?)"
        + " ON CONFLICT (migration, topic, kafka_partition) DO UPDATE SET next_offset = EXCLUDED.next_offset,"
        + " applied_last_commit_lsn = coalesce(EXCLUDED.applied_last_commit_lsn, baton.sink_offsets.applied_last_commit_lsn),"
        + " applied_lsn = coalesce(EXCLUDED.applied_lsn, baton.sink_offsets.applied_lsn),"
        + " applied_step = CASE WHEN EXCLUDED.applied_lsn IS NULL THEN baton.sink_offsets.applied_step"
        + " ELSE EXCLUDED.applied_step END, updated_at = now()")) {
      for (Map.Entry<TopicPartition, Long> o : next.entrySet()) {
        SlotPosition pos = positions.get(o.getKey());
        ps.setString(1, migration);
        ps.setString(2, o.getKey().topic());
        ps.setInt(3, o.getKey().partition());
        ps.setLong(4, o.getValue());
        ps.setString(5, pos == null ? null : pos.lastCommit().toString());
        ps.setString(6, pos == null ? null : pos.change().toString());
        ps.setInt(7, pos == null ? 0 : pos.step());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void rollbackQuietly() {
    try {
      conn.rollback();
    } catch (SQLException ignored) {
      // a broken connection has rolled back on the server already
    }
  }

  /** Stops after the transaction in progress; waits up to 30 s. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(Duration.ofSeconds(5));
    try {
      conn.close();
    } catch (SQLException ignored) {
      // nothing more to release
    }
  }
}
