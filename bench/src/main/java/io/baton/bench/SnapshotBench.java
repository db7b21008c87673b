package io.baton.bench;

import io.baton.BatonException;
import io.baton.capture.BulkSnapshot;
import io.baton.capture.ReplicationSlots;
import io.baton.capture.SnapshotProgress;
import io.baton.capture.SourceCheck;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.Pgbench;
import io.baton.embedded.PostgresServer;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.pg.UserTypes;
import io.baton.reconciler.Reconciler;
import io.baton.reconciler.TableComparison;
import io.baton.sink.CopyLoader;
import io.baton.sink.TargetSchema;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import io.baton.spec.SpecLoader;
import io.baton.state.StateSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bench/run snapshot}: copies pgbench's four tables from the source into three fresh target
 * databases, one after the other, and reports rows per second of each:
 *
 * <ul>
 *   <li>B1: a raw {@code psql -c "COPY t TO STDOUT" | psql -c "COPY t FROM STDIN"} pipe per table;
 *   <li>B3: PostgreSQL's own logical replication, from {@code CREATE SUBSCRIPTION} until every table's
 *       initial sync is ready ({@code pg_subscription_rel.srsubstate = 'r'});
 *   <li>B6: Baton's bulk snapshot (slot with exported snapshot, plan, parallel chunks, transform with a
 *       table and a column rename, checksums), checked equal to the source by the reconciler.
 * </ul>
 *
 * <p>Every target table has its primary key before the copy in all three, as pgbench's own
 * {@code -I dtp} creates it. Targets: {@code ratio_vs_copy_pipe} (B6/B1) at least 0.8 and
 * {@code ratio_vs_native} (B6/B3) at least 1.0.
 */
