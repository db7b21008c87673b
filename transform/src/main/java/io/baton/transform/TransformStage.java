package io.baton.transform;

import io.baton.BatonException;
import io.baton.LogFields;
import io.baton.event.ChangeEvent;
import io.baton.event.ChangeEventJson;
import io.baton.event.Topics;
import io.baton.spec.RowRejected;
import io.baton.spec.RowTransform;
import io.baton.spec.TableMapping;
import io.baton.state.QuarantinedRow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams application that applies the spec to every captured change: it reads each
 * source table's topic ({@link Topics#source}), passes every event through the table's
 * {@link RowTransform}, and writes it, keyed by the target primary key, to the target table's
 * topic ({@link Topics#target}), with {@code processing.guarantee=exactly_once_v2}.
 *
 * <p>Drain markers pass through unchanged but for their table, so they reach the sink behind every
 * change that preceded them.
 */
public final class TransformStage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransformStage.class);

  /**
   * The transform consumer's {@code max.poll.interval.ms}, which the classic group protocol also
   * takes as the group's rebalance timeout: how long a rebalance waits for members that do not
   * rejoin. Kafka's default is 300,000 ms. A member that left without a word (its process killed, or
   * its Streams thread that gave up its member id while the broker was down) is normally removed
   * when its session times out ({@code session.timeout.ms}, 6 s here); the rebalance timeout is the
   * bound when that timer is missing. Kafka 4.3.1's group coordinator can lose it: when the broker
   * restarts and its leadership of the group's {@code __consumer_offsets} partition flaps (leader,
   * leaderless, leader again within a second), the completion of the first, stale load activates the
   * newer context before that one has replayed the partition, so the loaded members get no session
   * timer (the broker logs "Finished loading ... with epoch N" for the older epoch and then
   * "Ignored load completion ... because context is in ACTIVE state", and no "Loaded classic group").
   * A member that then rejoins under a new id leaves its old id in the group, and with Kafka's default
   * the group stood in PreparingRebalance, transforming nothing, for five minutes.
   */
  static final int REBALANCE_TIMEOUT_MS = 20_000;

  /**
   * The transform producer's {@code max.block.ms} (Kafka's default 60,000 ms): below
   * {@link #REBALANCE_TIMEOUT_MS}, as Kafka Streams asks ({@code StreamsConfig}'s Javadoc:
   * {@code max.poll.interval.ms > max.block.ms}), so that a send or commit waiting for a broker that
   * is down gives up before the consumer counts as stuck and leaves the group.
   */
  static final int PRODUCER_MAX_BLOCK_MS = 15_000;

  private final KafkaStreams streams;
  private final String migration;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private final LongAdder processed;

  private TransformStage(String migration, KafkaStreams streams, LongAdder processed) {
    this.migration = migration;
    this.streams = streams;
    this.processed = processed;
  }

  /**
   * Builds the topology.
   *
   * @param migration the migration name (topic names)
   * @param transforms one transform per source table in scope
   * @return the topology (see {@link #topology(String, List, LongAdder)})
   */
  public static Topology topology(String migration, List<RowTransform> transforms) {
    return topology(migration, transforms, new LongAdder());
  }

  /**
   * Builds the topology: one sub-topology per source table (its topic, a map, the target table's
   * topic and the quarantine topic), so that each table is a Kafka Streams task of its own. Tasks
   * are numbered by sub-topology and partition, and a sub-topology reading several one-partition
   * topics would be a single task; one per table lets the consumer group spread tables over the
   * instances of the application (the controller's and any number of {@code baton transform}
   * workers).
   *
   * @param migration the migration name (topic names)
   * @param transforms one transform per source table in scope
   * @param processed counts every change event read (markers included)
   * @return the topology
   */
  public static Topology topology(String migration, List<RowTransform> transforms, LongAdder processed) {
    StreamsBuilder builder = new StreamsBuilder();
    Produced<byte[], byte[]> bytes = Produced.with(Serdes.ByteArray(), Serdes.ByteArray());
    for (RowTransform t : transforms) {
      KStream<byte[], Routed> routed = builder.stream(Topics.source(migration, t.sourceTable()),
          Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())).flatMap((key, value) -> {
            processed.increment();
            return transform(migration, t, ChangeEventJson.parse(value));
          });
      // a quarantined row's record goes down the table's own topic, in order with its other changes,
      // after a delete of the row's older version, and the sink records it in baton.quarantine; a
      // copy goes to the quarantine topic
      routed.mapValues(Routed::value).to(Topics.target(migration, t.targetTable()), bytes);
      routed.filter((key, r) -> r.quarantined()).mapValues(Routed::value).to(Topics.quarantine(migration), bytes);
    }
    return builder.build();
  }

  /** @return the records one change event becomes: itself transformed, or a withdrawal and a quarantine record */
  private static List<KeyValue<byte[], Routed>> transform(String migration, RowTransform t, ChangeEvent in) {
    if (!in.table().equals(t.sourceTable())) {
      throw new BatonException("transform " + migration + ": change event for table " + in.table() + " on the topic of "
          + t.sourceTable() + " (LSN " + in.lsn() + ")");
    }
    try {
      ChangeEvent out = t.apply(in);
      return List.of(KeyValue.pair(ChangeEventJson.key(out.key()), new Routed(ChangeEventJson.value(out), false)));
    } catch (RowRejected r) {
      ChangeEvent q = rejected(migration, t, in, r);
      ChangeEvent gone = t.withdrawn(in);
      KeyValue<byte[], Routed> record = KeyValue.pair(ChangeEventJson.key(q.key()), new Routed(ChangeEventJson.value(q), true));
      return gone == null ? List.of(record)
          : List.of(KeyValue.pair(ChangeEventJson.key(gone.key()), new Routed(ChangeEventJson.value(gone), false)), record);
    }
  }

  /**
   * @param migration the migration name
   * @param transforms one transform per source table
   * @return every topic the stage reads or writes: each source table's, each target table's, and
   *     the quarantine topic; for {@code KafkaTopics}-style creation ahead of the stage
   */
  public static List<String> topics(String migration, List<RowTransform> transforms) {
    List<String> all = new ArrayList<>();
    for (RowTransform t : transforms) {
      all.add(Topics.source(migration, t.sourceTable()));
    }
    for (RowTransform t : transforms) {
      all.add(Topics.target(migration, t.targetTable()));
    }
    all.add(Topics.quarantine(migration));
    return all;
  }

  /** A transformed record, and whether it records a quarantined row; never serialized. */
  private record Routed(byte[] value, boolean quarantined) {}

  /**
   * @return the change that records a rejected row in the quarantine
   * @throws BatonException to halt the stage, when the table says {@code onInvalid: halt}
   */
  private static ChangeEvent rejected(String migration, RowTransform t, ChangeEvent in, RowRejected r) {
    try (LogFields f = LogFields.of("migration", migration, "stage", "transform", "table", in.table().toString(), "lsn",
        String.valueOf(in.lsn()))) {
      if (t.onInvalid() != TableMapping.OnInvalid.QUARANTINE) {
        BatonException halt = new BatonException("transform " + migration + " halted at the row with key " + in.key()
            + " (LSN " + in.lsn() + "): " + r.getMessage() + ". Nothing after it is applied until the spec or the data is"
            + " fixed and the pipeline restarted", r, false);
        LOG.error(halt.getMessage());
        throw halt;
      }
      LOG.warn("transform {}: quarantined the row with key {} (LSN {}): {}", migration, in.key(), in.lsn(), r.getMessage());
    }
    return QuarantinedRow.of(migration, in.key() == null || in.key().isEmpty() ? in.after() : in.key(), in.after(),
        in.lsn().toString(), r).asChange(in);
  }

  /**
   * Starts the application with one stream thread, as the controller runs it.
   *
   * @param migration the migration name: topics, and the application id {@code baton-<name>-transform}
   * @param transforms one transform per source table
   * @param kafka the Kafka cluster and its common client settings
   * @param stateDir Kafka Streams' {@code state.dir}
   * @return the running stage
   */
  public static TransformStage start(String migration, List<RowTransform> transforms, io.baton.event.KafkaCluster kafka,
      Path stateDir) {
    return start(migration, transforms, kafka, stateDir, 1, null);
  }

  /**
   * Starts the application. Every instance started with the same migration name joins the same
   * consumer group (the application id), and Kafka Streams deals the tables' tasks out over all of
   * them; no other coordination is needed.
   *
   * @param migration the migration name: topics, and the application id {@code baton-<name>-transform}
   * @param transforms one transform per source table
   * @param kafka the Kafka cluster and its common client settings ({@link io.baton.event.KafkaCluster#clientProperties()})
   * @param stateDir Kafka Streams' {@code state.dir}; one per instance on a machine
   * @param threads stream threads, at least 1; a thread runs one table's task at a time, so more
   *     threads than tables leaves some idle
   * @param clientId Kafka Streams' {@code client.id} (the prefix of its threads' names and client
   *     ids, so that an instance is recognised in the group's membership and metrics), or null for
   *     Kafka Streams' default ({@code <application id>-<process id>})
   * @return the running stage
   * @throws IllegalArgumentException when threads is below 1
   */
  public static TransformStage start(String migration, List<RowTransform> transforms, io.baton.event.KafkaCluster kafka,
      Path stateDir, int threads, String clientId) {
    if (threads < 1) {
      throw new IllegalArgumentException("transform " + migration + ": threads must be at least 1, not " + threads);
    }
    Properties p = streamsProperties(migration, kafka, stateDir, threads, clientId);
    LongAdder processed = new LongAdder();
    KafkaStreams streams = new KafkaStreams(topology(migration, transforms, processed), p);
    return started(migration, streams, processed, transforms.size(), threads);
  }

  /**
   * @return the Kafka Streams configuration: the cluster's common client settings (which Kafka
   *     Streams passes to its producers, consumers and admin client), then the stage's own
   */
  static Properties streamsProperties(String migration, io.baton.event.KafkaCluster kafka, Path stateDir, int threads,
      String clientId) {
    Properties p = kafka.clientProperties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(migration));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    if (clientId != null) {
      p.put(StreamsConfig.CLIENT_ID_CONFIG, clientId);
    }
    Topics.producerTuning().forEach((k, v) -> p.put(StreamsConfig.producerPrefix(k), v));
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // a member that died without leaving (kill -9) holds its partitions until its session times
    // out: 6 s, the broker's default group.min.session.timeout.ms, instead of the client's 45 s
    p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
    p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1500);
    p.put(StreamsConfig.consumerPrefix("max.poll.interval.ms"), REBALANCE_TIMEOUT_MS);
    p.put(StreamsConfig.producerPrefix("max.block.ms"), PRODUCER_MAX_BLOCK_MS);
    return p;
  }

  private static TransformStage started(String migration, KafkaStreams streams, LongAdder processed, int tables,
      int threads) {
    TransformStage stage = new TransformStage(migration, streams, processed);
    streams.setUncaughtExceptionHandler(e -> {
      stage.failure.compareAndSet(null, e);
      LOG.error("transform {} failed", migration, e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        LOG.info("transform {}: this instance transforms {}", migration, stage.describePartitions());
      }
    });
    streams.start();
    LOG.info("transform {} started for {} tables ({} stream thread{})", migration, tables, threads,
        threads == 1 ? "" : "s");
    return stage;
  }

  /**
   * @param migration the migration name
   * @return the Kafka Streams application id, which is also its consumer group: {@code baton-<name>-transform}
   */
  public static String applicationId(String migration) {
    return "baton-" + migration + "-transform";
  }

  /**
   * @return the topic partitions whose tasks this instance runs now (active tasks of its stream
   *     threads), sorted by topic; empty before the first assignment or after a failure
   */
  public List<String> localPartitions() {
    List<String> partitions = new ArrayList<>();
    try {
      for (var thread : streams.metadataForLocalThreads()) {
        for (var task : thread.activeTasks()) {
          task.topicPartitions().forEach(tp -> partitions.add(tp.topic() + "-" + tp.partition()));
        }
      }
    } catch (IllegalStateException e) {
      return List.of();
    }
    partitions.sort(null);
    return partitions;
  }

  /** @return change events (markers included) this instance has read since it started */
  public long processed() {
    return processed.sum();
  }

  private String describePartitions() {
    List<String> local = localPartitions();
    return local.isEmpty() ? "no topic partition for now" : local.size() + " topic partitions: " + String.join(", ", local);
  }

  /** @throws BatonException when the application stopped on an error */
  public void checkHealthy() {
    Throwable t = failure.get();
    if (t != null) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (c instanceof BatonException b) {
          throw new BatonException(b.getMessage(), t);
        }
      }
      throw new BatonException("transform " + migration + " failed: " + t.getMessage(), t);
    }
  }

  /**
   * Stops the application, committing what it processed, and leaves the consumer group so that a
   * restarted instance gets the partitions at once instead of after the session timeout; waits up
   * to 30 s.
   */
  @Override
  public void close() {
    streams.close(org.apache.kafka.streams.CloseOptions.timeout(Duration.ofSeconds(30))
        .withGroupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    LOG.info("transform {} stopped", migration);
  }
}
