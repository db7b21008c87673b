package io.baton.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.spec.MigrationSpec;
import io.baton.state.QuarantineTable;
import io.baton.state.QuarantinedRow;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code baton quarantine list}: the rows a migration's spec set aside ({@code onInvalid:
 * quarantine}), read from {@code baton.quarantine} on the target.
 */
@Command(name = "quarantine", mixinStandardHelpOptions = true,
    description = {"The rows the spec set aside (tables[].onInvalid: quarantine), kept in baton.quarantine on the target.", ""},
    subcommands = {QuarantineCommand.ListRows.class, QuarantineCommand.Replay.class})
final class QuarantineCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return BatonCli.BAD_INPUT;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"List quarantined rows, newest first: source table, key, LSN (snapshot for the bulk copy), column,"
          + " rule and reason, and the row's source values.", "",
          "The target's password comes from the spec or BATON_TARGET_PASSWORD.", ""},
      footer = {"", "Example:", "  baton quarantine list --spec shop.yaml --target postgresql://app@10.0.0.9:5432/shop"
          + " --output json"})
  static final class ListRows implements Callable<Integer> {
    @CommandLine.Mixin
    BatonCli.MigrationOptions migration = new BatonCli.MigrationOptions();

    @Option(names = "--limit", defaultValue = "100", description = "At most this many rows (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--output", defaultValue = "text", paramLabel = "text|json", description = "text or json.")
    String output;

    @Override
    public Integer call() throws java.io.IOException {
      MigrationSpec spec = migration.spec();
      return list(spec.name(), migration.target(spec), limit, output.equals("json"), System.out);
    }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = {"Send every quarantined row still on the source through the pipeline again, after the spec or the"
          + " data was fixed: restart baton run with the fixed spec first. Each such row gets a no-op update on the"
          + " source (its key set to itself: UPDATE triggers fire, and the user needs UPDATE on the table), which the"
          + " stream carries in order like any change; a row that fails again is quarantined again. The entries"
          + " replaced are removed from baton.quarantine.", "",
          "Passwords come from the spec or BATON_SOURCE_PASSWORD and BATON_TARGET_PASSWORD.", ""},
      footer = {"", "Example:", "  baton quarantine replay --spec shop.yaml --source postgresql://app@10.0.0.5:5432/shop"
          + " --target postgresql://app@10.0.0.9:5432/shop"})
  static final class Replay implements Callable<Integer> {
    @CommandLine.Mixin
    BatonCli.MigrationOptions migration = new BatonCli.MigrationOptions();

    @Override
    public Integer call() throws java.io.IOException {
      MigrationSpec spec = migration.spec();
      QuarantineReplay.Result r = QuarantineReplay.run(spec.name(), migration.source(spec), migration.target(spec), System.out);
      System.out.printf("replayed: %d rows sent through the stream again, %d no longer on the source, %d quarantine"
          + " entries removed%n", r.touched(), r.gone(), r.removed());
      return BatonCli.OK;
    }
  }

  /**
   * @param migrationName the migration
   * @param target the target database
   * @param limit at most this many rows
   * @param json JSON instead of text
   * @param out where to print
   * @return the exit code: 0
   * @throws BatonException when the target cannot be read
   */
  static int list(String migrationName, Database target, int limit, boolean json, PrintStream out) {
    long total;
    List<QuarantinedRow> rows;
    try (Connection c = target.connect()) {
      total = QuarantineTable.count(c, migrationName);
      rows = QuarantineTable.list(c, migrationName, limit);
    } catch (SQLException e) {
      throw PgErrors.classify("reading the quarantine", e);
    }
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode().put("migration", migrationName).put("total", total);
      ArrayNode list = root.putArray("rows");
      for (QuarantinedRow r : rows) {
        list.addObject().put("source_table", r.sourceTable().toString()).put("source_key", r.sourceKey()).put("lsn", r.lsn())
            .put("column", r.column()).put("rule", r.rule()).put("reason", r.reason()).put("row", r.rowValues());
      }
      out.println(root.toPrettyString());
      return BatonCli.OK;
    }
    out.printf("migration %s: %d rows in quarantine%s%n", migrationName, total, total > rows.size() ? " (newest "
        + rows.size() + " shown)" : "");
    for (QuarantinedRow r : rows) {
      out.printf("  %s %s at %s: column %s, %s (%s)%n    row %s%n", r.sourceTable(), r.sourceKey(), r.lsn(), r.column(),
          r.reason(), r.rule(), r.rowValues());
    }
    return BatonCli.OK;
  }
}
