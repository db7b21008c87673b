package io.baton.sink;

import io.baton.BatonException;
import io.baton.event.ApplyHolds;
import io.baton.event.Topics;
import io.baton.pg.Database;
import io.baton.pg.TableName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the transformed change topics to a database, exactly once in effect, with several
 * threads in parallel: the topic partitions (one per table) are dealt out to up to
 * {@code threads} {@link SinkWorker}s, each with its own consumer, connection and transactions.
 * A table's changes stay in one partition and so in one thread, in source commit order; changes of
 * different tables are applied independently, which the replica role makes safe (PostgreSQL's own
 * logical replication applies tables the same way: foreign keys are not checked on apply).
 *
 * <p>What each thread guarantees (offsets in the same transaction as the rows, redelivery and
 * snapshot filters, retries, errors naming the row) is described at {@link SinkWorker}.
 */
public final class StreamSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSink.class);

  /**
   * What the threads of one sink share: counters (failed attempts counts every apply attempt that
   * failed, retried or not), the lag histogram, the first failure, which partitions have applied
   * each drain marker, and each partition's next offset as last stored in the target (-1 for the
   * beginning of the partition).
   */
  record Shared(AtomicLong applied, AtomicLong skippedRepeats, AtomicLong skippedInSnapshot, AtomicLong lastCommitTimeMs,
      AtomicLong lastBatchLagMs, AtomicLong failedAttempts, Recorder lag, AtomicReference<Throwable> failure,
      Map<String, Set<TopicPartition>> markers, Map<TopicPartition, Long> nextOffsets, SinkListener listener) {
    Shared(SinkListener listener) {
      this(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(),
          new Recorder(3), new AtomicReference<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), listener);
    }

    void markerApplied(String marker, TopicPartition partition) {
      markers.computeIfAbsent(marker, k -> ConcurrentHashMap.newKeySet()).add(partition);
    }
  }

  private final String migration;
  private final Shared shared;
  private final List<SinkWorker> workers = new ArrayList<>();
  private final int partitionCount;

  private StreamSink(String migration, int partitionCount, SinkListener listener) {
    this.migration = migration;
    this.partitionCount = partitionCount;
    this.shared = new Shared(listener);
  }

  /**
   * Starts applying in background threads.
   *
   * @param migration the migration name (offsets and markers are stored under it)
   * @param target the database to apply to
   * @param topics the topics to apply; they must exist
   * @param kafka the Kafka cluster
   * @param threads the most threads (and target connections) to use, at least 1; no more are
   *     started than there are partitions
   * @return the running sink
   * @throws BatonException when a topic does not exist or the target refuses the connection or the
   *     replica role; threads already started are stopped
   */
  public static StreamSink start(String migration, Database target, List<String> topics, io.baton.event.KafkaCluster kafka,
      int threads) {
    return start(migration, target, topics, kafka, threads, SinkListener.NONE);
  }

  /**
   * Starts applying in background threads, telling a listener about each batch committed.
   *
   * @param migration as for {@link #start(String, Database, List, String, int)}
   * @param target as there
   * @param topics as there
   * @param kafka as there
   * @param threads as there
   * @param listener told about every batch committed, on the sink's threads
   * @return the running sink
   * @throws BatonException as there
   */
  public static StreamSink start(String migration, Database target, List<String> topics, io.baton.event.KafkaCluster kafka,
      int threads, SinkListener listener) {
    if (threads < 1) {
      throw new IllegalArgumentException("a sink needs at least one thread, not " + threads);
    }
    List<TopicPartition> partitions = partitionsOf(topics, kafka);
    int n = Math.min(threads, Math.max(1, partitions.size()));
    List<List<TopicPartition>> dealt = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dealt.add(new ArrayList<>());
    }
    for (int i = 0; i < partitions.size(); i++) {
      dealt.get(i % n).add(partitions.get(i));
    }
    StreamSink sink = new StreamSink(migration, partitions.size(), listener);
    try {
      for (int i = 0; i < n; i++) {
        sink.workers.add(new SinkWorker(migration, target, dealt.get(i), kafka, i, sink.shared));
      }
    } catch (RuntimeException e) {
      sink.close();
      throw e;
    }
    sink.workers.forEach(SinkWorker::start);
    LOG.info("sink {} applies {} partitions into {} with {} threads", migration, partitions.size(), target, n);
    return sink;
  }

  private static List<TopicPartition> partitionsOf(List<String> topics, io.baton.event.KafkaCluster kafka) {
    java.util.Properties p = kafka.clientProperties();
    List<TopicPartition> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      for (String topic : topics) {
        c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(info -> out.add(new TopicPartition(topic, info.partition())));
      }
    }
    out.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    return out;
  }

  /**
   * Makes a sink that is not running skip what its topics hold now: the next offset it applies
   * becomes each topic's end offset (one partition per topic), kept in {@code baton.sink_offsets}
   * where the sink reads it when it starts. For a resync, whose bulk copy replaces what those
   * records would have applied.
   *
   * @param target the database the sink applies to (Baton's state schema must exist)
   * @param migration the migration name
   * @param endOffsets the end offset of each topic, by name
   * @throws BatonException when the target refuses (retriable as {@link io.baton.pg.PgErrors} decides)
   */
  public static void skipTo(java.sql.Connection target, String migration, Map<String, Long> endOffsets) {
    try (java.sql.PreparedStatement ps = target.prepareStatement("INSERT INTO baton.sink_offsets (migration, topic,"
        + " kafka_partition, next_offset) VALUES (?, ?, 0, ?) ON CONFLICT (migration, topic, kafka_partition)"
        + " DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()")) {
      for (Map.Entry<String, Long> e : endOffsets.entrySet()) {
        ps.setString(1, migration);
        ps.setString(2, e.getKey());
        ps.setLong(3, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (java.sql.SQLException e) {
      throw io.baton.pg.PgErrors.classify("moving the sink of " + migration + " past its backlog", e);
    }
  }

  /**
   * The end-to-end lag of the changes applied since the last call: for each change, the time from
   * its commit on the origin (Debezium's {@code source.ts_ms}) to the commit of the batch that
   * applied it here. Both clocks must agree (the same machine, or NTP).
   *
   * @return a histogram of milliseconds; empty when nothing was applied
   */
  public Histogram lagSinceLastCall() {
    return shared.lag().getIntervalHistogram();
  }

  /**
   * Tells whether a drain marker has been applied on every partition this sink reads. Markers are
   * also recorded in {@code baton.drain_markers}, in the transaction that applied them, for other
   * processes to read.
   *
   * @param marker the marker id
   * @return true when every partition has applied it
   */
  public boolean markerApplied(String marker) {
    Set<TopicPartition> seen = shared.markers().get(marker);
    return seen != null && seen.size() >= partitionCount;
  }

  /**
   * Forgets an applied marker, once its writer has seen it applied ({@link #markerApplied} then
   * answers false for it).
   *
   * @param marker the marker id
   */
  public void forgetMarker(String marker) {
    shared.markers().remove(marker);
  }

  /**
   * Pauses one table's apply for a comparison at the edge of a source snapshot ({@link ApplyHolds}).
   *
   * @param targetTable the table, by its target name
   * @param markerWriter writes a drain marker with the given id into the source; called by
   *     {@link ApplyHolds.Hold#advanceTo} right after the snapshot is handed over
   * @return the hold
   * @throws BatonException when this sink does not apply that table
   */
  public ApplyHolds.Hold hold(TableName targetTable, java.util.function.Consumer<String> markerWriter) {
    TopicPartition tp = new TopicPartition(Topics.target(migration, targetTable), 0);
    for (SinkWorker w : workers) {
      if (w.owns(tp)) {
        TableHold hold = new TableHold(tp, markerWriter, shared.failure()::get);
        w.hold(hold);
        return hold;
      }
    }
    throw new BatonException("sink " + migration + " does not apply table " + targetTable + " (no partition " + tp + ")");
  }

  /**
   * @return each partition's next offset to apply as last stored in the target, by topic (one
   *     partition per topic); -1 for a partition read from its beginning that has stored none yet.
   *     For stall reports, next to the topics' end offsets.
   */
  public Map<String, Long> nextOffsets() {
    Map<String, Long> out = new java.util.TreeMap<>();
    shared.nextOffsets().forEach((tp, next) -> out.put(tp.topic(), next));
    return out;
  }

  /** @return the number of row changes applied and committed, all threads together */
  public long applied() {
    return shared.applied().get();
  }

  /** @return apply attempts that failed (a batch rolled back), retried or not, all threads together */
  public long failedAttempts() {
    return shared.failedAttempts().get();
  }

  /** @return the source commit time of the newest applied change, ms since the epoch; 0 before any */
  public long lastCommitTimeMs() {
    return shared.lastCommitTimeMs().get();
  }

  /**
   * @return the end-to-end lag of the last batch committed, in ms: from the source commit of its
   *     newest change to its commit here (both clocks must agree); 0 before any. It keeps its value
   *     while nothing arrives.
   */
  public long lastBatchLagMs() {
    return shared.lastBatchLagMs().get();
  }

  /** @throws BatonException when a thread stopped on an error (the first error) */
  public void checkHealthy() {
    Throwable t = shared.failure().get();
    if (t != null) {
      throw t instanceof BatonException b ? b : new BatonException("sink " + migration + " failed: " + t.getMessage(), t);
    }
  }

  /** Stops every thread after its transaction in progress; waits up to 30 s for each. */
  @Override
  public void close() {
    workers.forEach(SinkWorker::close);
    LOG.info("sink {} stopped after {} changes; skipped {} delivered again and {} already in a restarted table copy",
        migration, shared.applied().get(), shared.skippedRepeats().get(), shared.skippedInSnapshot().get());
  }
}
