package io.baton.cli;

import com.sun.net.httpserver.HttpServer;
import io.baton.BatonException;
import io.baton.capture.SnapshotProgress;
import io.baton.cutover.MigrationState;
import io.baton.pg.TableName;
import io.baton.reconciler.ContinuousVerifier;
import io.baton.reconciler.VerifyResults;
import io.baton.spec.MigrationSpec;
import io.baton.spec.TableMapping;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A migration's metrics in Prometheus' text format at {@code GET /metrics}, served by the JDK's
 * HTTP server on one address (loopback unless told otherwise), for as long as the migration runs.
 *
 * <ul>
 *   <li>{@code baton_migration_state{state}}: 1 for the journal's current state, 0 for the others;
 *   <li>bulk snapshot, per source table ({@code table} label) and read from {@link SnapshotProgress}:
 *       {@code baton_snapshot_rows}, {@code baton_snapshot_bytes} (this run),
 *       {@code baton_snapshot_chunks}, {@code baton_snapshot_chunks_done},
 *       {@code baton_snapshot_rows_per_second}, {@code baton_snapshot_eta_seconds} (-1 unknown,
 *       0 done); all 0 while no snapshot has run in this process;
 *   <li>stream: {@code baton_stream_captured_changes_total}, {@code baton_stream_applied_changes_total}
 *       (since this process started the pipeline), and {@code baton_stream_apply_lag_seconds}, the
 *       end-to-end lag of the last batch applied (source commit to target commit);
 *   <li>each direction ({@code direction} label: {@code forward}, source to target, or
 *       {@code reverse}, target to source after a cutover): {@code baton_replication_running} (1 or
 *       0), {@code baton_replication_slot_lag_bytes} (WAL of the origin not yet confirmed by its slot,
 *       -1 when unknown) and {@code baton_replication_apply_lag_seconds} (as above); 0 for a
 *       direction that does not run; {@code baton_replication_slot_retained_wal_bytes} (WAL the
 *       origin keeps for the slot, from its {@code restart_lsn}; -1 unknown) and
 *       {@code baton_replication_slot_active} (1 while a process streams from the slot);
 *   <li>per batch the sinks commit ({@code direction} label): the histograms
 *       {@code baton_replication_end_to_end_lag_seconds} (each change, source commit to target
 *       commit) and {@code baton_sink_batch_seconds} (first statement to commit), and the counters
 *       {@code baton_table_applied_changes_total{direction,table}} (destination table) and
 *       {@code baton_stream_quarantined_changes_total{direction,table}} (rows recorded in
 *       {@code baton.quarantine}, by source table);
 *   <li>{@code baton_switch_write_pause_seconds{kind}}: the write pause of the last cutover or
 *       rollback in this process as the controller measured it; -1 before one;
 *   <li>{@code baton_final_verification{outcome}}: 1 for the outcome of the latest switch's final
 *       verification (RUNNING, EQUAL, DIFFERENT, FAILED), 0 for the others; all 0 before a switch.
 * </ul>
 *
 * Naming follows Prometheus' conventions (base units, {@code _total} for counters; "Metric and
 * label naming" in the Prometheus documentation), via Micrometer's Prometheus registry.
 */
