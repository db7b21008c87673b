package io.baton.cli.plan;

import io.baton.BatonException;
import io.baton.cli.plan.PreflightPlan.Extension;
import io.baton.cli.plan.PreflightPlan.ForeignKey;
import io.baton.cli.plan.PreflightPlan.GeneratedColumn;
import io.baton.cli.plan.PreflightPlan.SequenceUse;
import io.baton.cli.plan.PreflightPlan.TableReport;
import io.baton.cli.plan.PreflightPlan.TargetTable;
import io.baton.cli.plan.PreflightPlan.Trigger;
import io.baton.cli.plan.PreflightPlan.TypeIssue;
import io.baton.cli.plan.PreflightPlan.TypeIssueKind;
import io.baton.pg.Catalog;
import io.baton.pg.ColumnInfo;
import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.spec.ColumnRule;
import io.baton.spec.MigrationSpec;
import io.baton.spec.TableMapping;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The inventory of the tables in a spec's scope, read from the system catalogs of both databases
 * (manual, chapter "System Catalogs": {@code pg_class}, {@code pg_attribute}, {@code pg_type},
 * {@code pg_attrdef}, {@code pg_depend}, {@code pg_constraint}, {@code pg_trigger},
 * {@code pg_extension}; and the functions of "Database Object Management Functions" for sizes and
 * "Partitioning Information Functions" for partition trees). Only reads; the caller's connections
 * are read-only ({@link ReadOnlySession}).
 *
 * <p>Columns, primary key and replica identity come from {@link Catalog#describe}, as every other
 * part of Baton reads them; what this class adds is what only a plan needs.
 */
public final class Inventory {
  private Inventory() {}

  /**
   * The tables, and what the spec names that does not exist.
   *
   * @param tables the tables that exist, in spec order
   * @param described their catalog descriptions, in spec order
   * @param missing source tables the spec names that do not exist
   * @param loadOrder parents first, with the cycles
   */
  public record Tables(List<TableReport> tables, Map<TableName, TableInfo> described, List<String> missing,
      LoadOrder.Result loadOrder) {}

  /**
   * @param source a read-only connection to the source
   * @param target a read-only connection to the target
   * @param spec the spec
   * @return every table in scope, described
   * @throws BatonException when a catalog cannot be read
   */
  public static Tables read(Connection source, Connection target, MigrationSpec spec) {
    Set<String> scope = spec.tables().stream().map(m -> m.source().toString()).collect(Collectors.toSet());
    List<TableReport> reports = new ArrayList<>();
    Map<TableName, TableInfo> described = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (TableMapping m : spec.tables()) {
      if (!Catalog.exists(source, m.source())) {
        missing.add(m.source().toString());
        continue;
      }
      TableInfo info = Catalog.describe(source, m.source());
      described.put(m.source(), info);
      try {
        reports.add(table(source, target, m, info, scope));
      } catch (SQLException e) {
        throw PgErrors.classify("reading the catalog for table " + m.source(), e);
      }
    }
    Map<String, List<String>> parents = new HashMap<>();
    for (TableReport t : reports) {
      parents.put(t.source().toString(), t.foreignKeys().stream().filter(ForeignKey::inScope)
          .map(k -> k.references().toString()).toList());
    }
    LoadOrder.Result order = LoadOrder.of(reports.stream().map(t -> t.source().toString()).toList(), parents);
    return new Tables(reports, described, missing, order);
  }

  /**
   * @param source a read-only connection to the source
   * @param target a read-only connection to the target
   * @return every extension installed in the source database, by name, with its state on the target
   * @throws BatonException when a catalog cannot be read
   */
  public static List<Extension> extensions(Connection source, Connection target) {
    try {
      Map<String, String> installed = pairs(target, "SELECT extname, extversion FROM pg_extension");
      Map<String, String> available = pairs(target, "SELECT name, default_version FROM pg_available_extensions");
      List<Extension> out = new ArrayList<>();
      for (Map.Entry<String, String> e : pairs(source, "SELECT extname, extversion FROM pg_extension ORDER BY extname")
          .entrySet()) {
        out.add(new Extension(e.getKey(), e.getValue(), installed.get(e.getKey()), available.get(e.getKey())));
      }
      return out;
    } catch (SQLException e) {
      throw PgErrors.classify("reading the extensions", e);
    }
  }

  private static TableReport table(Connection source, Connection target, TableMapping m, TableInfo info, Set<String> scope)
      throws SQLException {
    String name = m.source().quoted();
    String kind;
    String partitionOf;
    boolean rowSecurity;
    boolean forceRowSecurity;
    String owner;
    boolean owned;
    boolean select;
    String identityIndex;
    try (PreparedStatement ps = source.prepareStatement("SELECT c.relkind, c.relispartition, c.relrowsecurity,"
        + " c.relforcerowsecurity, pg_get_userbyid(c.relowner), pg_has_role(c.relowner, 'USAGE'),"
        + " has_table_privilege(c.oid, 'SELECT'),"
        + " (SELECT ri.relname FROM pg_index x JOIN pg_class ri ON ri.oid = x.indexrelid"
        + "   WHERE x.indrelid = c.oid AND x.indisreplident LIMIT 1),"
        + " CASE WHEN c.relispartition THEN (SELECT rn.nspname || '.' || r.relname FROM pg_class r"
        + "   JOIN pg_namespace rn ON rn.oid = r.relnamespace WHERE r.oid = pg_partition_root(c.oid)) END"
        + " FROM pg_class c WHERE c.oid = ?::regclass")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        kind = "p".equals(rs.getString(1)) ? "partitioned" : rs.getBoolean(2) ? "partition" : "table";
        rowSecurity = rs.getBoolean(3);
        forceRowSecurity = rs.getBoolean(4);
        owner = rs.getString(5);
        owned = rs.getBoolean(6);
        select = rs.getBoolean(7);
        identityIndex = rs.getString(8);
        partitionOf = rs.getString(9);
      }
    }
    long total;
    long heap;
    long toast;
    long indexes;
    long rows;
    List<String> partitions;
    try (PreparedStatement ps = source.prepareStatement(
        // a table outside any partition tree is its own (only) leaf; pg_partition_tree lists nothing for it
        "WITH tree AS (SELECT relid FROM pg_partition_tree(?::regclass) WHERE isleaf),"
            + " leaves AS (SELECT relid FROM tree UNION ALL SELECT ?::regclass WHERE NOT EXISTS (SELECT 1 FROM tree))"
            + " SELECT coalesce(sum(pg_total_relation_size(l.relid)), 0), coalesce(sum(pg_relation_size(l.relid)), 0),"
            + " coalesce(sum(CASE WHEN c.reltoastrelid <> 0 THEN pg_total_relation_size(c.reltoastrelid) ELSE 0 END), 0),"
            + " coalesce(sum(pg_indexes_size(l.relid)), 0),"
            + " CASE WHEN bool_and(c.reltuples < 0) THEN -1 ELSE sum(greatest(c.reltuples, 0)) END::bigint,"
            + " array_agg(n.nspname || '.' || c.relname ORDER BY n.nspname, c.relname)"
            + "   FILTER (WHERE l.relid <> ?::regclass)"
            + " FROM leaves l JOIN pg_class c ON c.oid = l.relid JOIN pg_namespace n ON n.oid = c.relnamespace")) {
      ps.setString(1, name);
      ps.setString(2, name);
      ps.setString(3, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        total = rs.getLong(1);
        heap = rs.getLong(2);
        toast = rs.getLong(3);
        indexes = rs.getLong(4);
        rows = rs.getLong(5);
        partitions = strings(rs.getArray(6));
      }
    }
    List<String> toastable = new ArrayList<>();
    List<TypeIssue> issues = new ArrayList<>();
    List<GeneratedColumn> generated = new ArrayList<>();
    try (PreparedStatement ps = source.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod),"
        + " a.attndims, a.attstorage::text, t.typlen, t.typtype::text, a.attgenerated::text, pg_get_expr(ad.adbin, ad.adrelid),"
        + " et.typname, et.typtype::text, et.typnamespace = 'pg_catalog'::regnamespace, bt.typcategory = 'A'"
        + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
        // a domain stands for its base type, an array for its element type
        + " JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END"
        + " JOIN pg_type et ON et.oid = CASE WHEN bt.typcategory = 'A' AND bt.typelem <> 0 THEN bt.typelem ELSE bt.oid END"
        + " LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
        + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String column = rs.getString(1);
          String type = rs.getString(2);
          String storage = rs.getString(4);
          if (rs.getInt(5) == -1 && ("x".equals(storage) || "e".equals(storage) || "m".equals(storage))) {
            toastable.add(column);
          }
          String element = rs.getString(9);
          boolean catalogType = rs.getBoolean(11);
          boolean array = rs.getBoolean(12);
          if (rs.getInt(3) > 1) {
            issues.add(new TypeIssue(column, type, TypeIssueKind.MULTIDIMENSIONAL_ARRAY));
          } else if ("p".equals(rs.getString(6)) || "p".equals(rs.getString(10))) {
            issues.add(new TypeIssue(column, type, TypeIssueKind.NO_TEXT_FORM));
          } else if (catalogType && "timetz".equals(element)) {
            issues.add(new TypeIssue(column, type, TypeIssueKind.TIMETZ));
          } else if (catalogType && !array && ("timestamp".equals(element) || "timestamptz".equals(element))) {
            issues.add(new TypeIssue(column, type, TypeIssueKind.TIMESTAMP_RANGE));
          }
          String gen = rs.getString(7);
          if (gen != null && !gen.isEmpty()) {
            ColumnRule rule = m.columns().get(column);
            generated.add(new GeneratedColumn(column, type, rs.getString(8), rule != null && rule.drop()));
          }
        }
      }
    }
    List<SequenceUse> sequences = new ArrayList<>();
    for (ColumnInfo c : info.columns()) {
      if (c.sequence() != null) {
        String identity = "a".equals(c.identity()) ? "always" : "d".equals(c.identity()) ? "by default" : null;
        sequences.add(new SequenceUse(c.name(), c.sequence(), identity, true, exists(target, c.sequence())));
      }
    }
    try (PreparedStatement ps = source.prepareStatement("SELECT a.attname, quote_ident(sn.nspname) || '.' || quote_ident(s.relname)"
        + " FROM pg_attrdef ad JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum"
        + " JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid AND d.refclassid = 'pg_class'::regclass"
        + " JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace"
        + " WHERE ad.adrelid = ?::regclass AND NOT EXISTS (SELECT 1 FROM pg_depend o WHERE o.classid = 'pg_class'::regclass"
        + "   AND o.objid = s.oid AND o.refclassid = 'pg_class'::regclass AND o.refobjid = ad.adrelid"
        + "   AND o.refobjsubid = ad.adnum AND o.deptype IN ('a', 'i'))"
        + " ORDER BY a.attnum, 2")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sequences.add(new SequenceUse(rs.getString(1), rs.getString(2), null, false, exists(target, rs.getString(2))));
        }
      }
    }
    String keyColumns = "ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o)"
        + " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o),"
        + " ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, o)"
        + " JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o)";
    List<ForeignKey> keys = new ArrayList<>();
    try (PreparedStatement ps = source.prepareStatement("SELECT k.conname, rn.nspname, r.relname, " + keyColumns
        + " FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace"
        + " WHERE k.conrelid = ?::regclass AND k.contype = 'f'"
        // a key that references a partitioned table has a copy per partition on the same table: keep the key itself
        + " AND NOT EXISTS (SELECT 1 FROM pg_constraint p WHERE p.oid = k.conparentid AND p.conrelid = k.conrelid)"
        + " ORDER BY k.conname")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          TableName references = new TableName(rs.getString(2), rs.getString(3));
          keys.add(new ForeignKey(rs.getString(1), m.source(), strings(rs.getArray(4)), references,
              strings(rs.getArray(5)), scope.contains(references.toString())));
        }
      }
    }
    List<ForeignKey> referencedBy = new ArrayList<>();
    try (PreparedStatement ps = source.prepareStatement("SELECT k.conname, cn.nspname, c.relname, " + keyColumns
        + " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace"
        + " WHERE k.confrelid = ?::regclass AND k.contype = 'f' AND k.conparentid = 0 ORDER BY 2, 3, 1")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          TableName child = new TableName(rs.getString(2), rs.getString(3));
          if (!scope.contains(child.toString())) {
            referencedBy.add(new ForeignKey(rs.getString(1), child, strings(rs.getArray(4)), m.source(),
                strings(rs.getArray(5)), false));
          }
        }
      }
    }
    List<Trigger> triggers = triggers(source, name);
    TargetTable targetTable = targetTable(target, m.target());
    return new TableReport(m.source(), m.target(), kind, partitionOf, partitions, total, heap, toast,
        indexes, rows, info.primaryKey(), info.replicaIdentity(), identityIndex, rowSecurity, forceRowSecurity, owner, owned,
        select, toastable, issues, sequences, generated, keys, referencedBy, triggers, targetTable);
  }

  private static TargetTable targetTable(Connection target, TableName table) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement("SELECT has_table_privilege(r, 'INSERT'),"
        + " has_table_privilege(r, 'UPDATE'), has_table_privilege(r, 'DELETE'), has_table_privilege(r, 'TRUNCATE'),"
        + " pg_get_userbyid(c.relowner), pg_has_role(c.relowner, 'USAGE')"
        + " FROM (SELECT to_regclass(?) AS r) x JOIN pg_class c ON c.oid = x.r")) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new TargetTable(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4),
            rs.getString(5), rs.getBoolean(6), triggers(target, table.quoted()));
      }
    }
  }

  /** @return true when the relation, named as SQL would name it, exists in that database */
  private static boolean exists(Connection conn, String qualifiedName) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, qualifiedName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static List<Trigger> triggers(Connection conn, String quotedTable) throws SQLException {
    List<Trigger> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT t.tgname, t.tgenabled::text, pg_get_triggerdef(t.oid)"
        + " FROM pg_trigger t WHERE t.tgrelid = ?::regclass AND NOT t.tgisinternal ORDER BY t.tgname")) {
      ps.setString(1, quotedTable);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Trigger(rs.getString(1), rs.getString(2).charAt(0), rs.getString(3)));
        }
      }
    }
    return out;
  }

  private static Map<String, String> pairs(Connection conn, String sql) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