final class SnapshotBench {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotBench.class);
  private static final List<String> TABLES = List.of("pgbench_accounts", "pgbench_branches", "pgbench_tellers", "pgbench_history");

  private final EmbeddedEnvironment env;
  private final int scale;
  private final int parallelism;
  private final Path logs;

  SnapshotBench(EmbeddedEnvironment env, int scale, int parallelism) {
    this.env = env;
    this.scale = scale;
    this.parallelism = parallelism;
    this.logs = env.workDir().resolve("bench.log");
  }

  Map<String, Object> run() throws IOException, InterruptedException {
    Database source = database(env.source(), env.sourceDatabase());
    LOG.info("pgbench -i -s {} on the source", scale);
    Pgbench.initialize(source, scale, logs);
    exec(source, "ALTER TABLE pgbench_history REPLICA IDENTITY FULL");
    exec(source, "VACUUM ANALYZE");
    long rows = 0;
    for (String t : TABLES) {
      rows += Long.parseLong(query(source, "SELECT count(*) FROM " + t));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "snapshot");
    out.put("scale", scale);
    out.put("rows", rows);
    out.put("source_mb", Long.parseLong(query(source, "SELECT pg_database_size(current_database()) / 1000000")));
    Map<String, Object> b1 = figures(rows, copyPipe(source, emptyTarget("b1")));
    Map<String, Object> b3 = figures(rows, nativeSync(source, emptyTarget("b3")));
    Map<String, Object> b6 = figures(rows, baton(source));
    b6.put("parallelism", parallelism);
    out.put("b1_copy_pipe", b1);
    out.put("b3_native", b3);
    out.put("b6_baton", b6);
    double vsCopy = ratio(b6, b1);
    double vsNative = ratio(b6, b3);
    out.put("ratio_vs_copy_pipe", vsCopy);
    out.put("ratio_vs_native", vsNative);
    out.put("targets", Map.of("ratio_vs_copy_pipe", 0.8, "ratio_vs_native", 1.0));
    out.put("meets_targets", vsCopy >= 0.8 && vsNative >= 1.0);
    return out;
  }

  private static Map<String, Object> figures(long rows, long millis) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("ms", millis);
    f.put("rows_per_s", millis == 0 ? rows : rows * 1000 / millis);
    return f;
  }

  private static double ratio(Map<String, Object> a, Map<String, Object> b) {
    return Math.round(100.0 * ((Number) a.get("rows_per_s")).doubleValue() / ((Number) b.get("rows_per_s")).doubleValue()) / 100.0;
  }

  private Database emptyTarget(String name) {
    env.target().createDatabase(name);
    Database db = database(env.target(), name);
    Pgbench.initialize(db, scale, "dtp", logs);
    return db;
  }

  private long copyPipe(Database source, Database target) throws IOException, InterruptedException {
    LOG.info("B1: COPY pipe");
    long start = System.nanoTime();
    for (String t : TABLES) {
      List<Process> pipe = ProcessBuilder.startPipeline(List.of(
          psql(source, "COPY " + t + " TO STDOUT").redirectError(ProcessBuilder.Redirect.appendTo(logs.toFile())),
          psql(target, "COPY " + t + " FROM STDIN").redirectError(ProcessBuilder.Redirect.appendTo(logs.toFile()))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.toFile()))));
      for (Process p : pipe) {
        if (p.waitFor() != 0) {
          throw new BatonException("COPY pipe of " + t + " failed (exit " + p.exitValue() + "); see " + logs);
        }
      }
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    checkCounts(source, target, "B1");
    return ms;
  }

  private static ProcessBuilder psql(Database db, String sql) {
    return new ProcessBuilder(Pgbench.psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", db.host(), "-p",
        Integer.toString(db.port()), "-U", db.user(), "-d", db.database(), "-c", sql);
  }

  private long nativeSync(Database source, Database target) throws InterruptedException {
    LOG.info("B3: native logical replication, initial sync");
    exec(source, "CREATE PUBLICATION bench_native FOR TABLE " + String.join(", ", TABLES));
    long start = System.nanoTime();
    exec(target, "CREATE SUBSCRIPTION bench_native CONNECTION 'host=" + source.host() + " port=" + source.port()
        + " dbname=" + source.database() + " user=" + source.user() + "' PUBLICATION bench_native");
    while (!query(target, "SELECT count(*) FILTER (WHERE srsubstate <> 'r') || '/' || count(*) FROM pg_subscription_rel")
        .equals("0/" + TABLES.size())) {
      Thread.sleep(20);
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    exec(target, "DROP SUBSCRIPTION bench_native");
    exec(source, "DROP PUBLICATION bench_native");
    checkCounts(source, target, "B3");
    return ms;
  }

  private long baton(Database source) {
    LOG.info("B6: Baton bulk snapshot, parallelism {}", parallelism);
    env.target().createDatabase("b6");
    Database target = database(env.target(), "b6");
    MigrationSpec spec = new SpecLoader().parse("""
        name: bench
        snapshot: { parallelism: %d }
        tables:
          - source: public.pgbench_accounts
            target: public.accounts
            columns:
              abalance: { rename: balance }
          - source: public.pgbench_branches
          - source: public.pgbench_tellers
          - source: public.pgbench_history
        """.formatted(parallelism), "bench.yaml");
    Map<TableInfo, RowTransform> tables = new LinkedHashMap<>();
    try (Connection s = source.connect(); Connection t = target.connect()) {
      Map<TableName, TableInfo> infos = SourceCheck.check(s, spec);
      spec.tables().forEach(m -> tables.put(infos.get(m.source()), m.transform()));
      StateSchema.ensure(t);
      TargetSchema.create(t, tables, false, UserTypes.usedBy(s, tables.keySet()));
      ReplicationSlots.createPublication(s, spec.publicationName(), tables.keySet().stream().map(TableInfo::name).toList());
    } catch (SQLException e) {
      throw PgErrors.classify("preparing B6", e);
    }
    long start = System.nanoTime();
    try (ReplicationSlots.ExportedSnapshot snap =
        ReplicationSlots.createSlotExportingSnapshot(source.jdbcUrl(), source.properties(), spec.slotName())) {
      BulkSnapshot.planAndRecord(source, snap.snapshotName(), target, spec.name(), tables, spec.snapshot());
      BulkSnapshot.copyPending(source, snap.snapshotName(), target, spec.name(), tables, new CopyLoader(target),
          parallelism, new SnapshotProgress(System::nanoTime));
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    try (Connection s = source.connect()) {
      ReplicationSlots.dropSlot(s, spec.slotName());
      ReplicationSlots.dropPublication(s, spec.publicationName());
    } catch (SQLException e) {
      throw PgErrors.classify("dropping B6's slot", e);
    }
    for (TableComparison c : Reconciler.compare(source, target, tables)) {
      if (!c.equal()) {
        throw new BatonException("B6 copied " + c.source() + " wrongly: " + c);
      }
    }
    return ms;
  }

  private static void checkCounts(Database source, Database target, String which) {
    for (String t : TABLES) {
      String s = query(source, "SELECT count(*) FROM " + t);
      String d = query(target, "SELECT count(*) FROM " + t);
      if (!s.equals(d)) {
        throw new BatonException(which + " copied " + d + " rows of " + t + ", the source has " + s);
      }
    }
  }

  private static Database database(PostgresServer server, String name) {
    return new Database(server.host(), server.port(), name, server.user(), null);
  }

  private static void exec(Database db, String sql) {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw PgErrors.classify(sql, e);
    }
  }

  private static String query(Database db, String sql) {
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw PgErrors.classify(sql, e);
    }
  }
}
