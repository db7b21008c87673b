package io.baton.cli;

import io.baton.BatonException;
import io.baton.capture.ChangeCapture;
import io.baton.capture.DrainMarkers;
import io.baton.cutover.Replication;
import io.baton.event.ApplyHolds;
import io.baton.event.Topics;
import io.baton.pg.Database;
import io.baton.pg.Lsn;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.spec.ApplySettings;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import io.baton.sink.StreamSink;
import io.baton.transform.TransformStage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One direction of replication, all stages in this process: capture (Debezium on a slot of the
 * origin) → Kafka → transform (Kafka Streams) → Kafka → sink (into the destination).
 */
public final class ReplicationPipeline implements Replication, ApplyHolds {
  private final String name;
  private final Database origin;
  private final ChangeCapture capture;
  private final TransformStage transform;
  private final StreamSink sink;
  private final ProgressProbe probe;
  private final io.baton.event.KafkaCluster kafka;
  private final List<String> topics;

  private ReplicationPipeline(String name, Database origin, ChangeCapture capture, TransformStage transform, StreamSink sink,
      io.baton.event.KafkaCluster kafka, List<String> topics) {
    this.name = name;
    this.origin = origin;
    this.capture = capture;
    this.transform = transform;
    this.sink = sink;
    this.kafka = kafka;
    this.topics = topics;
    this.probe = new ProgressProbe(name, this::emitMarker, sink::markerApplied, sink::forgetMarker, sink::applied,
        System::currentTimeMillis);
  }

  private DrainMarkers.Marker emitMarker() {
    try (Connection c = origin.connect()) {
      return DrainMarkers.emit(c, io.baton.event.ChangeEvent.PROGRESS_MARKER_PREFIX + java.util.UUID.randomUUID());
    } catch (SQLException e) {
      throw io.baton.pg.PgErrors.classify("writing a progress marker into " + origin, e);
    }
  }

  /**
   * Starts every stage. The slot and publication named {@link MigrationSpec#slotName(String)} must
   * exist on the origin.
   *
   * @param name the pipeline's migration name (slot, publication, topics, offsets)
   * @param origin where changes come from
   * @param destination where they are applied
   * @param tables origin tables with their transforms
   * @param kafka the Kafka cluster
   * @param workDir where Debezium's offsets and Kafka Streams' state live; created when missing
   * @param apply how the sink applies (its threads)
   * @return the running pipeline
   */
  public static ReplicationPipeline start(String name, Database origin, Database destination,
      Map<TableInfo, RowTransform> tables, io.baton.event.KafkaCluster kafka, Path workDir, ApplySettings apply) {
    return start(name, origin, destination, tables, kafka, workDir, apply, io.baton.sink.SinkListener.NONE);
  }

  /**
   * Starts a pipeline whose sink tells a listener about every batch it commits.
   *
   * @param listener told about each batch the sink commits (metrics), on the sink's threads
   * @return the running pipeline
   * @see #start(String, Database, Database, Map, String, Path, ApplySettings)
   */
  public static ReplicationPipeline start(String name, Database origin, Database destination,
      Map<TableInfo, RowTransform> tables, io.baton.event.KafkaCluster kafka, Path workDir, ApplySettings apply,
      io.baton.sink.SinkListener listener) {
    List<RowTransform> transforms = List.copyOf(tables.values());
    List<String> targetTopics = transforms.stream().map(t -> Topics.target(name, t.targetTable())).toList();
    try {
      java.nio.file.Files.createDirectories(workDir);
    } catch (java.io.IOException e) {
      throw new BatonException("cannot create work directory " + workDir + ": " + e.getMessage(), e);
    }
    KafkaTopics.ensure(kafka, TransformStage.topics(name, transforms));
    StreamSink sink = StreamSink.start(name, destination, targetTopics, kafka, apply.threads(), listener);
    TransformStage transform = null;
    try {
      transform = TransformStage.start(name, transforms, kafka, workDir.resolve("streams-" + name));
      ChangeCapture capture = ChangeCapture.start(new ChangeCapture.Settings(name, origin, MigrationSpec.slotName(name),
          MigrationSpec.slotName(name), transforms.stream().map(RowTransform::sourceTable).toList(), offsetFile(workDir, name),
          kafka));
      return new ReplicationPipeline(name, origin, capture, transform, sink, kafka, TransformStage.topics(name, transforms));
    } catch (RuntimeException e) {
      if (transform != null) {
        transform.close();
      }
      sink.close();
      throw e;
    }
  }

