package io.baton.state;

import io.baton.pg.PgErrors;
import io.baton.pg.Sql;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a source table into chunks of about a given size: the bulk snapshot's units of copy
 * ({@code snapshot.chunkMegabytes}) and the live verifier's units of comparison
 * ({@code verify.chunkMegabytes}).
 *
 * <ul>
 *   <li>Tables with a primary key are split into key ranges. The boundaries are quantiles of a
 *       block sample ({@code TABLESAMPLE SYSTEM}, manual section "SELECT", "TABLESAMPLE"), so any
 *       key type and composite keys work and skewed keys still give even chunks. A key belongs to
 *       one chunk whatever snapshot reads it, which is what lets a restart read the missing chunks
 *       under a newer snapshot.
 *   <li>Tables without one are split into ranges of heap blocks, read with TID range scans
 *       (PostgreSQL 14 and later); older servers and partitioned keyless tables get one chunk.
 * </ul>
 *
 * <p>Sizes come from {@code pg_relation_size} summed over the table's partitions
 * ({@code pg_partition_tree}, PostgreSQL 12 and later), the row estimate from
 * {@code pg_class.reltuples} (-1, never analysed, counts as unknown).
 */
public final class ChunkPlanner {
  /** Sampled blocks per planned chunk: enough rows for even quantiles, few enough to be quick. */
  static final int SAMPLE_BLOCKS_PER_CHUNK = 64;

  private ChunkPlanner() {}

  /**
   * Plans one table.
   *
   * @param conn a source connection, inside the transaction that reads the snapshot to plan under
   * @param table the source table
   * @param target the target table
   * @param chunkBytes the heap size a chunk aims at, in bytes, at least 1; at most 10,000 chunks are planned
   * @return the table's plan: at least one chunk
   * @throws io.baton.BatonException when the source cannot be read
   */
  public static SnapshotJournal.TablePlan plan(Connection conn, TableInfo table, TableName target, long chunkBytes) {
    try {
      Size size = size(conn, table.name());
      int chunks = (int) Math.min(10_000, Math.max(1, (size.bytes + chunkBytes - 1) / chunkBytes));
      List<SnapshotChunk> plan;
      if (chunks == 1) {
        plan = List.of(SnapshotChunk.wholeTable());
      } else if (table.hasPrimaryKey()) {
        plan = keyRanges(conn, table, chunks, size);
      } else if (size.leaves == 1 && conn.getMetaData().getDatabaseMajorVersion() >= 14) {
        plan = pageRanges(chunks, size.largestLeafBlocks);
      } else {
        plan = List.of(SnapshotChunk.wholeTable());
      }
      return new SnapshotJournal.TablePlan(table.name(), target, size.estimatedRows, plan);
    } catch (SQLException e) {
      throw PgErrors.classify("planning the snapshot chunks of " + table.name(), e);
    }
  }

  private record Size(long bytes, long estimatedRows, long largestLeafBlocks, int leaves) {}

  private static Size size(Connection conn, TableName table) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        // pg_partition_tree lists nothing for a table outside any partition tree: then the table is its own leaf
        "WITH tree AS (SELECT relid FROM pg_partition_tree(?::regclass) WHERE isleaf),"
            + " leaves AS (SELECT relid FROM tree UNION ALL SELECT ?::regclass WHERE NOT EXISTS (SELECT 1 FROM tree))"
            + " SELECT coalesce(sum(pg_relation_size(t.relid)), 0), coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint,"
            + " coalesce(max(pg_relation_size(t.relid)), 0) / current_setting('block_size')::bigint, count(*)"
            + " FROM leaves t JOIN pg_class c ON c.oid = t.relid")) {
      ps.setString(1, table.quoted());
      ps.setString(2, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Size(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4));
      }
    }
  }

  private static List<SnapshotChunk> keyRanges(Connection conn, TableInfo table, int chunks, Size size) throws SQLException {
    long blocks = Math.max(1, size.bytes / 8192);
    double percent = Math.min(100.0, 100.0 * chunks * SAMPLE_BLOCKS_PER_CHUNK / blocks);
    String key = Sql.idents(table.primaryKey());
    StringBuilder texts = new StringBuilder();
    for (String k : table.primaryKey()) {
      texts.append(texts.length() == 0 ? "" : ", ").append(Sql.ident(k)).append("::text");
    }
    String sql = "SELECT DISTINCT ON (tile) " + texts + " FROM (SELECT " + key + ", ntile(" + chunks + ") OVER (ORDER BY "
        + key + ") AS tile FROM " + table.name().quoted() + " TABLESAMPLE SYSTEM (" + percent + ") REPEATABLE (0)) s"
        + " WHERE tile > 1 ORDER BY tile, " + key;
    List<List<String>> bounds = new ArrayList<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        List<String> b = new ArrayList<>();
        for (int i = 1; i <= table.primaryKey().size(); i++) {
          b.add(rs.getString(i));
        }
        bounds.add(b);
      }
    }
    List<SnapshotChunk> out = new ArrayList<>();
    for (int i = 0; i <= bounds.size(); i++) {
      List<String> lower = i == 0 ? null : bounds.get(i - 1);
      List<String> upper = i == bounds.size() ? null : bounds.get(i);
      out.add(lower == null && upper == null ? SnapshotChunk.wholeTable()
          : new SnapshotChunk(i, SnapshotChunk.Kind.KEY_RANGE, lower, upper));
    }
    return out;
  }

  static List<SnapshotChunk> pageRanges(int chunks, long blocks) {
    long per = Math.max(1, (blocks + chunks - 1) / chunks);
    List<SnapshotChunk> out = new ArrayList<>();
    for (int i = 0; i < chunks && (long) i * per < Math.max(blocks, 1); i++) {
      String lower = i == 0 ? null : Long.toString(i * per);
      boolean last = i == chunks - 1 || (long) (i + 1) * per >= blocks;
      out.add(new SnapshotChunk(i, SnapshotChunk.Kind.PAGE_RANGE, lower == null ? null : List.of(lower),
          last ? null : List.of(Long.toString((i + 1) * per))));
      if (last) {
        break;
      }
    }
    return out.size() == 1 ? List.of(SnapshotChunk.wholeTable()) : out;
  }
}
