package io.baton.cli;

import io.baton.pg.Catalog;
import io.baton.pg.Database;
import io.baton.BatonException;
import io.baton.pg.TableInfo;
import io.baton.spec.SchemaDrift;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Reads the captured tables' catalog on the origin now and then and compares it with the one the
 * migration started from: a column whose type changed on the source shows in no row image, so the
 * transform's own check ({@link SchemaDrift#check}) cannot see it. Once every
 * {@link #EVERY_MS}; a catalog that cannot be read is tried again next time.
 */
final class SchemaWatch {
  /** How often the catalog is read, ms. */
  static final long EVERY_MS = 10_000;

  private final Database origin;
  private final List<TableInfo> tables;
  private final LongSupplier clockMs;
  private long nextMs;

  /**
   * @param origin the database whose tables are captured
   * @param tables those tables as the migration read them
   * @param clockMs a clock, ms
   */
  SchemaWatch(Database origin, Collection<TableInfo> tables, LongSupplier clockMs) {
    this.origin = origin;
    this.tables = List.copyOf(tables);
    this.clockMs = clockMs;
    this.nextMs = clockMs.getAsLong() + EVERY_MS;
  }

  /**
   * Compares the catalog with the tables given at construction, when it is time to.
   *
   * @throws SchemaDrift for the first table whose columns or column types changed
   * @throws BatonException when a table is gone from the origin (permanent)
   */
  void check() {
    long now = clockMs.getAsLong();
    if (now < nextMs) {
      return;
    }
    nextMs = now + EVERY_MS;
    SchemaDrift drift = driftNow();
    if (drift != null) {
      throw drift;
    }
  }

  /**
   * Compares the catalog with the tables given at construction now, for example to explain why
   * the sink could not apply a value.
   *
   * @return the first table's drift, or null when none changed or the origin cannot be reached
   * @throws BatonException when a table is gone from the origin (permanent)
   */
  SchemaDrift driftNow() {
    try (Connection c = origin.connect()) {
      for (TableInfo was : tables) {
        SchemaDrift drift = SchemaDrift.between(was, Catalog.describe(c, was.name()));
        if (drift != null) {
          return drift;
        }
      }
    } catch (SQLException e) {
      // closing failed: nothing was missed
    } catch (BatonException e) {
      if (!e.isRetriable()) {
        throw e;
      }
      // the origin is away: read again next time; a database that stays away stops the pipeline itself
    }
    return null;
  }
}
