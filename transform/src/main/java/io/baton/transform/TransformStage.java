package io.baton.transform;

import io.baton.BatonException;
import io.baton.event.ChangeEvent;
import io.baton.event.ChangeEventJson;
import io.baton.event.Topics;
import io.baton.pg.TableName;
import io.baton.spec.RowRejected;
import io.baton.spec.RowTransform;
import io.baton.spec.TableMapping;
import io.baton.state.QuarantinedRow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
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
  private final KafkaStreams streams;
  private final String migration;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private TransformStage(String migration, KafkaStreams streams) {
    this.migration = migration;
    this.streams = streams;
  }

  /**
   * Builds the topology.
   *
   * @param migration the migration name (topic names)
   * @param transforms one transform per source table in scope
   * @return the topology: one source node over all source topics, a map, a sink choosing the topic
   */
  public static Topology topology(String migration, List<RowTransform> transforms) {
    Map<String, RowTransform> bySourceTopic = new HashMap<>();
    Map<TableName, RowTransform> bySourceTable = new HashMap<>();
    Map<String, String> targetTopics = new HashMap<>();
    for (RowTransform t : transforms) {
      bySourceTopic.put(Topics.source(migration, t.sourceTable()), t);
      bySourceTable.put(t.sourceTable(), t);
      targetTopics.put(Topics.source(migration, t.sourceTable()), Topics.target(migration, t.targetTable()));
    }
    StreamsBuilder builder = new StreamsBuilder();
    KStream<byte[], Routed> routed = builder.stream(List.copyOf(bySourceTopic.keySet()),
        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())).flatMap((key, value) -> {
          ChangeEvent in = ChangeEventJson.parse(value);
          RowTransform t = bySourceTable.get(in.table());
          if (t == null) {
            throw new BatonException("transform " + migration + ": change event for table " + in.table()
                + " which is not in the spec (LSN " + in.lsn() + ")");
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
        });
    Produced<byte[], byte[]> bytes = Produced.with(Serdes.ByteArray(), Serdes.ByteArray());
    // a quarantined row's record goes down the table's own topic, in order with its other changes,
    // after a delete of the row's older version, and the sink records it in baton.quarantine; a
    // copy goes to the quarantine topic
    routed.mapValues(Routed::value).to((key, value, ctx) -> targetTopics.get(ctx.topic()), bytes);
    routed.filter((key, r) -> r.quarantined()).mapValues(Routed::value).to(Topics.quarantine(migration), bytes);
    return builder.build();
  }

  /** A transformed record, and whether it records a quarantined row; never serialized. */
  private record Routed(byte[] value, boolean quarantined) {}

  /**
   * @return the change that records a rejected row in the quarantine
   * @throws BatonException to halt the stage, when the table says {@code onInvalid: halt}
   */
  private static ChangeEvent rejected(String migration, RowTransform t, ChangeEvent in, RowRejected r) {
    if (t.onInvalid() != TableMapping.OnInvalid.QUARANTINE) {
      throw new BatonException("transform " + migration + " halted at the row with key " + in.key() + " (LSN " + in.lsn()
          + "): " + r.getMessage() + ". Nothing after it is applied until the spec or the data is fixed and the"
          + " pipeline restarted", r, false);
    }
    LOG.warn("transform {}: quarantined the row with key {} (LSN {}): {}", migration, in.key(), in.lsn(), r.getMessage());
    return QuarantinedRow.of(migration, in.key() == null || in.key().isEmpty() ? in.after() : in.key(), in.after(),
        in.lsn().toString(), r).asChange(in);
  }

  /**
   * Starts the application.
   *
   * @param migration the migration name: topics, and the application id {@code baton-<name>-transform}
   * @param transforms one transform per source table
   * @param bootstrapServers the Kafka cluster
   * @param stateDir Kafka Streams' {@code state.dir}
   * @return the running stage
   */
  public static TransformStage start(String migration, List<RowTransform> transforms, String bootstrapServers, Path stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "baton-" + migration + "-transform");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    Topics.producerTuning().forEach((k, v) -> p.put(StreamsConfig.producerPrefix(k), v));
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // a member that died without leaving (kill -9) holds its partitions until its session times
    // out: 6 s, the broker's default group.min.session.timeout.ms, instead of the client's 45 s
    p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
    p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1500);
    KafkaStreams streams = new KafkaStreams(topology(migration, transforms), p);
    TransformStage stage = new TransformStage(migration, streams);
    streams.setUncaughtExceptionHandler(e -> {
      stage.failure.compareAndSet(null, e);
      LOG.error("transform {} failed", migration, e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.start();
    LOG.info("transform {} started for {} tables", migration, transforms.size());
    return stage;
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