  /**
   * @param workDir the work directory
   * @param name the pipeline's name
   * @return where its Debezium offsets live (deleted when a fresh slot replaces the old one)
   */
  static Path offsetFile(Path workDir, String name) {
    return workDir.resolve("debezium-offsets-" + name + ".dat");
  }

  @Override
  public Lsn drain(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    DrainMarkers.Marker marker;
    try (Connection c = origin.connect()) {
      marker = DrainMarkers.emit(c);
    } catch (SQLException e) {
      throw new BatonException("drain " + name + ": " + e.getMessage(), e, true);
    }
    while (!sink.markerApplied(marker.id())) {
      checkHealthy();
      if (System.nanoTime() > deadline) {
        throw new BatonException("drain " + name + ": changes up to LSN " + marker.lsn() + " were not all applied within "
            + timeout.toMillis() + " ms (capture at " + capture.lastLsn() + ")", null, true);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new BatonException("interrupted while draining " + name, e);
      }
    }
    sink.forgetMarker(marker.id());
    return marker.lsn();
  }

  /**
   * Pauses one table's apply for a comparison at the edge of a snapshot of the origin; the drain
   * marker that bounds the hold goes into the origin.
   */
  @Override
  public ApplyHolds.Hold hold(TableName targetTable) {
    return sink.hold(targetTable, markerId -> {
      try (Connection c = origin.connect()) {
        DrainMarkers.emit(c, markerId);
      } catch (SQLException e) {
        throw new BatonException("hold " + targetTable + ": " + e.getMessage(), e, true);
      }
    });
  }

  /** @throws BatonException when a stage stopped on an error */
  public void checkHealthy() {
    capture.checkHealthy();
    transform.checkHealthy();
    sink.checkHealthy();
  }

  /**
   * Writes a progress marker now and then and checks that they are applied ({@link ProgressProbe});
   * call it about once a second from one loop. On a stall, hanging Kafka transactions on the
   * pipeline's topics are aborted ({@link HangingTransactions}) before the stall is reported, so that
   * the restart that follows can read past them.
   *
   * @throws BatonException (retriable) when the pipeline stalled without any stage failing; the
   *     message adds what Kafka says of the transform's consumer group and which hanging
   *     transactions were aborted
   */
  public void checkProgress() {
    try {
      probe.check();
    } catch (BatonException stalled) {
      HangingTransactions.Report hanging = HangingTransactions.abort(kafka, topics, System.currentTimeMillis());
      String kafkaState = "Kafka: " + KafkaTopics.describeGroup(kafka, TransformStage.applicationId(name)) + "; "
          + hanging.open().size() + " transaction(s) open on the pipeline's partitions"
          + (hanging.aborted().isEmpty() ? ", none hanging" : "; aborted " + hanging.aborted().size()
              + " hanging: " + String.join("; ", hanging.aborted()))
          + ". Stages: capture produced " + capture.events() + " change(s), last at LSN " + capture.lastLsn()
          + "; transform read " + transform.processed() + " and runs " + transform.localPartitions().size()
          + " partition(s); sink applied " + sink.applied() + ". Topics: "
          + KafkaTopics.describeOffsets(kafka, TransformStage.applicationId(name), topics, sink.nextOffsets());
      Thread.getAllStackTraces().forEach((thread, frames) -> {
        if (thread.getName().contains("StreamThread") && frames.length > 0) {
          org.slf4j.LoggerFactory.getLogger(ReplicationPipeline.class).warn("pipeline {} stalled; {} ({}) is at {}", name,
              thread.getName(), thread.getState(), java.util.Arrays.stream(frames).limit(8).map(String::valueOf)
                  .collect(java.util.stream.Collectors.joining(" < ")));
        }
      });
      throw new BatonException(stalled.getMessage() + ". " + kafkaState, null, true);
    }
  }

