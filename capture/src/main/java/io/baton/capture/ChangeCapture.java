package io.baton.capture;

import io.baton.BatonException;
import io.baton.event.ChangeEvent;
import io.baton.event.ChangeEventJson;
import io.baton.event.Topics;
import io.baton.pg.Database;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a database's changes from an existing logical replication slot into Kafka, one topic per
 * table ({@link Topics#source}), keyed by primary key, with Debezium Embedded and
 * {@code snapshot.mode=no_data} (the bulk snapshot is Baton's own, under the slot's exported
 * snapshot).
 *
 * <p>Delivery is at least once, in slot order: a batch is produced and flushed to Kafka before
 * Debezium may commit its offset and confirm the LSN to the server, so a crash re-sends a suffix of
 * changes and loses none. Debezium's offsets are kept in a file, so a restart resumes where the
 * last run confirmed.
 *
 * <p>Drain markers written with {@link DrainMarkers#emit} arrive here as logical decoding messages
 * and are forwarded to every table's topic as {@link ChangeEvent.Op#MARKER} events.
 */
public final class ChangeCapture implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeCapture.class);
  /** How long a stop is retried while Debezium's task is still starting, ms. */
  private static final long STOP_RETRY_MS = 20_000;

  /**
   * What to capture.
   *
   * @param migration the migration name (topic names)
   * @param database the captured database
   * @param slot an existing logical slot (pgoutput)
   * @param publication an existing publication of exactly {@code tables}
   * @param tables the captured tables
   * @param offsetFile where Debezium keeps its offsets
   * @param kafka the Kafka cluster and the client settings of the producer
   */
  public record Settings(String migration, Database database, String slot, String publication,
      List<TableName> tables, Path offsetFile, io.baton.event.KafkaCluster kafka) {
    /** The same with a Kafka cluster reached with the clients' defaults. */
    public Settings(String migration, Database database, String slot, String publication, List<TableName> tables,
        Path offsetFile, String bootstrapServers) {
      this(migration, database, slot, publication, tables, offsetFile, io.baton.event.KafkaCluster.of(bootstrapServers));
    }
  }

  private final Settings settings;
  private final KafkaProducer<byte[], byte[]> producer;
  private final DebeziumEngine<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> engine;
  private final ExecutorService executor;
  private final AtomicLong events = new AtomicLong();
  private final AtomicReference<Lsn> lastLsn = new AtomicReference<>(Lsn.ZERO);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Map<TableName, String> topics = new java.util.concurrent.ConcurrentHashMap<>();
  /** The position known when this capture started ({@link StoredOffsets#knownPosition}); null when none. */
  private final Lsn storedAtStart;
  /** Whether the slot Debezium attached to was found to be the one it streamed from before. */
  private volatile boolean slotChecked;

  private ChangeCapture(Settings settings) {
    this.settings = settings;
    this.storedAtStart = StoredOffsets.knownPosition(settings.offsetFile());
    Properties pp = producerProperties(settings);
    this.producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
    this.engine = DebeziumEngine.create(Connect.class)
        .using(debeziumProperties(settings))
        .notifying(this::handleBatch)
        .using((success, message, error) -> {
          if (!success) {
            failure.compareAndSet(null, explain(error != null ? error : new BatonException(message)));
            try (io.baton.LogFields f = io.baton.LogFields.of("lsn", lastLsn.get().toString())) {
              LOG.error("capture of {} stopped: {}", settings.database(), message, error);
            }
          }
        })
        .build();
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(() -> {
        // structured logs (BATON_LOG_FORMAT=json) carry these as fields
        org.slf4j.MDC.put("migration", settings.migration());
        org.slf4j.MDC.put("stage", "capture");
        r.run();
      }, "baton-capture-" + settings.migration());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts streaming in a background thread.
   *
   * @param settings what to capture
   * @return the running capture; close it to stop
   */
  public static ChangeCapture start(Settings settings) {
    ChangeCapture c = new ChangeCapture(settings);
    c.executor.execute(c.engine);
    LOG.info("capture {} streaming slot {} on {} into Kafka", settings.migration(), settings.slot(), settings.database());
    return c;
  }

  /** @return the producer's configuration: the cluster's common client settings, then the capture's own */
  static Properties producerProperties(Settings settings) {
    Properties pp = settings.kafka().clientProperties();
    pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    pp.putAll(Topics.producerTuning());
    return pp;
  }

  static Properties debeziumProperties(Settings s) {
    Properties p = new Properties();
    p.setProperty("name", "baton-" + s.migration());
    p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.setProperty("offset.storage", AtomicFileOffsetStore.class.getName());
    p.setProperty("offset.storage.file.filename", s.offsetFile().toString());
    p.setProperty("offset.flush.interval.ms", "1000");
    p.setProperty("database.hostname", s.database().host());
    p.setProperty("database.port", Integer.toString(s.database().port()));
    p.setProperty("database.user", s.database().user());
    if (s.database().password() != null) {
      p.setProperty("database.password", s.database().password());
    }
    p.setProperty("database.dbname", s.database().database());
    // the same TLS settings as every other connection to this database (database.sslmode and the rest)
    s.database().tls().debeziumProperties(p);
    p.setProperty("topic.prefix", "baton_" + s.migration());
    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", s.slot());
    p.setProperty("publication.name", s.publication());
    p.setProperty("publication.autocreate.mode", "disabled");
    p.setProperty("snapshot.mode", "no_data");
    p.setProperty("table.include.list", TableIncludeList.of(s.tables()));
    p.setProperty("decimal.handling.mode", "string");
    p.setProperty("time.precision.mode", "adaptive_time_microseconds");
    p.setProperty("interval.handling.mode", "string");
    p.setProperty("binary.handling.mode", "bytes");
    p.setProperty("hstore.handling.mode", "json");
    p.setProperty("include.unknown.datatypes", "true");
    // every field's schema carries the column's PostgreSQL type and length, so that values Debezium
    // maps to a less specific Connect type (bit strings) get their exact text form back
    p.setProperty("datatype.propagate.source.type", ".+");
    p.setProperty("tombstones.on.delete", "false");
    // TRUNCATE must reach the target too (Debezium skips it by default: skipped.operations=t)
    p.setProperty("skipped.operations", "none");
    p.setProperty("slot.drop.on.stop", "false");
    // the slot is told a position only after Debezium stored it (the default, set here because the
    // check for a recreated slot relies on it: ReplicationSlots.SlotHealth#recreated); the pgjdbc
    // driver does not confirm keepalive positions on its own (Debezium option lsn.flush.mode)
    p.setProperty("lsn.flush.mode", "connector");
    p.setProperty("message.prefix.include.list", DrainMarkers.PREFIX);
    // a retriable error stops the engine at once (Debezium option errors.max.retries): the caller
    // restarts the whole pipeline from the slot with one bounded backoff for every stage
    p.setProperty("errors.max.retries", "0");
    // hand changes over as soon as they arrive rather than after the default 500 ms wait
    p.setProperty("poll.interval.ms", "10");
    // confirm the slot's position even while the captured tables are idle, so that the source
    // does not retain WAL written by other tables (Debezium option heartbeat.interval.ms)
    p.setProperty("heartbeat.interval.ms", "10000");
    return p;
  }

  private void handleBatch(List<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> batch,
      DebeziumEngine.RecordCommitter<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> committer) throws InterruptedException {
    if (!slotChecked) {
      checkSlotContinuity();
      slotChecked = true;
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>(batch.size());
    long count = 0;
    for (io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord> e : batch) {
      SourceRecord r = e.value();
      if (r.value() instanceof Struct value && value.schema().field("op") != null) {
        Struct source = value.getStruct("source");
        Lsn lsn = new Lsn(source.getInt64("lsn"));
        Lsn lastCommit = lastCommitLsn(source);
        long ts = source.getInt64("ts_ms");
        Long txId = source.schema().field("txId") == null ? null : source.getInt64("txId");
        String op = value.getString("op");
        if ("m".equals(op)) {
          Struct message = value.getStruct("message");
          ByteBuffer content = ByteBuffer.wrap(message.getBytes("content"));
          String id = StandardCharsets.UTF_8.decode(content).toString();
          for (TableName t : settings.tables()) {
            sent.add(send(t, new ChangeEvent(ChangeEvent.Op.MARKER, t, null, null, Map.of("marker", id), lsn, ts, lastCommit,
                txId == null ? 0 : txId)));
          }
          try (io.baton.LogFields f = io.baton.LogFields.of("lsn", lsn.toString())) {
            LOG.debug("capture {}: drain marker {} at {}", settings.migration(), id, lsn);
          }
        } else {
          TableName table = new TableName(source.getString("schema"), source.getString("table"));
          ChangeEvent ev = new ChangeEvent(ChangeEvent.Op.of(op), table,
              r.key() instanceof Struct k ? ConnectValues.row(k) : null,
              ConnectValues.row(struct(value, "before")), ConnectValues.row(struct(value, "after")), lsn, ts, lastCommit,
              txId == null ? 0 : txId);
          sent.add(send(table, ev));
          count++;
        }
        lastLsn.set(lsn);
      }
    }
    producer.flush();
    for (Future<RecordMetadata> f : sent) {
      try {
        f.get();
      } catch (ExecutionException ex) {
        throw new BatonException("capture " + settings.migration() + ": Kafka did not accept a change event: "
            + ex.getCause().getMessage(), ex.getCause(), true);
      }
    }
    for (io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord> e : batch) {
      committer.markProcessed(e);
    }
    committer.markBatchFinished();
    events.addAndGet(count);
  }

  /**
   * Debezium refuses, when its task starts, a stored position that the slot no longer holds: the
   * slot was created again (by Debezium itself, having found it missing) or invalidated. Its message
   * then dumps the whole offset context and advises a snapshot mode; this says what happened in
   * Baton's terms instead. Retriable: restarting the pipeline checks the slot again before capture
   * starts, where the migration names the side and the fix (a resync), and that check fails for good.
   *
   * @param error why Debezium stopped
   * @return the error to report
   */
  private Throwable explain(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("is no longer available on the server")) {
        return new BatonException("capture " + settings.migration() + " stopped before passing on any change: replication"
            + " slot " + settings.slot() + " on " + settings.database() + " no longer holds the position Debezium stored"
            + (storedAtStart == null ? "" : " (LSN " + storedAtStart + ")") + ": it was dropped and created again, or"
            + " invalidated", null, true);
      }
    }
    return error;
  }

  /**
   * Makes sure the slot Debezium attached to still holds every change since the position stored
   * before this capture started. Debezium creates a slot it does not find, so a slot dropped after
   * Baton last checked it is replaced by a new one that starts past the changes in between.
   * Checked before the first batch (changes or heartbeat) is passed on: until then this capture
   * has confirmed nothing to the slot, so a {@code restart_lsn} past the stored position can only
   * be a new slot ({@link ReplicationSlots.SlotHealth#recreated()}). Debezium 3.6 makes a like
   * check when its task starts ({@link #explain}); this one does not depend on it.
   *
   * @throws BatonException when the slot is not usable; nothing of the batch was sent
   */
  private void checkSlotContinuity() {
    ReplicationSlots.SlotHealth health;
    try (java.sql.Connection c = settings.database().connect()) {
      health = ReplicationSlots.health(c, settings.slot(), storedAtStart);
    } catch (java.sql.SQLException e) {
      throw new BatonException("capture " + settings.migration() + ": cannot check replication slot " + settings.slot()
          + ": " + e.getMessage(), e, true);
    }
    if (!health.usable()) {
      // retriable: restarting the pipeline checks the slot again before capture starts, where the
      // migration names the side and the fix (a resync); that check fails for good
      throw new BatonException("capture " + settings.migration() + " stopped before passing on any change: "
          + health.problem(settings.slot(), settings.database().toString()), null, true);
    }
  }

  /**
   * The first half of Debezium's {@code source.sequence}, a JSON array of two decimal LSNs as
   * strings ({@code ["24023928","24023960"]}): the commit LSN of the transaction decoded before.
   *
   * @return that LSN, or null when Debezium does not know it yet
   */
  static Lsn lastCommitLsn(Struct source) {
    String seq = source.schema().field("sequence") == null ? null : source.getString("sequence");
    if (seq == null) {
      return null;
    }
    int start = seq.indexOf('[') + 1;
    int end = seq.indexOf(',', start);
    String first = seq.substring(start, end < 0 ? seq.length() : end).replace("\"", "").replace("]", "").trim();
    return first.isEmpty() || first.equals("null") ? null : new Lsn(Long.parseUnsignedLong(first));
  }

  /** A row image of an envelope, or null when the event has none (a truncate has neither). */
  private static Struct struct(Struct envelope, String field) {
    return envelope.schema().field(field) == null ? null : envelope.getStruct(field);
  }

  private Future<RecordMetadata> send(TableName table, ChangeEvent ev) {
    String topic = topics.computeIfAbsent(table, t -> Topics.source(settings.migration(), t));
    return producer.send(new ProducerRecord<>(topic,
        ChangeEventJson.key(ev.key()), ChangeEventJson.value(ev)));
  }

  /** @return the number of row changes (not markers) produced to Kafka so far */
  public long events() {
    return events.get();
  }

  /** @return the LSN of the newest change or marker produced, {@link Lsn#ZERO} before the first */
  public Lsn lastLsn() {
    return lastLsn.get();
  }

  /**
   * @throws BatonException when the capture stopped on an error (the message carries Debezium's)
   */
  public void checkHealthy() {
    Throwable t = failure.get();
    if (t != null) {
      Throwable root = t;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new BatonException("capture " + settings.migration() + " failed: " + t.getMessage()
          + (root == t ? "" : " (" + root + ")"), t);
    }
  }

  /**
   * Asks Debezium to stop. An engine whose task is still starting refuses ("Cannot stop engine while
   * tasks are starting"), as happens when a stop follows a switch closely: it is asked again until
   * its task has started, for up to {@value #STOP_RETRY_MS} ms.
   */
  private void stopEngine() {
    long deadline = System.nanoTime() + STOP_RETRY_MS * 1_000_000L;
    while (true) {
      try {
        engine.close();
        return;
      } catch (IllegalStateException e) {
        boolean starting = e.getMessage() != null && e.getMessage().contains("starting");
        if (!starting || System.nanoTime() > deadline) {
          // otherwise the engine already stopped on its own (after a failure)
          LOG.warn("capture {}: stopping Debezium: {}", settings.migration(), e.getMessage());
          return;
        }
      } catch (java.io.IOException e) {
        LOG.warn("capture {}: stopping Debezium: {}", settings.migration(), e.getMessage());
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stops Debezium (its offsets are flushed) and the producer; waits up to 30 s. */
  @Override
  public void close() {
    stopEngine();
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("capture {}: Debezium did not stop within 30 s", settings.migration());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(java.time.Duration.ofSeconds(10));
    LOG.info("capture {} stopped after {} events", settings.migration(), events.get());
  }
}