final class MigrationMetrics implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MigrationMetrics.class);

  private final PrometheusMeterRegistry registry;
  private final HttpServer server;
  private final ExecutorService executor;

  private MigrationMetrics(PrometheusMeterRegistry registry, HttpServer server, ExecutorService executor) {
    this.registry = registry;
    this.server = server;
    this.executor = executor;
  }

  /**
   * Registers the migration's metrics and starts serving them.
   *
   * @param migration the migration; read on every scrape
   * @param spec its spec (the tables to report)
   * @param address where to listen; port 0 picks a free port
   * @return the running endpoint
   * @throws BatonException when the address cannot be bound (in use, or not local)
   */
  static MigrationMetrics serve(Migration migration, MigrationSpec spec, InetSocketAddress address) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    register(registry, migration, spec);
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new BatonException("cannot serve metrics on " + address + ": " + e.getMessage()
          + " (choose another --metrics-port)", e);
    }
    server.createContext("/metrics", exchange -> {
      try (exchange) {
        if (!"GET".equals(exchange.getRequestMethod())) {
          exchange.sendResponseHeaders(405, -1);
          return;
        }
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    // a few threads: a gate evaluation (GET /api/gates) may take as long as a drain, and must not
    // hold up a scrape
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "baton-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    LOG.info("metrics at http://{}:{}/metrics", address.getHostString(), server.getAddress().getPort());
    return new MigrationMetrics(registry, server, executor);
  }

  static void register(PrometheusMeterRegistry registry, Migration migration, MigrationSpec spec) {
    for (MigrationState s : MigrationState.values()) {
      Gauge.builder("baton.migration.state", migration, m -> m.state() == s ? 1 : 0)
          .tag("state", s.name()).description("1 for the migration's current state").register(registry);
    }
    for (TableMapping t : spec.tables()) {
      TableName table = t.source();
      snapshotGauge(registry, "baton.snapshot.rows", "rows copied in this run", migration, table, (p, x) -> x.rows());
      snapshotGauge(registry, "baton.snapshot.bytes", "bytes of COPY text read in this run", migration, table,
          (p, x) -> x.bytes());
      snapshotGauge(registry, "baton.snapshot.chunks", "chunks in the plan", migration, table, (p, x) -> x.chunks());
      snapshotGauge(registry, "baton.snapshot.chunks.done", "chunks done, earlier runs included", migration, table,
          (p, x) -> x.chunksDone());
      snapshotGauge(registry, "baton.snapshot.rows.per.second", "rows per second in this run", migration, table,
          SnapshotProgress::rowsPerSecond);
      snapshotGauge(registry, "baton.snapshot.eta.seconds", "estimated seconds left: -1 unknown, 0 done", migration,
          table, SnapshotProgress::etaSeconds);
      verifyGauge(registry, "baton.verify.mismatched.rows", "rows found different by the last live verification pass;"
          + " NaN before the first", migration, table, r -> r.mismatchedRows());
      verifyGauge(registry, "baton.verify.last.clean.pass.timestamp.seconds", "end of the last live verification pass"
          + " without a difference, seconds since the epoch; 0 for never", migration, table, r -> r.lastCleanPassAtMs() / 1000.0);
      verifyGauge(registry, "baton.verify.passes", "live verification passes over the table", migration, table,
          r -> r.passes());
      // present from the start, so that a rate over them is 0 rather than absent before a first row
      io.micrometer.core.instrument.Counter.builder("baton.stream.quarantined.changes").tag("direction", "forward")
          .tag("table", table.toString()).description("rows recorded in baton.quarantine, by source table")
          .register(registry);
    }
    FunctionCounter.builder("baton.verify.rows", migration, m -> ifVerifying(m, v -> v.rowsVerified(), 0))
        .description("source rows compared by live verification (restarts with it)").register(registry);
    FunctionCounter.builder("baton.verify.apply.held.seconds", migration, m -> ifVerifying(m, v -> v.applyHeldMs() / 1000.0, 0))
        .description("time tables' apply spent held at a snapshot's edge by live verification, all tables (restarts with"
            + " it)").register(registry);
    Gauge.builder("baton.verify.rows.per.second", migration, m -> ifVerifying(m, ContinuousVerifier::rowsPerSecond, 0))
        .description("source rows compared per second over the last full live verification pass").register(registry);
    Gauge.builder("baton.verify.backing.off", migration, m -> ifVerifying(m, v -> v.backingOff() ? 1 : 0, 0))
        .description("1 while live verification waits for the apply lag to come down").register(registry);
    Gauge.builder("baton.verify.last.clean.full.pass.timestamp.seconds", migration,
        m -> ifVerifying(m, v -> v.lastCleanFullPassAtMs() / 1000.0, 0))
        .description("every table has passed clean since then (the oldest of their last clean passes), seconds since"
            + " the epoch; 0 while a table has not").register(registry);
    Gauge.builder("baton.verify.mismatch.ratio", migration, m -> ifVerifying(m, ContinuousVerifier::mismatchRatio, 0))
        .description("rows found different over rows compared, in the tables' last live passes").register(registry);
    FunctionCounter.builder("baton.stream.captured.changes", migration, m -> m.streamedEvents())
        .description("row changes captured into Kafka").register(registry);
    FunctionCounter.builder("baton.stream.applied.changes", migration, m -> m.appliedEvents())
        .description("row changes applied to the target by the running pipeline").register(registry);
    Gauge.builder("baton.stream.apply.lag.seconds", migration, m -> m.applyLagMs() / 1000.0)
        .description("apply lag: end-to-end lag of the last batch applied (source commit to target commit), or how"
            + " long a progress marker has waited when longer").register(registry);
    directionGauges(registry, migration, "forward", Migration::forwardPipeline);
    directionGauges(registry, migration, "reverse", Migration::reversePipeline);
    migration.listenToSinks(new SinkMeters(registry)::record);
    for (String kind : java.util.List.of("cutover", "rollback")) {
      Gauge.builder("baton.switch.write.pause.seconds", migration, m -> {
        long ms = m.lastWritePauseMs(kind);
        return ms < 0 ? -1 : ms / 1000.0;
      }).tag("kind", kind).description("write pause of the last switch of this kind, as the controller measured it;"
          + " -1 before one").register(registry);
    }
    for (FinalVerification.Outcome o : FinalVerification.Outcome.values()) {
      Gauge.builder("baton.final.verification", migration, m -> {
        FinalVerification.Status f = m.finalVerification().latest();
        return f != null && f.outcome() == o ? 1 : 0;
      }).tag("outcome", o.name()).description("1 for the outcome of the latest switch's final verification at the freeze")
          .register(registry);
    }
  }

  private static void directionGauges(PrometheusMeterRegistry registry, Migration migration, String direction,
      java.util.function.Function<Migration, ReplicationPipeline> pipeline) {
    Gauge.builder("baton.replication.running", migration, m -> pipeline.apply(m) == null ? 0 : 1).tag("direction", direction)
        .description("1 while this direction replicates").register(registry);
    Gauge.builder("baton.replication.slot.lag.bytes", migration, m -> {
      ReplicationPipeline p = pipeline.apply(m);
      return p == null ? 0 : p.slotLagBytes();
    }).tag("direction", direction).description("WAL of the origin not yet confirmed by the direction's slot; -1 unknown")
        .register(registry);
    Gauge.builder("baton.replication.slot.retained.wal.bytes", migration, m -> {
      ReplicationPipeline p = pipeline.apply(m);
      return p == null ? 0 : p.slotStatus().retainedBytes();
    }).tag("direction", direction).description("WAL the origin keeps for the direction's slot, from its restart_lsn;"
        + " -1 unknown").register(registry);
    Gauge.builder("baton.replication.slot.wal.at.risk", migration, m -> {
      ReplicationPipeline p = pipeline.apply(m);
      return p != null && p.slotStatus().atRisk() ? 1 : 0;
    }).tag("direction", direction).description("1 when the origin has removed or is about to remove WAL the direction's"
        + " slot needs (wal_status unreserved or lost, max_slot_wal_keep_size)").register(registry);
    Gauge.builder("baton.replication.slot.active", migration, m -> {
      ReplicationPipeline p = pipeline.apply(m);
      return p != null && p.slotStatus().active() ? 1 : 0;
    }).tag("direction", direction).description("1 while a process streams from the direction's slot").register(registry);
    Gauge.builder("baton.replication.apply.lag.seconds", migration, m -> {
      ReplicationPipeline p = pipeline.apply(m);
      return p == null ? 0 : p.applyLagMs() / 1000.0;
    }).tag("direction", direction).description("the direction's apply lag: its last batch's end-to-end lag, or how long"
        + " its progress marker has waited when longer").register(registry);
  }

  /** The meters each committed sink batch updates. */
  private static final class SinkMeters {
    /** Histogram buckets of the lag and batch timers, seconds. */
    private static final java.time.Duration[] BUCKETS = java.util.stream.Stream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500,
        5000, 10_000, 30_000, 60_000, 300_000).map(java.time.Duration::ofMillis).toArray(java.time.Duration[]::new);
    private final PrometheusMeterRegistry registry;

    SinkMeters(PrometheusMeterRegistry registry) {
      this.registry = registry;
    }

    void record(String direction, io.baton.sink.SinkListener.Batch b) {
      io.micrometer.core.instrument.Timer lag = io.micrometer.core.instrument.Timer
          .builder("baton.replication.end.to.end.lag").tag("direction", direction)
          .description("each change applied, from its source commit to the target commit")
          .serviceLevelObjectives(BUCKETS).register(registry);
      for (long ms : b.endToEndLagMs()) {
        lag.record(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      io.micrometer.core.instrument.Timer.builder("baton.sink.batch").tag("direction", direction)
          .description("sink batches, from the first statement to the commit").serviceLevelObjectives(BUCKETS)
          .register(registry).record(b.nanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
      b.appliedByTable().forEach((table, n) -> io.micrometer.core.instrument.Counter.builder("baton.table.applied.changes")
          .tag("direction", direction).tag("table", table).description("row changes applied, by destination table")
          .register(registry).increment(n));
      b.quarantinedBySourceTable().forEach((table, n) -> io.micrometer.core.instrument.Counter
          .builder("baton.stream.quarantined.changes").tag("direction", direction).tag("table", table)
          .description("rows recorded in baton.quarantine, by source table").register(registry).increment(n));
    }
  }

  /** A per-table value of the snapshot progress; 0 while there is none. */
  private interface TableValue {
    long of(SnapshotProgress progress, SnapshotProgress.Table table);
  }

  private static void snapshotGauge(PrometheusMeterRegistry registry, String name, String description, Migration migration,
      TableName table, TableValue value) {
    ToDoubleFunction<Migration> read = m -> {
      SnapshotProgress p = m.snapshotProgress();
      if (p == null) {
        return 0;
      }
      return p.tables().stream().filter(x -> x.table().equals(table)).findFirst().map(x -> (double) value.of(p, x)).orElse(0.0);
    };
    Gauge.builder(name, migration, read).tag("table", table.toString()).description(description).register(registry);
  }

  private static double ifVerifying(Migration m, ToDoubleFunction<ContinuousVerifier> read, double otherwise) {
    ContinuousVerifier v = m.verifier();
    return v == null ? otherwise : read.applyAsDouble(v);
  }

  private static void verifyGauge(PrometheusMeterRegistry registry, String name, String description, Migration migration,
      TableName table, ToDoubleFunction<VerifyResults.TableResult> value) {
    ToDoubleFunction<Migration> read = m -> ifVerifying(m, v -> {
      VerifyResults.TableResult r = v.results().get(table.toString());
      return r == null ? Double.NaN : value.applyAsDouble(r);
    }, Double.NaN);
    Gauge.builder(name, migration, read).tag("table", table.toString()).description(description).register(registry);
  }

  /**
   * Serves another path on the same address (the control API).
   *
   * @param path the path prefix
   * @param handler what answers it
   */
  void route(String path, com.sun.net.httpserver.HttpHandler handler) {
    server.createContext(path, handler);
  }

  /** @return the port actually bound */
  int port() {
    return server.getAddress().getPort();
  }

  /** Stops serving. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    registry.close();
  }
}
