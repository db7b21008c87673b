package io.baton.capture;

import io.baton.BatonException;
import io.baton.pg.Catalog;
import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.spec.ColumnCheck;
import io.baton.spec.MigrationSpec;
import io.baton.spec.TableMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, before anything is written, that a source database can be captured with a spec.
 *
 * <ul>
 *   <li>{@code wal_level} is {@code logical} (logical decoding needs it: manual section 20.5.1,
 *       "Settings" of "Write Ahead Log");
 *   <li>every table of the spec exists, and every column the spec names exists;
 *   <li>no primary key column is dropped;
 *   <li>a table without a primary key has REPLICA IDENTITY FULL: under DEFAULT, once the table is
 *       in a publication PostgreSQL rejects its UPDATE and DELETE (manual section 31.1,
 *       "Publication"), and without the full old row a sink could not find the row to change.
 * </ul>
 */
public final class SourceCheck {
  private SourceCheck() {}

  /**
   * @param source an open connection to the source database
   * @param spec the spec
   * @return the catalog description of every source table of the spec, in spec order
   * @throws BatonException listing every problem found, each with its fix
   */
  public static Map<io.baton.pg.TableName, TableInfo> check(Connection source, MigrationSpec spec) {
    List<String> problems = new ArrayList<>();
    try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery("SHOW wal_level")) {
      rs.next();
      if (!"logical".equals(rs.getString(1))) {
        problems.add("the source has wal_level=" + rs.getString(1) + "; logical decoding needs wal_level=logical."
            + " Fix: ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL");
      }
    } catch (SQLException e) {
      throw PgErrors.classify("reading wal_level on the source", e);
    }
    Map<io.baton.pg.TableName, TableInfo> tables = new LinkedHashMap<>();
    for (int i = 0; i < spec.tables().size(); i++) {
      TableMapping m = spec.tables().get(i);
      String where = "spec tables[" + i + "]";
      if (!Catalog.exists(source, m.source())) {
        problems.add(where + ": source table " + m.source() + " does not exist in the source database."
            + " Fix: correct the name in the spec (schema.table) or create the table");
        continue;
      }
      TableInfo info = Catalog.describe(source, m.source());
      tables.put(m.source(), info);
      for (String col : m.columns().keySet()) {
        boolean generated = info.generated().stream().anyMatch(g -> g.name().equals(col));
        if (generated && !m.columns().get(col).drop()) {
          problems.add(where + ".columns." + col + ": column " + col + " of " + m.source() + " is generated: the target"
              + " computes it from the same expression, so it can only be dropped (drop: true), not renamed or changed");
        } else if (!generated && info.column(col).isEmpty()) {
          problems.add(where + ".columns." + col + ": table " + m.source() + " has no column '" + col
              + "' (columns: " + String.join(", ", info.columnNames()) + ")");
        }
      }
      for (var d : m.derive().entrySet()) {
        String key = d.getValue().uuid5() != null ? ".uuid5.from" : ".cel";
        for (String from : d.getValue().from()) {
          if (info.column(from).isEmpty()) {
            problems.add(where + ".derive." + d.getKey() + key + ": table " + m.source() + " has no column '" + from
                + "' (columns: " + String.join(", ", info.columnNames()) + ")");
          }
        }
        if (m.transform().targetColumns(info.columnNames()).contains(d.getKey())) {
          problems.add(where + ".derive." + d.getKey() + ": table " + m.target() + " already gets a column of that name");
        }
      }
      for (int c = 0; c < m.validate().size(); c++) {
        ColumnCheck check = m.validate().get(c);
        List<String> read = new ArrayList<>();
        if (check.column() != null) {
          read.add(check.column());
        }
        if (check.cel() != null) {
          read.addAll(check.cel().columns());
        }
        for (String col : read) {
          if (info.column(col).isEmpty()) {
            problems.add(where + ".validate[" + c + "]" + (col.equals(check.column()) ? ".column" : ".cel") + ": table "
                + m.source() + " has no column '" + col + "' (columns: " + String.join(", ", info.columnNames()) + ")");
          }
        }
      }
      if (m.filter() != null) {
        for (String col : m.filter().columns()) {
          if (info.column(col).isEmpty()) {
            problems.add(where + ".filter: table " + m.source() + " has no column '" + col + "' (columns: "
                + String.join(", ", info.columnNames()) + ")");
          }
        }
      }
      for (String key : info.primaryKey()) {
        if (m.transform().targetColumn(key).isEmpty()) {
          problems.add(where + ".columns." + key + ": primary key column of " + m.source() + " cannot be dropped");
        }
        if (m.transform().changedColumns().contains(key)) {
          problems.add(where + ".columns." + key + ": primary key column of " + m.source() + " cannot be filled, mapped or"
              + " cast: rows are found on the target by their key as the source has it");
        }
      }
      if (m.columns().keySet().stream().allMatch(c -> info.column(c).isPresent())) {
        for (String tooLong : m.transform().typeProblems(info)) {
          problems.add(where + ".columns: " + tooLong);
        }
        for (String lossy : m.transform().lossyColumns(info)) {
          problems.add(where + ".columns: " + lossy + " on rollback; give the column a reverse rule (reverse: { keep: true }"
              + " to write the target's value back as it is, or reverse: { map: ... } / { cast: ... })");
        }
      }
      if (!info.hasPrimaryKey() && m.transform().needsRowByRow()) {
        problems.add(where + ": table " + m.source() + " has no primary key, and the spec changes its values, validates"
            + " or filters its rows; value operations, validation rules and filters need a primary key (rows without one are matched by"
            + " their whole values). Fix: add a primary key");
      }
      if (!info.hasPrimaryKey() && info.replicaIdentity() != 'f') {
        problems.add("table " + m.source() + " has no primary key and REPLICA IDENTITY "
            + identityName(info.replicaIdentity()) + ": once published, the source would reject its UPDATE and"
            + " DELETE, and the target could not find the rows they change. Fix: ALTER TABLE "
            + m.source().quoted() + " REPLICA IDENTITY FULL; (or add a primary key)");
      }
    }
    if (!problems.isEmpty()) {
      throw new BatonException("the source cannot be migrated with this spec:\n  - " + String.join("\n  - ", problems));
    }
    return tables;
  }

  private static String identityName(char c) {
    return switch (c) {
      case 'd' -> "DEFAULT";
      case 'n' -> "NOTHING";
      case 'i' -> "USING INDEX";
      default -> "FULL";
    };
  }
}
