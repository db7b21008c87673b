package io.baton.cli;

import io.baton.capture.SourceCheck;
import io.baton.pg.Catalog;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The row transforms of a migration's two directions, typed from the catalogs: the one place where
 * the controller ({@link Migration}) and the transform workers ({@code baton transform}) get them,
 * so that both apply the same spec the same way.
 *
 * <ul>
 *   <li>forward (source to target, pipeline name = the spec's name): each spec table described
 *       from the source catalog after {@link SourceCheck}, and its mapping typed with it;
 *   <li>reverse (target to source after a cutover, pipeline name {@link #reverseName}): each target
 *       table described from the target catalog, with the inverse of its forward transform.
 * </ul>
 */
final class MigrationTables {
  private MigrationTables() {}

  /**
   * @param spec the spec
   * @param source the source database (read only)
   * @return the source tables with their transforms, in spec order
   * @throws io.baton.BatonException when the source does not fit the spec (every problem, with its
   *     fix; see {@link SourceCheck}) or cannot be read
   */
  static Map<TableInfo, RowTransform> forward(MigrationSpec spec, Database source) {
    Map<TableName, TableInfo> tables;
    try (Connection s = source.connect()) {
      tables = SourceCheck.check(s, spec);
    } catch (SQLException e) {
      throw PgErrors.classify("checking the source", e);
    }
    Map<TableInfo, RowTransform> forward = new LinkedHashMap<>();
    for (var m : spec.tables()) {
      forward.put(tables.get(m.source()), m.transform(tables.get(m.source())));
    }
    return forward;
  }

  /**
   * @param target the target database (read only); its tables must exist
   * @param forward the forward tables, from {@link #forward}
   * @return the target tables with the inverse transforms, in the forward order
   * @throws io.baton.BatonException when the target tables cannot be read, or a transform has no
   *     inverse the spec allows
   */
  static Map<TableInfo, RowTransform> reverse(Database target, Map<TableInfo, RowTransform> forward) {
    Map<TableInfo, RowTransform> reverse = new LinkedHashMap<>();
    try (Connection t = target.connect()) {
      for (Map.Entry<TableInfo, RowTransform> f : forward.entrySet()) {
        reverse.put(Catalog.describe(t, f.getValue().targetTable()), f.getValue().inverse(f.getKey()).transform());
      }
    } catch (SQLException e) {
      throw PgErrors.classify("reading the target tables for reverse replication", e);
    }
    return reverse;
  }

  /**
   * @param target the target database (read only)
   * @param forward the forward tables
   * @return whether every forward table's target table exists, so that {@link #reverse} can read them
   * @throws io.baton.BatonException when the target cannot be read
   */
  static boolean targetTablesExist(Database target, Map<TableInfo, RowTransform> forward) {
    try (Connection t = target.connect()) {
      for (RowTransform f : forward.values()) {
        if (!Catalog.exists(t, f.targetTable())) {
          return false;
        }
      }
      return true;
    } catch (SQLException e) {
      throw PgErrors.classify("looking for the target tables", e);
    }
  }

  /**
   * @param migration the spec's name
   * @return the reverse pipeline's name: its slot, publication, topics, offsets and transform
   *     application id derive from it
   */
  static String reverseName(String migration) {
    return migration + "_rev";
  }
}
