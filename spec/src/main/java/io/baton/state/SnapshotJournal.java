package io.baton.state;

import io.baton.BatonException;
import io.baton.pg.PgErrors;
import io.baton.pg.TableName;
import io.baton.pg.TxSnapshot;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bulk snapshot's plan and progress in the target ({@code baton.snapshot_tables},
 * {@code baton.snapshot_chunks}; see {@link StateSchema}). A chunk is marked done in the same
 * transaction that loads its rows, so after a crash the journal says exactly which rows are in the
 * target: a restart copies the chunks that are not done, and only those.
 */
public final class SnapshotJournal {
  private SnapshotJournal() {}

  /**
   * One table's share of the plan.
   *
   * @param source the source table
   * @param target the target table
   * @param estimatedRows the planner's row estimate ({@code pg_class.reltuples}), 0 when unknown
   * @param chunks the chunks, numbered from 0 in list order
   */
  public record TablePlan(TableName source, TableName target, long estimatedRows, List<SnapshotChunk> chunks) {
    public TablePlan {
      chunks = List.copyOf(chunks);
    }
  }

  /**
   * A chunk that was copied.
   *
   * @param source the source table
   * @param chunk the chunk number
   * @param rows rows loaded
   * @param bytes bytes read from the source (COPY text)
   * @param checksum the {@link io.baton.pg.RowChecksum} sum of the loaded rows, target columns in order
   * @param readSnapshot the snapshot the rows were read under
   */
  public record ChunkDone(TableName source, int chunk, long rows, long bytes, String checksum, TxSnapshot readSnapshot) {}

  /**
   * One table's plan and progress as journaled.
   *
   * @param plan the plan
   * @param done the chunks done so far by chunk number
   * @param streamFilter when not null, the snapshot the whole table was last copied under after a
   *     restart: the stream must skip changes of transactions that this snapshot sees
   */
  public record TableState(TablePlan plan, Map<Integer, ChunkDone> done, TxSnapshot streamFilter) {
    public TableState {
      done = Map.copyOf(done);
    }

    /** @return true when every chunk is done */
    public boolean complete() {
      return done.size() == plan.chunks().size();
    }

    /** @return rows loaded by the chunks done */
    public long rowsDone() {
      return done.values().stream().mapToLong(ChunkDone::rows).sum();
    }
  }

  /**
   * Records a plan, all tables in one transaction.
   *
   * @param conn a connection to the target, in auto-commit mode
   * @param migration the migration's name
   * @param tables the plan
   * @throws BatonException when the plan cannot be written (nothing of it is)
   */
  public static void record(Connection conn, String migration, List<TablePlan> tables) {
    try {
      conn.setAutoCommit(false);
      try (PreparedStatement t = conn.prepareStatement("INSERT INTO baton.snapshot_tables"
              + " (migration, source_table, target_table, estimated_rows) VALUES (?, ?, ?, ?)");
          PreparedStatement c = conn.prepareStatement("INSERT INTO baton.snapshot_chunks"
              + " (migration, source_table, chunk, kind, lower_bound, upper_bound) VALUES (?, ?, ?, ?, ?, ?)")) {
        for (TablePlan p : tables) {
          t.setString(1, migration);
          t.setString(2, p.source().quoted());
          t.setString(3, p.target().quoted());
          t.setLong(4, p.estimatedRows());
          t.addBatch();
          for (SnapshotChunk ch : p.chunks()) {
            c.setString(1, migration);
            c.setString(2, p.source().quoted());
            c.setInt(3, ch.index());
            c.setString(4, ch.kind().name());
            setArray(conn, c, 5, ch.lower());
            setArray(conn, c, 6, ch.upper());
            c.addBatch();
          }
        }
        t.executeBatch();
        c.executeBatch();
      }
      conn.commit();
    } catch (SQLException e) {
      rollback(conn);
      throw PgErrors.classify("recording the snapshot plan of " + migration, e);
    } finally {
      autoCommit(conn);
    }
  }

