package io.baton.cli;

import io.baton.BatonException;
import io.baton.capture.BulkSnapshot;
import io.baton.capture.HeldSnapshot;
import io.baton.capture.SnapshotProgress;
import io.baton.capture.ReplicationSlots;
import io.baton.capture.SourceCheck;
import io.baton.capture.StoredOffsets;
import io.baton.cutover.CrashPoint;
import io.baton.cutover.GateReport;
import io.baton.cutover.Journal;
import io.baton.cutover.MigrationState;
import io.baton.cutover.PauseWatchdog;
import io.baton.cutover.SequenceSync;
import io.baton.cutover.Switchover;
import io.baton.cutover.TrafficRouter;
import io.baton.event.Topics;
import io.baton.pg.Catalog;
import io.baton.pg.Database;
import io.baton.pg.Lsn;
import io.baton.pg.PgErrors;
import io.baton.pg.ReplicaRole;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.pg.UserTypes;
import io.baton.reconciler.ContinuousVerifier;
import io.baton.reconciler.FrozenPoint;
import io.baton.reconciler.LiveVerifier;
import io.baton.reconciler.Reconciler;
import io.baton.reconciler.TableComparison;
import io.baton.sink.CopyLoader;
import io.baton.sink.TargetCheck;
import io.baton.sink.TargetConstraints;
import io.baton.sink.TargetSchema;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import io.baton.spec.SchemaDrift;
import io.baton.spec.SchemaMode;
import io.baton.state.SnapshotJournal;
import io.baton.state.StateSchema;
import io.baton.transform.TransformStage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One migration, every stage in this process: snapshot, stream, cutover, reverse replication,
 * rollback, verification. The controller side of the product: it moves the {@link Journal}
 * through {@link MigrationState} and owns the slots it creates.
 *
 * <p>Slots and publications: the forward ones ({@code baton_<name>}) live on the source, the
 * reverse ones ({@code baton_<name>_rev}) on the target. {@link #close()} drops every one of them.
 */
final class Migration implements AutoCloseable, PipelineSupervisor.Supervised {
  private static final Logger LOG = LoggerFactory.getLogger(Migration.class);
  /**
   * What the steps of a switch besides the drain are taken to cost until this process has measured
   * a switch of its own, ms: over the 20 switches of {@code bench/run cutover --runs 10} they took
   * 50 to 170 ms (pause minus drain, controller's clock; see BENCHMARKS.md).
   */
  static final long DEFAULT_SWITCH_OVERHEAD_MS = 150;

  private final MigrationSpec spec;
  private final Database source;
  private final Database target;
  private final io.baton.event.KafkaCluster kafka;
  private final Path workDir;
  private final TrafficRouter router;
  private final Journal journal;
  private final FinalVerification finalVerification;
  /** The source tables and their transforms, from the source catalog; replaced when a column is added there. */
  private volatile Map<TableInfo, RowTransform> forwardTables;
  private Map<TableInfo, RowTransform> reverseTables;
  private ReplicationPipeline forward;
  private ReplicationPipeline reverse;
  private ContinuousVerifier verifier;
  /** Compares the source catalog with {@link #forwardTables} while the forward pipeline runs. */
  private SchemaWatch schemaWatch;
  private volatile SnapshotProgress progress;
  private long snapshotRows;
  private long snapshotMillis;
  private long streamedEvents;
  private volatile long switchOverheadMs = DEFAULT_SWITCH_OVERHEAD_MS;
  /** The write pause of the last cutover and of the last rollback in this process, ms; -1 before one. */
  private final java.util.concurrent.ConcurrentHashMap<String, Long> lastPauseMs = new java.util.concurrent.ConcurrentHashMap<>(
      java.util.Map.of("cutover", -1L, "rollback", -1L));
  /** Told about every batch a sink of this migration commits, with its direction (forward or reverse). */
  private volatile java.util.function.BiConsumer<String, io.baton.sink.SinkListener.Batch> sinkBatches = (d, b) -> { };

  private Migration(MigrationSpec spec, Database source, Database target, io.baton.event.KafkaCluster kafka, Path workDir,
      TrafficRouter router, Map<TableInfo, RowTransform> forwardTables) {
    this.spec = spec;
    this.source = source;
    this.target = target;
    this.kafka = kafka;
    this.workDir = workDir;
    this.router = router;
    this.forwardTables = forwardTables;
    this.journal = new Journal(spec.name(), target);
    this.finalVerification = new FinalVerification(spec.cutover().finalVerification(), source, target, () -> this.forwardTables,
        journal);
  }

  /**
   * Checks source, target and Kafka before anything is written.
   *
   * @param spec the spec
   * @param source the source database
   * @param target the target database
   * @param kafka the Kafka cluster and its common client settings
   * @param workDir where offsets and state live
   * @param router the traffic router
   * @return the migration, ready to {@link #start()}
   * @throws BatonException with every problem found and its fix
   */
  static Migration prepare(MigrationSpec spec, Database source, Database target, io.baton.event.KafkaCluster kafka, Path workDir,
      TrafficRouter router) {
    Map<TableInfo, RowTransform> forward = check(spec, source, target, kafka);
    return new Migration(spec, source, target, kafka, workDir, router, forward);
  }

  /** As {@link #prepare(MigrationSpec, Database, Database, io.baton.event.KafkaCluster, Path, TrafficRouter)}, with the Kafka clients' defaults. */
  static Migration prepare(MigrationSpec spec, Database source, Database target, String bootstrapServers, Path workDir,
      TrafficRouter router) {
    return prepare(spec, source, target, io.baton.event.KafkaCluster.of(bootstrapServers), workDir, router);
  }

  /**
   * Checks, without writing anything anywhere: the source tables and settings ({@link SourceCheck}),
   * the target tables when the spec says {@code schema: existing} ({@link TargetCheck}), the right to
   * write in the replica role on both sides, and that Kafka answers.
   *
   * @param spec the spec
   * @param source the source database
   * @param target the target database
   * @param bootstrapServers the Kafka cluster
   * @return the source tables with their transforms, in spec order
   * @throws BatonException with every problem found and its fix
   */
  static Map<TableInfo, RowTransform> check(MigrationSpec spec, Database source, Database target, String bootstrapServers) {
    return check(spec, source, target, io.baton.event.KafkaCluster.of(bootstrapServers));
  }

  /** As {@link #check(MigrationSpec, Database, Database, String)}, with the cluster's common client settings. */
  static Map<TableInfo, RowTransform> check(MigrationSpec spec, Database source, Database target, io.baton.event.KafkaCluster kafka) {
    Map<TableInfo, RowTransform> forward = MigrationTables.forward(spec, source);
    if (spec.schema() == SchemaMode.EXISTING) {
      List<String> problems;
      try (Connection t = target.connect()) {
        problems = TargetCheck.problems(t, forward);
      } catch (SQLException e) {
        throw PgErrors.classify("checking the target", e);
      }
      if (!problems.isEmpty()) {
        throw new BatonException("the target does not fit the spec:\n  - " + String.join("\n  - ", problems));
      }
    }
    // the sink writes into the target, and after cutover the reverse sink into the source
    ReplicaRole.check(target);
    ReplicaRole.check(source);
    KafkaTopics.checkReachable(kafka);
    return forward;
  }

  /** @return the current state */
  MigrationState state() {
    return journal.state();
  }

  /**
   * Starts the migration, or continues it from where the journal on the target says it stopped:
   *
   * <ul>
   *   <li>new: creates the target schema (when the spec says so), the publication and the slot with
   *       an exported snapshot, plans and copies every table under that snapshot, then streams;
   *   <li>stopped during the bulk snapshot: copies the chunks that are not done under a new
   *       snapshot (see {@link #resumeSnapshot}), then streams from the slot;
   *   <li>stopped while streaming (or after a rollback): streams again from the slot and the stored
   *       offsets;
   *   <li>stopped after a cutover: reverse replication runs again from its slot on the target;
   *   <li>stopped during a cutover or rollback: the switch is finished or undone ({@link #recoverSwitch}).
   * </ul>
   *
   * @throws BatonException when the migration is in a state this cannot continue from
   */
  void start() {
    PauseWatchdog.stopLeftover(watchdogPidFile());
    switch (journal.state()) {
      case PLANNED -> {
        journal.transition(MigrationState.SNAPSHOTTING, "baton", forwardTables.size() + " tables");
        prepareTarget();
        copyUnderNewSlot();
      }
      case SNAPSHOTTING -> resumeSnapshot();
      case STREAMING, READY, ROLLED_BACK -> resumeStreaming();
      case CUT_OVER -> resumeReverse();
      case CUTTING_OVER, ROLLING_BACK -> recoverSwitch();
      case FINALIZED -> throw new BatonException("migration " + spec.name() + " is finalized (baton.journal on the target):"
          + " its slots are gone and nothing is left to run; a new migration needs a new name");
      default -> throw new BatonException("migration " + spec.name() + " is " + journal.state()
          + " (baton.journal on the target); start can continue a migration that is snapshotting, streaming, cut over"
          + " or rolled back");
    }
  }

  /**
   * Copies the source to the target again under a new slot, for a migration whose forward slot was
   * lost (see {@link ReplicationSlots.SlotHealth}) before cutover, then streams as {@link #start()}
   * does. The old slot is dropped if it is still there, Debezium's offsets are deleted, the
   * transform and the sink skip what Kafka holds from the old slot, the target tables are emptied
   * in one {@code TRUNCATE}, and the snapshot journal starts afresh; quarantined rows and the
   * journal's history are kept. Nothing of this pipeline may be running (no {@code baton run} or
   * {@code baton transform} of this migration).
   *
   * @param reason why, for the journal
   * @throws BatonException when the migration is not STREAMING, READY or ROLLED_BACK (after a
   *     cutover the target holds the traffic and the forward copy would overwrite its writes), or a
   *     database or Kafka refuses
   */
  void resync(String reason) {
    PauseWatchdog.stopLeftover(watchdogPidFile());
    MigrationState state = journal.state();
    if (!FORWARD_STATES.contains(state)) {
      throw new BatonException("migration " + spec.name() + " is " + state + ": --resync copies the source to the target"
          + " again, which is only for a migration that streams forward (STREAMING, READY or ROLLED_BACK)");
    }
    long start = System.nanoTime();
    try (Connection s = source.connect(); Connection t = target.connect()) {
      ReplicationSlots.dropSlot(s, spec.slotName());
      deleteOffsets(spec.name());
      List<RowTransform> transforms = List.copyOf(forwardTables.values());
      KafkaTopics.skipToEnd(kafka, TransformStage.applicationId(spec.name()),
          transforms.stream().map(r -> Topics.source(spec.name(), r.sourceTable())).toList());
      io.baton.sink.StreamSink.skipTo(t, spec.name(), KafkaTopics.endOffsets(kafka,
          transforms.stream().map(r -> Topics.target(spec.name(), r.targetTable())).toList()));
      try (java.sql.Statement st = t.createStatement()) {
        st.execute("TRUNCATE " + transforms.stream().map(r -> r.targetTable().quoted()).collect(Collectors.joining(", ")));
      }
      SnapshotJournal.forget(t, spec.name());
    } catch (SQLException e) {
      throw PgErrors.classify("clearing the target for a resync", e);
    }
    journal.transition(MigrationState.SNAPSHOTTING, "operator", "resync: " + reason);
    prepareTarget();
    LOG.warn("migration {}: resync: the target tables were emptied; copying them again under a new slot", spec.name());
    copyUnderNewSlot();
    LOG.info("migration {}: resync done in {} ms", spec.name(), (System.nanoTime() - start) / 1_000_000);
  }

  private void prepareTarget() {
    try (Connection t = target.connect(); Connection s = source.connect()) {
      StateSchema.ensure(t);
      TableName first = forwardTables.values().iterator().next().targetTable();
      if (spec.schema() == SchemaMode.CREATE && !Catalog.exists(t, first)) {
        TargetSchema.create(t, forwardTables, spec.compatibilityViews(), UserTypes.usedBy(s, forwardTables.keySet()));
      }
      ReplicationSlots.createPublication(s, spec.publicationName(), forwardTables.keySet().stream().map(TableInfo::name).toList());
    } catch (SQLException e) {
      throw PgErrors.classify("preparing the migration", e);
    }
  }

  private void copyUnderNewSlot() {
    long start = System.nanoTime();
    deleteOffsets(spec.name());
    try (ReplicationSlots.ExportedSnapshot snap =
        ReplicationSlots.createSlotExportingSnapshot(source.jdbcUrl(), source.properties(), spec.slotName())) {
      LOG.info("slot {} created at {}, snapshot {}", snap.slot(), snap.consistentPoint(), snap.snapshotName());
      recordSlotOrigin(spec.name(), snap.consistentPoint());
      BulkSnapshot.planAndRecord(source, snap.snapshotName(), target, spec.name(), forwardTables, spec.snapshot());
      copyPending(snap.snapshotName());
    }
    startStreaming(start);
  }

  /**
   * Continues a bulk snapshot that stopped: the slot kept every change since its consistent point,
   * but the snapshot it exported ended with the process that created it. The chunks not done are
   * copied under a new snapshot; the stream then replays every change since the slot's consistent
   * point. For a table with a primary key that converges exactly: chunks are key ranges, so a key is
   * copied once, and replayed upserts and deletes end in each key's latest state. A table without
   * one cannot take a replay (it would double rows), so an unfinished one is emptied and copied
   * again as a whole, and the stream skips, for that table, the transactions the new snapshot
   * already saw ({@link SnapshotJournal#restartTable}). Without a slot or a plan there is nothing
   * consistent to continue from: the copy starts over.
   */
  private void resumeSnapshot() {
    long start = System.nanoTime();
    Map<TableName, SnapshotJournal.TableState> states;
    boolean slot;
    try (Connection s = source.connect(); Connection t = target.connect()) {
      StateSchema.ensure(t);
      states = SnapshotJournal.load(t, spec.name());
      slot = ReplicationSlots.slotExists(s, spec.slotName());
    } catch (SQLException e) {
      throw PgErrors.classify("reading the snapshot journal", e);
    }
    if (!slot || states.size() != forwardTables.size()) {
      LOG.warn("bulk snapshot of {} starts over: {}", spec.name(), slot ? "no complete plan in the journal" : "slot " + spec.slotName() + " is gone");
      startOver(states);
      copyUnderNewSlot();
      return;
    }
    try (HeldSnapshot snap = HeldSnapshot.take(source)) {
      CopyLoader loader = new CopyLoader(target);
      for (TableInfo table : forwardTables.keySet()) {
        SnapshotJournal.TableState st = states.get(table.name());
        if (!table.hasPrimaryKey() && !st.complete()) {
          LOG.info("table {} has no primary key and its copy did not finish: copying it again as a whole", table.name());
          loader.restartTable(spec.name(), table.name(), st.plan().target(), snap.visibility());
        }
      }
      LOG.info("resuming the bulk snapshot of {} under snapshot {} ({})", spec.name(), snap.snapshotName(), snap.visibility());
      copyPending(snap.snapshotName());
    }
    startStreaming(start);
  }

  private void startOver(Map<TableName, SnapshotJournal.TableState> states) {
    try (Connection s = source.connect(); Connection t = target.connect()) {
      ReplicationSlots.dropSlot(s, spec.slotName());
      for (SnapshotJournal.TableState st : states.values()) {
        if (!st.done().isEmpty()) {
          try (java.sql.Statement stmt = t.createStatement()) {
            stmt.execute("TRUNCATE " + st.plan().target().quoted());
          }
        }
      }
      SnapshotJournal.forget(t, spec.name());
    } catch (SQLException e) {
      throw PgErrors.classify("clearing the unfinished bulk snapshot", e);
    }
    prepareTarget();
  }

  private void copyPending(String snapshotName) {
    progress = new SnapshotProgress(System::nanoTime);
    BulkSnapshot.copyPending(source, snapshotName, target, spec.name(), forwardTables, new CopyLoader(target),
        spec.snapshot().parallelism(), progress);
  }

  private void startStreaming(long startNanos) {
    if (spec.schema() == SchemaMode.CREATE) {
      try (Connection s = source.connect(); Connection t = target.connect()) {
        int built = TargetConstraints.build(t, TargetConstraints.read(s, forwardTables));
        LOG.info("built {} indexes and constraints on the target after the bulk snapshot", built);
      } catch (SQLException e) {
        throw PgErrors.classify("building indexes and constraints on the target", e);
      }
    }
    try (Connection t = target.connect()) {
      snapshotRows = SnapshotJournal.load(t, spec.name()).values().stream().mapToLong(SnapshotJournal.TableState::rowsDone).sum();
    } catch (SQLException e) {
      throw PgErrors.classify("reading the snapshot journal", e);
    }
    snapshotMillis = (System.nanoTime() - startNanos) / 1_000_000;
    forward = ReplicationPipeline.start(spec.name(), source, target, forwardTables, kafka, workDir, spec.apply(),
        batch -> sinkBatch("forward", batch));
    journal.transition(MigrationState.STREAMING, "baton", snapshotRows + " rows copied in " + snapshotMillis + " ms");
  }

  /** @return the progress of the last bulk snapshot run by this process, or null before one */
  SnapshotProgress snapshotProgress() {
    return progress;
  }

  /**
   * Restarts streaming after this process (or the pipeline) stopped: the snapshot is not repeated;
   * capture resumes from the slot and the sink from its stored offsets.
   *
   * @throws BatonException when no completed snapshot or no slot is found
   */
  void resumeStreaming() {
    try (Connection s = source.connect(); Connection t = target.connect()) {
      ReplicationSlots.SlotHealth slot = ReplicationSlots.health(s, spec.slotName(), storedPosition(spec.name()));
      if (!slot.usable()) {
        throw new BatonException("cannot resume " + spec.name() + ": " + slot.problem(spec.slotName(), "the source")
            + ". Baton stopped applying and will not cut over: the target would miss those changes. Resync: run baton"
            + " run again with --resync, which empties the target tables and copies them again under a new slot while"
            + " the source stays in use");
      }
      long complete = SnapshotJournal.load(t, spec.name()).values().stream().filter(SnapshotJournal.TableState::complete).count();
      if (complete < forwardTables.size()) {
        throw new BatonException("cannot resume " + spec.name() + ": the bulk snapshot completed for " + complete
            + " of " + forwardTables.size() + " tables (baton.snapshot_chunks on the target); start the migration again");
      }
    } catch (SQLException e) {
      throw PgErrors.classify("checking the slot and the snapshot", e);
    }
    forward = ReplicationPipeline.start(spec.name(), source, target, forwardTables, kafka, workDir, spec.apply(),
        batch -> sinkBatch("forward", batch));
  }

  /**
   * Restarts reverse replication after this process stopped in state CUT_OVER, from the reverse slot
   * on the target and the offsets stored on the source.
   *
   * @throws BatonException when the reverse slot is gone
   */
  private void resumeReverse() {
    try (Connection t = target.connect()) {
      String slotName = MigrationSpec.slotName(reverseName());
      ReplicationSlots.SlotHealth slot = ReplicationSlots.health(t, slotName, storedPosition(reverseName()));
      if (!slot.usable()) {
        throw new BatonException("cannot resume reverse replication of " + spec.name() + ": "
            + slot.problem(slotName, "the target") + ", so changes made there since may be missing on the source; do"
            + " not roll back before the source is reconciled (baton reconcile)");
      }
    } catch (SQLException e) {
      throw PgErrors.classify("checking the reverse slot", e);
    }
    reverse = ReplicationPipeline.start(reverseName(), target, source, reverseTables(), kafka, workDir, spec.apply(),
        batch -> sinkBatch("reverse", batch));
  }

  /**
   * Checks the running pipeline's stages and, while the forward pipeline runs, the source catalog
   * ({@link SchemaWatch}, every 10 s).
   *
   * @throws BatonException when a stage of the running pipeline stopped on an error
   * @throws io.baton.spec.SchemaDrift when a captured table's columns or their types changed on the
   *     source since the migration read them
   */
  @Override
  public synchronized void checkHealthy() {
    ReplicationPipeline running = forward != null ? forward : reverse;
    if (running != null) {
      running.checkHealthy();
      running.checkProgress();
    }
    if (forward != null) {
      if (schemaWatch == null) {
        schemaWatch = new SchemaWatch(source, forwardTables.keySet(), System::currentTimeMillis);
      }
      schemaWatch.check();
    }
  }

  /**
   * Follows a column added to a source table while the forward pipeline streams, when the spec
   * says {@code schema: create}: the forward pipeline stops, the source catalog is read again
   * (with every check {@code baton run} makes), the column is added to the target table
   * ({@link TargetSchema#addColumnStatements}: same type through the spec, NOT NULL and default),
   * and the pipeline resumes at the change that showed the new column. Dropped and retyped columns,
   * and {@code schema: existing}, are not followed: they stay errors for the operator.
   *
   * @param failure what stopped a stage
   * @return true when the failure was such a column and the pipeline runs again with it
   * @throws BatonException when the column cannot be added (the message says why)
   * @throws SchemaDrift when the failure is not one, but the source catalog has changed since the
   *     migration read it (the likely reason the target refused a value)
   */
  @Override
  public synchronized boolean adapt(BatonException failure) {
    SchemaDrift drift = SchemaDrift.in(failure);
    if (drift == null && schemaWatch != null) {
      // a value the target cannot take may come from a column retyped on the source: say so
      SchemaDrift explained = schemaWatch.driftNow();
      if (explained != null) {
        explained.addSuppressed(failure);
        throw explained;
      }
    }
    MigrationState state = journal.state();
    if (drift == null || !drift.onlyAdded() || spec.schema() != SchemaMode.CREATE
        || !FORWARD_STATES.contains(state)) {
      return false;
    }
    stopStreaming();
    Map<TableInfo, RowTransform> fresh = check(spec, source, target, kafka);
    Map.Entry<TableInfo, RowTransform> table = fresh.entrySet().stream()
        .filter(e -> e.getKey().name().equals(drift.table())).findFirst()
        .orElseThrow(() -> new BatonException("source table " + drift.table() + " is no longer in the spec's scope"));
    List<String> ddl = TargetSchema.addColumnStatements(table.getKey(), table.getValue(), drift.added());
    try (Connection t = target.connect(); java.sql.Statement st = t.createStatement()) {
      for (String statement : ddl) {
        st.execute(statement);
      }
    } catch (SQLException e) {
      throw PgErrors.classify("adding column(s) " + drift.added() + " to " + table.getValue().targetTable(), e);
    }
    forwardTables = fresh;
    reverseTables = null;
    schemaWatch = null;
    LOG.warn("migration {}: column(s) {} added to source table {} after the migration started; added to target table"
        + " {} (schema: create); streaming on", spec.name(), drift.added(), drift.table(), table.getValue().targetTable());
    resumeStreaming();
    if (spec.verify().continuous()) {
      startVerifying();
    }
    return true;
  }

  /** The states in which the forward pipeline is the one that runs. */
  private static final java.util.Set<MigrationState> FORWARD_STATES = java.util.EnumSet.of(MigrationState.STREAMING,
      MigrationState.READY, MigrationState.ROLLED_BACK);

  /**
   * Stops the direction that should run now (forward while STREAMING, READY or ROLLED_BACK, reverse
   * while CUT_OVER) without dropping its slot, after one of its stages failed;
   * {@link #restartRunningPipeline()} starts it again. Does nothing in other states.
   */
  @Override
  public synchronized void stopRunningPipeline() {
    MigrationState s = journal.state();
    if (FORWARD_STATES.contains(s)) {
      stopStreaming();
    } else if (s == MigrationState.CUT_OVER) {
      stopReverse();
    }
  }

  /**
   * Starts the direction that should run now again from its slot and stored offsets (see
   * {@link #resumeStreaming()}), stopping what is left of it first, and live verification with it
   * when the spec asks for it. Does nothing while a switch is under way or the migration is done.
   *
   * @throws BatonException when the slot is gone (permanent: changes would be missing) or a
   *     database or Kafka cannot be reached (retriable)
   */
  @Override
  public synchronized void restartRunningPipeline() {
    MigrationState s = journal.state();
    if (FORWARD_STATES.contains(s)) {
      stopStreaming();
      resumeStreaming();
    } else if (s == MigrationState.CUT_OVER) {
      stopReverse();
      resumeReverse();
    } else {
      return;
    }
    if (spec.verify().continuous()) {
      startVerifying();
    }
  }

  /** @return row changes applied so far by the running pipeline, 0 when none runs */
  synchronized long appliedEvents() {
    ReplicationPipeline running = forward != null ? forward : reverse;
    return running == null ? 0 : running.appliedEvents();
  }

  /** @return the running pipeline's apply lag, ms ({@link ReplicationPipeline#applyLagMs()}); 0 when none runs */
  synchronized long applyLagMs() {
    ReplicationPipeline running = forward != null ? forward : reverse;
    return running == null ? 0 : running.applyLagMs();
  }

  /** Stops every pipeline without dropping a slot, as a crash would: the same run continues later. */
  synchronized void stopPipelines() {
    stopStreaming();
    stopReverse();
  }

  /** Stops reverse replication without dropping its slot. */
  private synchronized void stopReverse() {
    stopVerifying();
    if (reverse != null) {
      streamedEvents += reverse.capturedEvents();
      reverse.close();
      reverse = null;
    }
  }

  /** Stops the forward pipeline without dropping its slot, as a crash would. */
  synchronized void stopStreaming() {
    stopVerifying();
    if (forward != null) {
      streamedEvents += forward.capturedEvents();
      forward.close();
      forward = null;
    }
  }

  /**
   * Cuts traffic over to the target: one write pause (see {@link Switchover}), then the forward
   * pipeline stops, its slot is dropped, and reverse replication starts from the slot created on
   * the target inside the pause.
   *
   * @return what the switch measured
   */
  Switchover.Result cutover() {
    return cutover("operator");
  }

  /**
   * @param actor who asked, for the journal
   * @return what the switch measured
   * @see #cutover()
   */
  Switchover.Result cutover(String actor) {
    stopVerifying();
    catchUpBeforePause(forward, "cutover");
    FrozenPoint freeze = finalVerification.prepare();
    String rev = reverseName();
    deleteOffsets(rev);
    journal.transition(MigrationState.CUTTING_OVER, actor, null);
    AtomicReference<Lsn> created = new AtomicReference<>();
    Switchover.Result r;
    try {
      r = new Switchover(router, System::currentTimeMillis, watchdogPidFile()).run(forward, source, target,
          SequenceSync.of(forwardTables, true),
          FinalVerification.insidePause(freeze, ms -> created.set(createSlot(target, rev, reverseTables().keySet(), ms))),
          spec.cutover().maxWritePauseMs(), journaled("cutover", target));
    } catch (BatonException e) {
      closeQuietly(freeze);
      dropSlot(target, rev);
      journal.transition(MigrationState.STREAMING, "baton", "cutover aborted: " + e.getMessage());
      throw e;
    }
    // after the pause, which an fsync should not lengthen, and before reverse capture starts
    recordSwitchedSlotOrigin(rev, created.get());
    finalVerification.start("cutover", freeze);
    startReverseAfterCutover();
    CrashPoint.reach("cutover:switched");
    switchOverheadMs = Math.max(0, r.pauseMs() - r.drainMs());
    lastPauseMs.put("cutover", r.pauseMs());
    journal.transition(MigrationState.CUT_OVER, actor, switched(r));
    return r;
  }

  private static String switched(Switchover.Result r) {
    return "write pause " + r.pauseMs() + " ms, drain " + r.drainMs() + " ms to freeze LSN " + r.freezeLsn();
  }

  private static void closeQuietly(FrozenPoint freeze) {
    if (freeze != null) {
      freeze.close();
    }
  }

  /**
   * Rolls traffic back to the source: the mirror image of {@link #cutover()}. The forward pipeline
   * restarts from a fresh slot created inside the pause, so a later cutover is possible.
   *
   * @return what the switch measured
   */
  Switchover.Result rollback() {
    return rollback("operator");
  }

  /**
   * @param actor who asked, for the journal
   * @return what the switch measured
   * @see #rollback()
   */
  Switchover.Result rollback(String actor) {
    stopVerifying();
    catchUpBeforePause(reverse, "rollback");
    FrozenPoint freeze = finalVerification.prepare();
    deleteOffsets(spec.name());
    journal.transition(MigrationState.ROLLING_BACK, actor, null);
    AtomicReference<Lsn> created = new AtomicReference<>();
    Switchover.Result r;
    try {
      r = new Switchover(router, System::currentTimeMillis, watchdogPidFile()).run(reverse, target, source,
          SequenceSync.of(forwardTables, false),
          FinalVerification.insidePause(freeze, ms -> created.set(createSlot(source, spec.name(), forwardTables.keySet(), ms))),
          spec.cutover().maxWritePauseMs(), journaled("rollback", source));
    } catch (BatonException e) {
      closeQuietly(freeze);
      dropSlot(source, spec.name());
      journal.transition(MigrationState.CUT_OVER, "baton", "rollback aborted: " + e.getMessage());
      throw e;
    }
    recordSwitchedSlotOrigin(spec.name(), created.get());
    finalVerification.start("rollback", freeze);
    startForwardAfterRollback();
    CrashPoint.reach("rollback:switched");
    switchOverheadMs = Math.max(0, r.pauseMs() - r.drainMs());
    lastPauseMs.put("rollback", r.pauseMs());
    journal.transition(MigrationState.ROLLED_BACK, actor, switched(r));
    return r;
  }

  /**
   * Drains the direction that runs without pausing anyone, within {@code cutover.drainTimeoutMs},
   * so that the drain inside the pause only has the last moments to apply (and a pipeline still
   * starting up or rebalancing delays the switch instead of failing its pause).
   *
   * @throws BatonException when no pipeline runs or it does not catch up in time; nothing was paused
   */
  private void catchUpBeforePause(ReplicationPipeline running, String what) {
    if (running == null) {
      throw new BatonException("no " + what + " now: the pipeline it drains does not run");
    }
    running.drain(java.time.Duration.ofMillis(spec.cutover().drainTimeoutMs()));
  }

  /** @return where the pause watchdog's process id is kept during a switch */
  private Path watchdogPidFile() {
    return workDir.resolve("pause-watchdog.pid");
  }

  /** After a cutover's pause: the forward pipeline stops and its slot goes; reverse replication starts. */
  private void startReverseAfterCutover() {
    stopStreaming();
    dropSlot(source, spec.name());
    deleteOffsets(reverseName());
    reverse = ReplicationPipeline.start(reverseName(), target, source, reverseTables(), kafka, workDir, spec.apply(),
        batch -> sinkBatch("reverse", batch));
  }

  /** After a rollback's pause: reverse replication stops and its slot goes; forward starts from the new slot. */
  private synchronized void startForwardAfterRollback() {
    stopReverse();
    dropSlot(target, reverseName());
    deleteOffsets(spec.name());
    forward = ReplicationPipeline.start(spec.name(), source, target, forwardTables, kafka, workDir, spec.apply(),
        batch -> sinkBatch("forward", batch));
  }

  /**
   * The steps of a switch as the journal keeps them: {@code repointing} before the router is
   * repointed and {@code repointed} once it is, for a restarted controller that cannot ask the
   * router where traffic goes ({@link #recoverSwitch}); every step is also a {@link CrashPoint}.
   */
  private Switchover.Steps journaled(String action, Database newSide) {
    return step -> {
      if (step.equals("repointing") || step.equals("repointed")) {
        journal.step(step, "traffic to " + newSide);
      }
      CrashPoint.reach(action + ":" + step);
    };
  }

  /**
   * Finishes or undoes a switch that this process's predecessor left half done (state CUTTING_OVER or
   * ROLLING_BACK in the journal), going by where the router sends traffic, since clients may have
   * committed there already (the pause watchdog resumes them after the deadline):
   *
   * <ul>
   *   <li>at the new side: the repoint happened, so everything the old side committed had been
   *       applied on the new side and the back channel's slot existed; the switch is finished (the
   *       old direction's slot dropped, the new direction started), then the router resumed;
   *   <li>at the old side: the router repointed there again and resumed, the back channel's slot
   *       dropped, and the old direction streams again from its slot.
   * </ul>
   *
   * When the router cannot tell (a command router without a check command), the journal decides:
   * {@code repointed} finishes the switch; otherwise the repoint is made again, before any resume,
   * and the switch finished. The pause watchdog left by the predecessor was stopped before this.
   */
  private void recoverSwitch() {
    boolean cutover = journal.state() == MigrationState.CUTTING_OVER;
    Database newSide = cutover ? target : source;
    String what = cutover ? "cutover" : "rollback";
    java.util.Optional<Boolean> onNewSide = router.pointsAt(newSide);
    boolean finish = onNewSide.orElse(journal.stepsSinceLastTransition().contains("repointing"));
    LOG.warn("migration {}: the controller stopped during a {}; the router points at the {} side ({}), so {} it", spec.name(),
        what, finish ? "new" : "old", onNewSide.isPresent() ? "asked" : "from the journal", finish ? "finishing" : "undoing");
    if (finish) {
      if (onNewSide.isEmpty()) {
        router.repoint(newSide);
      }
      router.resume();
      if (cutover) {
        startReverseAfterCutover();
      } else {
        startForwardAfterRollback();
      }
      journal.transition(cutover ? MigrationState.CUT_OVER : MigrationState.ROLLED_BACK, "baton",
          what + " finished after a controller restart: traffic had been repointed");
      return;
    }
    // made again so that the router's configuration (PgBouncer's [databases] file) says the old side
    // too, should the predecessor have rewritten it without reloading
    router.repoint(cutover ? source : target);
    router.resume();
    if (cutover) {
      dropSlot(target, reverseName());
      journal.transition(MigrationState.STREAMING, "baton", "cutover undone after a controller restart: traffic had not"
          + " been repointed, so it stayed on the source");
      resumeStreaming();
    } else {
      dropSlot(source, spec.name());
      journal.transition(MigrationState.CUT_OVER, "baton", "rollback undone after a controller restart: traffic had not"
          + " been repointed, so it stayed on the target");
      resumeReverse();
    }
  }

  /**
   * The point of no return: stops every pipeline and drops every slot and publication on both
   * sides. From a CUT_OVER migration the source stops receiving the target's changes; from a
   * ROLLED_BACK one, the target stops receiving the source's.
   *
   * @param actor who asked, for the journal
   * @throws BatonException when the migration is in another state
   */
  void finalizeMigration(String actor) {
    MigrationState from = journal.state();
    if (from != MigrationState.CUT_OVER && from != MigrationState.ROLLED_BACK) {
      throw new BatonException("migration " + spec.name() + " is " + from + "; only a migration that is CUT_OVER or"
          + " ROLLED_BACK can be finalized");
    }
    close();
    journal.transition(MigrationState.FINALIZED, actor, (from == MigrationState.CUT_OVER ? "the target" : "the source")
        + " holds traffic; slots and publications dropped on both sides");
  }

  /**
   * @return what the steps of a switch besides the drain cost, ms: measured on this process's last
   *     switch, {@link #DEFAULT_SWITCH_OVERHEAD_MS} before one
   */
  /**
   * @param kind {@code cutover} or {@code rollback}
   * @return the write pause of the last such switch in this process, as the controller measured
   *     it, ms; -1 before one
   */
  long lastWritePauseMs(String kind) {
    return lastPauseMs.getOrDefault(kind, -1L);
  }

  /**
   * Sets who is told about every batch the sinks of this migration commit (its metrics); pipelines
   * started before and after the call tell it.
   *
   * @param listener takes the direction ({@code forward} or {@code reverse}) and the batch; called on
   *     the sinks' threads, so it must be quick
   */
  void listenToSinks(java.util.function.BiConsumer<String, io.baton.sink.SinkListener.Batch> listener) {
    sinkBatches = listener;
  }

  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> appliedByTable =
      new java.util.concurrent.ConcurrentHashMap<>();

  private void sinkBatch(String direction, io.baton.sink.SinkListener.Batch batch) {
    batch.appliedByTable().forEach((table, n) -> appliedByTable
        .computeIfAbsent(direction + " " + table, k -> new java.util.concurrent.atomic.LongAdder()).add(n));
    sinkBatches.accept(direction, batch);
  }

  /**
   * @param direction {@code forward} or {@code reverse}
   * @param table a destination table of that direction
   * @return row changes this process has applied to it in that direction
   */
  long appliedChanges(String direction, io.baton.pg.TableName table) {
    java.util.concurrent.atomic.LongAdder n = appliedByTable.get(direction + " " + table);
    return n == null ? 0 : n.sum();
  }

  long switchOverheadMs() {
    return switchOverheadMs;
  }

  /**
   * Moves between STREAMING and READY by the gates' verdict: READY while every gate passes,
   * STREAMING again when one fails. Other states stay as they are (a ROLLED_BACK migration stays
   * ROLLED_BACK until the next cutover). Only changes are journaled.
   *
   * @param report the gates just evaluated
   * @return the state after
   */
  synchronized MigrationState gatesEvaluated(GateReport report) {
    MigrationState now = journal.state();
    if (now == MigrationState.STREAMING && report.passed()) {
      journal.transition(MigrationState.READY, "baton", "every cutover gate passes; predicted write pause "
          + report.predictedPauseMs() + " ms");
    } else if (now == MigrationState.READY && !report.passed()) {
      journal.transition(MigrationState.STREAMING, "baton", "cutover gates failing: " + String.join("; ",
          report.failing().stream().map(g -> g.gate() + " " + g.observed() + " (required: " + g.required() + ")").toList()));
    }
    return journal.state();
  }

  /**
   * Records an operator's command that changes no state (a cutover armed or postponed).
   *
   * @param step the journal step, for example {@code cutover-armed}
   * @param actor who asked
   * @param detail what it is about; may be null
   */
  void journalCommand(String step, String actor, String detail) {
    journal.step(step, actor, detail);
  }

  /** @return the final verification of the switches */
  FinalVerification finalVerification() {
    return finalVerification;
  }

  /** @return reverse replication (target to source) while it runs, else null */
  synchronized ReplicationPipeline reversePipeline() {
    return reverse;
  }

  /**
   * Stops reverse replication and starts it again from its slot and stored offsets: after it
   * stopped on an error, so that a rollback can drain it.
   *
   * @throws BatonException when the migration is not CUT_OVER or the slot is gone
   */
  synchronized void restartReverse() {
    if (journal.state() != MigrationState.CUT_OVER) {
      throw new BatonException("reverse replication runs only while the migration is CUT_OVER, not " + journal.state());
    }
    stopReverse();
    resumeReverse();
  }

  /** @return the forward pipeline (source to target) while it runs, else null */
  synchronized ReplicationPipeline forwardPipeline() {
    return forward;
  }

  /** @return the source database */
  Database source() {
    return source;
  }

  /** @return the target database */
  Database target() {
    return target;
  }

  /**
   * Waits until the direction that runs now has applied everything committed before this call,
   * without holding writes; at most the spec's {@code cutover.drainTimeoutMs}.
   */
  void catchUp() {
    ReplicationPipeline running = forward != null ? forward : reverse;
    if (running != null) {
      running.drain(java.time.Duration.ofMillis(spec.cutover().drainTimeoutMs()));
    }
  }

  /**
   * Compares spec(source) with the target after draining the direction that runs now. Call it while
   * writes are held (or stopped) for an exact answer.
   *
   * @return one comparison per table
   */
  List<TableComparison> verify() {
    catchUp();
    return Reconciler.compare(source, target, forwardTables);
  }

  /**
   * Compares spec(origin) with the destination of the direction that runs now, while clients go on
   * writing: chunk by chunk, each chunk's destination side read with the table's apply held at the
   * edge of the snapshot its origin side was read in ({@link LiveVerifier}).
   *
   * @param settings chunk size, rechecks and timeouts
   * @return one comparison per table, source to target (after a cutover the reverse direction is
   *     compared and the results {@link TableComparison#mirrored() mirrored})
   * @throws BatonException when no direction runs, a side cannot be read or the apply cannot be held
   * @throws InterruptedException when interrupted
   */
  List<TableComparison> verifyLive(LiveVerifier.Settings settings) throws InterruptedException {
    Direction d = direction();
    List<TableComparison> out = new ArrayList<>();
    try (LiveVerifier live = new LiveVerifier(d.origin(), d.destination(), d.pipeline(), settings)) {
      for (Map.Entry<TableInfo, RowTransform> t : d.tables().entrySet()) {
        TableComparison c = live.verify(t.getKey(), t.getValue(), LiveVerifier.Pacer.NONE);
        out.add(d.origin() == source ? c : c.mirrored());
      }
    }
    return out;
  }

  /** The direction that runs now: its pipeline, where it reads, where it writes, and its tables. */
  private record Direction(ReplicationPipeline pipeline, Database origin, Database destination,
      Map<TableInfo, RowTransform> tables) {}

  private synchronized Direction direction() {
    if (forward != null) {
      return new Direction(forward, source, target, forwardTables);
    }
    if (reverse != null) {
      return new Direction(reverse, target, source, reverseTables());
    }
    throw new BatonException("migration " + spec.name() + " is not streaming: nothing to verify live");
  }

  /**
   * Starts live verification in the background ({@link ContinuousVerifier}, spec section
   * {@code verify}) over the direction that runs now; it stops before any switch and with the
   * stream. Does nothing when it already runs.
   *
   * @throws BatonException when no direction runs
   */
  synchronized void startVerifying() {
    if (verifier == null) {
      Direction d = direction();
      verifier = ContinuousVerifier.start(spec.name(), d.origin(), d.destination(), target, d.pipeline(), d.tables(),
          spec.verify(), d.pipeline()::lastBatchLagMs);
    }
  }

  /** @return the running live verifier, or null */
  synchronized ContinuousVerifier verifier() {
    return verifier;
  }

  private synchronized void stopVerifying() {
    if (verifier != null) {
      verifier.close();
      verifier = null;
    }
  }

  /** @return the traffic router */
  TrafficRouter router() {
    return router;
  }

  /** @return rows copied by the bulk snapshot */
  long snapshotRows() {
    return snapshotRows;
  }

  /** @return how long the bulk snapshot took, ms */
  long snapshotMillis() {
    return snapshotMillis;
  }

  /** @return row changes captured so far, both directions */
  long streamedEvents() {
    return streamedEvents + (forward == null ? 0 : forward.capturedEvents()) + (reverse == null ? 0 : reverse.capturedEvents());
  }

  private String reverseName() {
    return MigrationTables.reverseName(spec.name());
  }

  /** @return the target tables, in the spec's order */
  List<TableName> targetTables() {
    return forwardTables.values().stream().map(RowTransform::targetTable).toList();
  }

  private Map<TableInfo, RowTransform> reverseTables() {
    if (reverseTables == null) {
      reverseTables = MigrationTables.reverse(target, forwardTables);
    }
    return reverseTables;
  }

  /** @return the new slot's consistent point */
  private static Lsn createSlot(Database db, String pipeline, java.util.Collection<TableInfo> tables, long timeoutMs) {
    String slot = MigrationSpec.slotName(pipeline);
    try (Connection c = db.connect()) {
      io.baton.cutover.StatementTimeout.set(c, timeoutMs);
      ReplicationSlots.createPublication(c, slot, tables.stream().map(TableInfo::name).toList());
      return ReplicationSlots.createSlot(c, slot);
    } catch (SQLException e) {
      throw PgErrors.classify("creating slot " + slot + " on " + db, e);
    }
  }

  private static void dropSlot(Database db, String pipeline) {
    String slot = MigrationSpec.slotName(pipeline);
    try (Connection c = db.connect()) {
      ReplicationSlots.dropSlot(c, slot);
      ReplicationSlots.dropPublication(c, slot);
    } catch (SQLException | BatonException e) {
      LOG.warn("could not drop slot {} on {}: {}", slot, db, e.getMessage());
    }
  }

  /** @return the last position the pipeline's capture is known to have reached ({@link StoredOffsets#knownPosition}) */
  private Lsn storedPosition(String pipeline) {
    return StoredOffsets.knownPosition(ReplicationPipeline.offsetFile(workDir, pipeline));
  }

  /**
   * Forgets a pipeline's capture position: done before its slot is replaced by a new one, which
   * starts past that position (a known position older than the slot means a gap, see
   * {@link ReplicationSlots.SlotHealth#recreated()}).
   */
  private void deleteOffsets(String name) {
    StoredOffsets.forget(ReplicationPipeline.offsetFile(workDir, name));
  }

  /** Records where the pipeline's new slot starts, for the capture's first start ({@link StoredOffsets#recordSlotOrigin}). */
  private void recordSlotOrigin(String pipeline, Lsn consistentPoint) {
    StoredOffsets.recordSlotOrigin(ReplicationPipeline.offsetFile(workDir, pipeline), consistentPoint);
  }

  /**
   * Records the origin of the slot a switch created, once traffic has moved: a failure here must
   * not undo the switch, so it is logged instead (the capture then works as before the origin
   * existed, from Debezium's first stored offset on).
   */
  private void recordSwitchedSlotOrigin(String pipeline, Lsn consistentPoint) {
    if (consistentPoint == null) {
      return;
    }
    try {
      recordSlotOrigin(pipeline, consistentPoint);
    } catch (BatonException e) {
      LOG.warn("migration {}: {}; a slot made in place of {} before its first stored offset would go unnoticed",
          spec.name(), e.getMessage(), MigrationSpec.slotName(pipeline));
    }
  }

  /** @return the number of Baton slots left on either database (0 after {@link #close()}) */
  int slotsLeft() {
    int n = 0;
    for (Database db : List.of(source, target)) {
      try (Connection c = db.connect();
          PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'baton\\_%'");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        n += rs.getInt(1);
      } catch (SQLException e) {
        throw PgErrors.classify("counting slots", e);
      }
    }
    return n;
  }

  /** Stops every pipeline and drops every slot and publication this migration created. */
  @Override
  public void close() {
    try {
      finalVerification.close();
      stopPipelines();
    } finally {
      dropSlot(source, spec.name());
      dropSlot(target, reverseName());
    }
  }
}
