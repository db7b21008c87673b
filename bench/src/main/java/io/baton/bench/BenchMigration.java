package io.baton.bench;

import io.baton.capture.BulkSnapshot;
import io.baton.capture.ReplicationSlots;
import io.baton.capture.SnapshotProgress;
import io.baton.capture.SourceCheck;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.pg.UserTypes;
import io.baton.sink.CopyLoader;
import io.baton.sink.TargetSchema;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import io.baton.spec.SpecLoader;
import io.baton.state.StateSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Baton's side of a benchmark (B6): pgbench's tables with {@code pgbench_accounts} renamed to
 * {@code accounts} and {@code abalance} to {@code balance}, the target schema, the publication,
 * and the bulk snapshot under the slot's exported snapshot.
 */
final class BenchMigration {
  final MigrationSpec spec;
  final Database source;
  final Database target;
  final Map<TableInfo, RowTransform> tables = new LinkedHashMap<>();

  BenchMigration(String name, Database source, Database target, int parallelism) {
    this(name, source, target, parallelism, 4);
  }

  BenchMigration(String name, Database source, Database target, int parallelism, int applyThreads) {
    this.spec = new SpecLoader().parse("""
        name: %s
        snapshot: { parallelism: %d }
        apply: { threads: %d }
        tables:
          - source: public.pgbench_accounts
            target: public.accounts
            columns:
              abalance: { rename: balance }
          - source: public.pgbench_branches
          - source: public.pgbench_tellers
          - source: public.pgbench_history
        """.formatted(name, parallelism, applyThreads), name + ".yaml");
    this.source = source;
    this.target = target;
    tables.putAll(tables(source, spec));
    try (Connection s = source.connect(); Connection t = target.connect()) {
      StateSchema.ensure(t);
      TargetSchema.create(t, tables, false, UserTypes.usedBy(s, tables.keySet()));
      ReplicationSlots.createPublication(s, spec.publicationName(), tables.keySet().stream().map(TableInfo::name).toList());
    } catch (SQLException e) {
      throw PgErrors.classify("preparing Baton's benchmark migration", e);
    }
  }

  /**
   * @param source the source database
   * @param spec the spec
   * @return the spec's source tables as the source's catalog describes them, with their transforms,
   *     in spec order
   * @throws io.baton.BatonException when a table is missing or cannot be replicated
   */
  static Map<TableInfo, RowTransform> tables(Database source, MigrationSpec spec) {
    try (Connection s = source.connect()) {
      Map<TableName, TableInfo> infos = SourceCheck.check(s, spec);
      Map<TableInfo, RowTransform> out = new LinkedHashMap<>();
      spec.tables().forEach(m -> out.put(infos.get(m.source()), m.transform(infos.get(m.source()))));
      return out;
    } catch (SQLException e) {
      throw PgErrors.classify("reading the source's catalog", e);
    }
  }

  /**
   * Creates the slot with an exported snapshot and copies every table under it.
   *
   * @return milliseconds from the slot's creation to the last chunk's commit
   */
  long snapshot() {
    long start = System.nanoTime();
    try (ReplicationSlots.ExportedSnapshot snap =
        ReplicationSlots.createSlotExportingSnapshot(source.jdbcUrl(), source.properties(), spec.slotName())) {
      BulkSnapshot.planAndRecord(source, snap.snapshotName(), target, spec.name(), tables, spec.snapshot());
      BulkSnapshot.copyPending(source, snap.snapshotName(), target, spec.name(), tables, new CopyLoader(target),
          spec.snapshot().parallelism(), new SnapshotProgress(System::nanoTime));
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** Drops the slot and the publication. */
  void dropSlot() {
    try (Connection s = source.connect()) {
      ReplicationSlots.dropSlot(s, spec.slotName());
      ReplicationSlots.dropPublication(s, spec.publicationName());
    } catch (SQLException e) {
      throw PgErrors.classify("dropping the benchmark's slot", e);
    }
  }
}
