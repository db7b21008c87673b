package io.baton.cli;

import io.baton.event.Topics;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.sink.TargetSchema;
import io.baton.spec.ColumnRule;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import io.baton.spec.SchemaMode;
import io.baton.spec.TableChecks;
import io.baton.spec.TableMapping;
import io.baton.state.ChunkPlanner;
import io.baton.state.JournalEntry;
import io.baton.state.SnapshotJournal;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code baton run --dry-run}: every check {@code baton run} makes before it writes
 * ({@link Migration#check}), then the plan, printed, with nothing written anywhere: no state
 * schema, no table, no slot, no publication, no topic.
 *
 * <p>The plan names the slot, publication and topics; per table the size the catalog estimates,
 * the snapshot chunks it would be copied in (planned on the source as the snapshot would), what
 * happens to each column, the operations a rollback cannot undo, and the declared checks; then the
 * target DDL ({@code schema: create}) or the result of checking the existing tables; and where an
 * earlier run of the same migration stands.
 */
final class DryRun {
  private DryRun() {}

  /**
   * @param spec the spec
   * @param source the source database
   * @param target the target database
   * @param kafka the Kafka cluster
   * @param out where the plan goes
   * @return {@link BatonCli#OK}
   * @throws io.baton.BatonException when a check fails, with every problem found
   */
  static int run(MigrationSpec spec, Database source, Database target, io.baton.event.KafkaCluster kafka, PrintStream out) {
    Map<TableInfo, RowTransform> tables = Migration.check(spec, source, target, kafka);
    out.printf("Plan of migration %s (dry run: nothing was written)%n%n", spec.name());
    out.printf("  source    %s: wal_level logical, replica role allowed%n", source);
    out.printf("  target    %s: replica role allowed, schema %s%n", target, spec.schema().name().toLowerCase());
    out.printf("  kafka     %s: reachable%n", kafka);
    out.printf("  slot and publication %s on the source; state in schema baton on the target%n", spec.slotName());
    out.printf("  earlier run: %s%n", journalState(target, spec.name()));
    List<String> ddl = new ArrayList<>();
    try (Connection s = source.connect()) {
      s.setAutoCommit(false);
      s.setReadOnly(true);
      for (TableMapping m : spec.tables()) {
        TableInfo table = tables.keySet().stream().filter(t -> t.name().equals(m.source())).findFirst().orElseThrow();
        RowTransform transform = tables.get(table);
        SnapshotJournal.TablePlan plan = ChunkPlanner.plan(s, table, transform.targetTable(), spec.snapshot().chunkBytes());
        out.printf("%n  %s -> %s: about %,d rows, %d snapshot chunk(s) of %s%n", m.source(), m.target(), plan.estimatedRows(),
            plan.chunks().size(), plan.chunks().get(0).kind().name().toLowerCase().replace('_', ' '));
        out.println("    columns: " + columns(table, m));
        out.println("    topics: " + Topics.source(spec.name(), m.source()) + ", " + Topics.target(spec.name(), m.target()));
        if (m.filter() != null) {
          out.println("    filter: rows where " + m.filter() + " (an update that takes a row out deletes it on the target)");
        }
        for (var d : m.derive().entrySet()) {
          out.println("    derived: " + d.getKey() + " = " + d.getValue().describe());
        }
        if (!m.validate().isEmpty()) {
          out.println("    validate: " + String.join("; ", m.validate().stream().map(v -> v.subject() + " " + v.describe())
              .toList()) + " (a row that breaks one: " + m.onInvalid().name().toLowerCase() + ")");
        }
        out.println("    rollback: " + rollback(table, transform));
        out.println("    checks: " + checks(m.checks()));
        if (spec.schema() == SchemaMode.CREATE) {
          ddl.addAll(TargetSchema.createStatements(table, transform));
        }
      }
      s.rollback();
    } catch (SQLException e) {
      throw PgErrors.classify("planning on the source", e);
    }
    if (spec.schema() == SchemaMode.CREATE) {
      out.printf("%n  target DDL (indexes, constraints and foreign keys follow after the bulk copy):%n");
      ddl.forEach(d -> out.println("    " + d + ";"));
    } else {
      out.printf("%n  target tables exist and fit the spec%n");
    }
    return BatonCli.OK;
  }

  private static String rollback(TableInfo table, RowTransform transform) {
    List<String> parts = new ArrayList<>();
    if (!transform.droppedColumns().isEmpty()) {
      parts.add("rows written on the target reach the source without " + String.join(", ", transform.droppedColumns())
          + " (dropped)");
    }
    parts.addAll(transform.reverseRules(table));
    return parts.isEmpty() ? "every operation can be undone" : String.join("; ", parts);
  }

  private static String columns(TableInfo table, TableMapping m) {
    List<String> parts = new ArrayList<>();
    for (String c : table.columnNames()) {
      ColumnRule rule = m.columns().get(c);
      if (rule == null) {
        continue;
      }
      String ops = rule.ops().isEmpty() ? ""
          : " (" + String.join(", then ", rule.ops().stream().map(io.baton.spec.value.ValueOp::describe).toList()) + ")";
      parts.add(rule.drop() ? c + " dropped" : c + (rule.rename() == null ? "" : " -> " + rule.rename()) + ops);
    }
    return parts.isEmpty() ? "all " + table.columns().size() + " as they are"
        : String.join(", ", parts) + "; the other " + (table.columns().size() - parts.size()) + " as they are";
  }

  private static String checks(TableChecks checks) {
    List<String> parts = new ArrayList<>();
    checks.aggregates().forEach(a -> parts.add(a.describe()));
    if (checks.sampleRows() > 0) {
      parts.add("sample of " + checks.sampleRows() + " rows");
    }
    return parts.isEmpty() ? "row counts and checksums" : "row counts and checksums; " + String.join("; ", parts);
  }

  /** @return where the journal on the target says this migration stands, read without writing */
  private static String journalState(Database target, String migration) {
    try (Connection t = target.connect()) {
      List<JournalEntry> journal = JournalEntry.read(t, migration);
      if (journal.isEmpty()) {
        return "none (a new migration)";
      }
      JournalEntry last = journal.get(journal.size() - 1);
      return "the journal says " + last.to() + " since " + java.time.Instant.ofEpochMilli(last.atMs())
          + "; baton run would continue from there";
    } catch (SQLException e) {
      throw PgErrors.classify("reading the journal on the target", e);
    }
  }
}