  /** @return row changes captured (produced to Kafka) so far */
  public long capturedEvents() {
    return capture.events();
  }

  /** @return row changes applied so far */
  public long appliedEvents() {
    return sink.applied();
  }

  /** @return end-to-end lag of the changes applied since the last call, ms (see {@link StreamSink#lagSinceLastCall()}) */
  public org.HdrHistogram.Histogram lagSinceLastCall() {
    return sink.lagSinceLastCall();
  }

  /** @return apply attempts that failed, retried or not (see {@link StreamSink#failedAttempts()}) */
  public long failedApplyAttempts() {
    return sink.failedAttempts();
  }

  /**
   * The pipeline's replication slot on the origin, as {@code pg_replication_slots} shows it
   * (PostgreSQL documentation, "pg_replication_slots").
   *
   * @param lagBytes WAL the pipeline has not confirmed: {@code pg_current_wal_lsn()} minus
   *     {@code confirmed_flush_lsn}; -1 when unknown
   * @param retainedBytes WAL the origin keeps for the slot: {@code pg_current_wal_lsn()} minus
   *     {@code restart_lsn}; -1 when unknown
   * @param active whether a process is streaming from the slot now
   * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} (the origin is about to
   *     remove WAL the slot needs, {@code max_slot_wal_keep_size}) or {@code lost}; null when unknown
   */
  public record SlotStatus(long lagBytes, long retainedBytes, boolean active, String walStatus) {
    static final SlotStatus UNKNOWN = new SlotStatus(-1, -1, false, null);

    /** @return true when the origin has removed, or is about to remove, WAL the slot still needs */
    public boolean atRisk() {
      return "unreserved".equals(walStatus) || "lost".equals(walStatus);
    }
  }

  private volatile SlotStatus slot = SlotStatus.UNKNOWN;
  private volatile long slotReadAtNanos;

  /**
   * @return the slot as it stood at most a second ago (a scrape reads several of its figures);
   *     {@link SlotStatus#UNKNOWN}'s figures when it cannot be read (no slot, no connection)
   */
  public SlotStatus slotStatus() {
    long now = System.nanoTime();
    if (slotReadAtNanos != 0 && now - slotReadAtNanos < 1_000_000_000L) {
      return slot;
    }
    SlotStatus read = SlotStatus.UNKNOWN;
    try (Connection c = origin.connect();
        java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn),"
            + " pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), active, wal_status FROM pg_replication_slots"
            + " WHERE slot_name = ?")) {
      ps.setString(1, MigrationSpec.slotName(name));
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          read = new SlotStatus(rs.getObject(1) == null ? -1 : Math.max(0, rs.getLong(1)),
              rs.getObject(2) == null ? -1 : Math.max(0, rs.getLong(2)), rs.getBoolean(3), rs.getString(4));
        }
      }
    } catch (SQLException | BatonException e) {
      read = SlotStatus.UNKNOWN;
    }
    slot = read;
    slotReadAtNanos = now;
    return read;
  }

  /** @return {@link SlotStatus#lagBytes()} of {@link #slotStatus()} */
  public long slotLagBytes() {
    return slotStatus().lagBytes();
  }

  /**
   * @return end-to-end lag of the last batch applied, ms ({@link StreamSink#lastBatchLagMs()}): for
   *     live verification's back-off, whose own holds delay the progress marker
   */
  public long lastBatchLagMs() {
    return sink.lastBatchLagMs();
  }

  /**
   * @return the apply lag, ms: the end-to-end lag of the last batch applied
   *     ({@link StreamSink#lastBatchLagMs()}), or, when longer, how long the outstanding progress
   *     marker has waited ({@link ProgressProbe#waitingMs()}), so that it grows while changes wait
   */
  public long applyLagMs() {
    return Math.max(sink.lastBatchLagMs(), probe.waitingMs());
  }

  @Override
  public void close() {
    capture.close();
    transform.close();
    sink.close();
  }
}
