package io.baton.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.capture.SourceCheck;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.reconciler.Reconciler;
import io.baton.reconciler.ReferentialCheck;
import io.baton.reconciler.CheckResult;
import io.baton.reconciler.ComparisonJson;
import io.baton.reconciler.TableComparison;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code baton reconcile}: one full reconciler pass over the spec's tables, printed as text or JSON.
 *
 * <p>Then every foreign key of the target tables is checked for rows without a parent
 * ({@link ReferentialCheck}); any such row fails the check too.
 *
 * <p>JSON: {@code {"equal": bool, "repaired_rows": {target table: rows} (with --repair only),
 * "tables": [...], "foreign_keys": [{"constraint", "child", "parent", "orphan_rows", "columns",
 * "sample"}]}}, each table as {@link ComparisonJson} writes it; {@code equal} is about the tables.
 */
final class ReconcileCommand {
  /** How the result is printed. */
  enum Output { text, json }

  private ReconcileCommand() {}

  /**
   * @param spec the spec
   * @param source the source database
   * @param target the target database
   * @param output text or json
   * @param out where to print
   * @return {@link BatonCli#OK} when every table is equal, every declared check passes and every
   *     foreign key holds,
   *     {@link BatonCli#CHECK_FAILED} otherwise
   * @throws io.baton.BatonException when a database cannot be read or a spec table is missing
   */
  static int run(MigrationSpec spec, Database source, Database target, Output output, PrintStream out) {
    return run(spec, source, target, output, false, out);
  }

  /**
   * As {@link #run(MigrationSpec, Database, Database, Output, PrintStream)}; with {@code repair},
   * the rows found different in tables with a primary key are repaired ({@link Repair}) and a
   * second pass is made, whose result is printed and decides the exit code. Tables without a key
   * cannot be repaired row by row and are left as they are, with a message.
   *
   * @param repair whether to repair and verify again
   */
  static int run(MigrationSpec spec, Database source, Database target, Output output, boolean repair, PrintStream out) {
    Map<TableInfo, RowTransform> tables = tables(source, spec);
    List<TableComparison> pass = Reconciler.compare(source, target, tables);
    Map<String, Long> repaired = new LinkedHashMap<>();
    if (repair && !pass.stream().allMatch(TableComparison::equal)) {
      int i = 0;
      for (Map.Entry<TableInfo, RowTransform> t : tables.entrySet()) {
        TableComparison c = pass.get(i++);
        if (c.equal()) {
          continue;
        }
        if (!t.getKey().hasPrimaryKey()) {
          System.err.println("baton: " + c.source() + " has no primary key, so its rows cannot be repaired one by one;"
              + " copy it again");
          continue;
        }
        repaired.put(c.target(), Repair.table(source, target, t.getKey(), t.getValue()));
      }
      pass = Reconciler.compare(source, target, tables);
    }
    List<ReferentialCheck.ForeignKey> keys = ReferentialCheck.check(target,
        tables.values().stream().map(RowTransform::targetTable).toList());
    boolean orphans = keys.stream().anyMatch(k -> k.rows() > 0);
    boolean equal = pass.stream().allMatch(TableComparison::equal);
    boolean checked = pass.stream().allMatch(TableComparison::passed);
    if (output == Output.json) {
      out.println(json(pass, equal, keys, repair ? repaired : null));
    } else {
      repaired.forEach((table, rows) -> out.printf("repaired %,d rows of %s%n", rows, table));
      for (TableComparison c : pass) {
        out.printf("%s -> %s: %,d / %,d rows, %s (%d ms)%n", c.source(), c.target(), c.sourceRows(), c.targetRows(),
            c.equal() ? "equal" : c.mismatchedRows() + " rows differ", c.millis());
        c.differences().forEach(d -> out.println("  " + d));
        if (c.mismatchedRows() > c.differences().size() && !c.differences().isEmpty()) {
          out.printf("  ... and %d more%n", c.mismatchedRows() - c.differences().size());
        }
        for (CheckResult k : c.checks()) {
          out.printf("  check %s: %s%n", k.name(), k.passed() ? "passed, " + k.compared() + " compared"
              : k.differing() + " of " + k.compared() + " differ");
          k.details().forEach(d -> out.println("    " + d));
        }
      }
      for (ReferentialCheck.ForeignKey k : keys) {
        out.printf("foreign key %s of %s: %s%n", k.constraint(), k.child(), k.rows() == 0 ? "every row has its parent"
            : k.rows() + " rows whose " + k.columns() + " has no parent in " + k.parent() + ", such as " + k.sample());
      }
      out.println(!equal ? "DIFFERENT" : orphans ? "EQUAL, BUT ROWS WITHOUT PARENT"
          : !checked ? "EQUAL, BUT DECLARED CHECKS FAILED" : "equal");
    }
    return equal && checked && !orphans ? BatonCli.OK : BatonCli.CHECK_FAILED;
  }

  /**
   * @param source the source database
   * @param spec the spec
   * @return the spec's source tables as the source catalog describes them, with their transforms,
   *     in spec order
   * @throws io.baton.BatonException when a table is missing or cannot be replicated
   */
  static Map<TableInfo, RowTransform> tables(Database source, MigrationSpec spec) {
    try (Connection c = source.connect()) {
      Map<TableName, TableInfo> infos = SourceCheck.check(c, spec);
      Map<TableInfo, RowTransform> out = new LinkedHashMap<>();
      spec.tables().forEach(m -> out.put(infos.get(m.source()), m.transform(infos.get(m.source()))));
      return out;
    } catch (SQLException e) {
      throw PgErrors.classify("reading the source catalog of " + source, e);
    }
  }

  private static String json(List<TableComparison> pass, boolean equal, List<ReferentialCheck.ForeignKey> keys,
      Map<String, Long> repaired) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("equal", equal);
    if (repaired != null) {
      ObjectNode r = root.putObject("repaired_rows");
      repaired.forEach(r::put);
    }
    ArrayNode tables = root.putArray("tables");
    pass.forEach(c -> ComparisonJson.put(tables.addObject(), c));
    ArrayNode fks = root.putArray("foreign_keys");
    keys.forEach(k -> ComparisonJson.putForeignKey(fks.addObject(), k));
    try {
      return mapper.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the reconcile result as JSON", e);
    }
  }
}