  /**
   * Reads the plan and progress.
   *
   * @param conn a connection to the target
   * @param migration the migration's name
   * @return per source table, in plan order; empty when no plan was recorded
   */
  public static Map<TableName, TableState> load(Connection conn, String migration) {
    Map<TableName, TableState> out = new LinkedHashMap<>();
    try {
      Map<TableName, List<SnapshotChunk>> chunks = new HashMap<>();
      Map<TableName, Map<Integer, ChunkDone>> done = new HashMap<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT source_table, chunk, kind, lower_bound, upper_bound,"
          + " rows, bytes, checksum::text, read_snapshot, done_at IS NOT NULL FROM baton.snapshot_chunks"
          + " WHERE migration = ? ORDER BY source_table, chunk")) {
        ps.setString(1, migration);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            TableName table = TableName.parse(rs.getString(1));
            SnapshotChunk ch = new SnapshotChunk(rs.getInt(2), SnapshotChunk.Kind.valueOf(rs.getString(3)),
                list(rs.getArray(4)), list(rs.getArray(5)));
            chunks.computeIfAbsent(table, k -> new ArrayList<>()).add(ch);
            Map<Integer, ChunkDone> d = done.computeIfAbsent(table, k -> new HashMap<>());
            if (rs.getBoolean(10)) {
              d.put(ch.index(), new ChunkDone(table, ch.index(), rs.getLong(6), rs.getLong(7), rs.getString(8),
                  TxSnapshot.parse(rs.getString(9))));
            }
          }
        }
      }
      try (PreparedStatement ps = conn.prepareStatement("SELECT source_table, target_table, estimated_rows, filter_snapshot"
          + " FROM baton.snapshot_tables WHERE migration = ? ORDER BY planned_at, source_table")) {
        ps.setString(1, migration);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            TableName source = TableName.parse(rs.getString(1));
            TablePlan plan = new TablePlan(source, TableName.parse(rs.getString(2)), rs.getLong(3),
                chunks.getOrDefault(source, List.of()));
            String filter = rs.getString(4);
            out.put(source, new TableState(plan, done.getOrDefault(source, Map.of()),
                filter == null ? null : TxSnapshot.parse(filter)));
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw PgErrors.classify("reading the snapshot journal of " + migration, e);
    }
  }

  /**
   * Marks a chunk done; call it in the transaction that loaded the chunk's rows.
   *
   * @param conn the loading connection, inside its transaction
   * @param migration the migration's name
   * @param done what the chunk loaded
   * @throws BatonException when the chunk is not in the plan or is already done (then the caller
   *     must roll back, or the rows would be there twice)
   */
  public static void markDone(Connection conn, String migration, ChunkDone done) {
    try (PreparedStatement ps = conn.prepareStatement("UPDATE baton.snapshot_chunks SET rows = ?, bytes = ?,"
        + " checksum = ?::numeric, read_snapshot = ?, done_at = clock_timestamp()"
        + " WHERE migration = ? AND source_table = ? AND chunk = ? AND done_at IS NULL")) {
      ps.setLong(1, done.rows());
      ps.setLong(2, done.bytes());
      ps.setString(3, done.checksum());
      ps.setString(4, done.readSnapshot().toString());
      ps.setString(5, migration);
      ps.setString(6, done.source().quoted());
      ps.setInt(7, done.chunk());
      if (ps.executeUpdate() != 1) {
        throw new BatonException("snapshot chunk " + done.chunk() + " of " + done.source() + " is not pending in the"
            + " journal of " + migration + " (already done by another process?); its load is rolled back");
      }
    } catch (SQLException e) {
      throw PgErrors.classify("journaling snapshot chunk " + done.chunk() + " of " + done.source(), e);
    }
  }

  /**
   * Forgets every chunk of a table that must be copied again as a whole, and records the snapshot
   * it will be copied under as the table's stream filter. Call it in the transaction that empties
   * the target table.
   *
   * @param conn a connection to the target, inside a transaction
   * @param migration the migration's name
   * @param source the source table
   * @param filter the snapshot the copy will read under
   */
  public static void restartTable(Connection conn, String migration, TableName source, TxSnapshot filter) {
    try (PreparedStatement c = conn.prepareStatement("UPDATE baton.snapshot_chunks SET rows = NULL, bytes = NULL,"
            + " checksum = NULL, read_snapshot = NULL, done_at = NULL WHERE migration = ? AND source_table = ?");
        PreparedStatement t = conn.prepareStatement("UPDATE baton.snapshot_tables SET filter_snapshot = ?"
            + " WHERE migration = ? AND source_table = ?")) {
      c.setString(1, migration);
      c.setString(2, source.quoted());
      c.executeUpdate();
      t.setString(1, filter.toString());
      t.setString(2, migration);
      t.setString(3, source.quoted());
      t.executeUpdate();
    } catch (SQLException e) {
      throw PgErrors.classify("restarting the snapshot of " + source, e);
    }
  }

  /**
   * @param conn a connection to the target
   * @param migration the migration's name
   * @return target table to the snapshot whose transactions the stream must skip for it; only
   *     tables copied again as a whole after a restart appear
   */
  public static Map<TableName, TxSnapshot> streamFilters(Connection conn, String migration) {
    Map<TableName, TxSnapshot> out = new HashMap<>();
    load(conn, migration).values().forEach(s -> {
      if (s.streamFilter() != null) {
        out.put(s.plan().target(), s.streamFilter());
      }
    });
    return out;
  }

  /**
   * Deletes a migration's plan and progress (before a migration starts over).
   *
   * @param conn a connection to the target, in auto-commit mode
   * @param migration the migration's name
   */
  public static void forget(Connection conn, String migration) {
    try (PreparedStatement ps = conn.prepareStatement("DELETE FROM baton.snapshot_tables WHERE migration = ?")) {
      ps.setString(1, migration);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw PgErrors.classify("deleting the snapshot journal of " + migration, e);
    }
  }

  private static void setArray(Connection conn, PreparedStatement ps, int index, List<String> values) throws SQLException {
    if (values == null) {
      ps.setNull(index, Types.ARRAY);
    } else {
      ps.setArray(index, conn.createArrayOf("text", values.toArray()));
    }
  }

  private static List<String> list(Array array) throws SQLException {
    return array == null ? null : Arrays.asList((String[]) array.getArray());
  }

  private static void rollback(Connection conn) {
    try {
      conn.rollback();
    } catch (SQLException ignored) {
      // the failure being reported matters more
    }
  }

  private static void autoCommit(Connection conn) {
    try {
      conn.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the connection is broken; its owner closes it
    }
  }
}
