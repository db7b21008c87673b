package io.baton.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.Sql;
import io.baton.pg.TableName;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends quarantined rows through the pipeline again, after the spec or the data was fixed: each
 * quarantined row still on the source gets a no-op update ({@code SET key = key}), which the stream
 * carries in commit order, like any change, through the spec {@code baton run} runs now; a row that
 * fails again is quarantined again under its new LSN. Then the entries it replaced (those older than
 * the replay, and those of rows no longer on the source) are removed from {@code baton.quarantine}.
 *
 * <p>The no-op update fires the source's UPDATE triggers, and needs UPDATE on the table.
 */
final class QuarantineReplay {
  private static final int BATCH = 1000;

  /**
   * What a replay did.
   *
   * @param touched rows updated on the source, which the stream carries again
   * @param gone quarantined rows no longer on the source
   * @param removed entries removed from the quarantine
   */
  record Result(long touched, long gone, long removed) {}

  private QuarantineReplay() {}

  /**
   * @param migration the migration's name
   * @param source the source database
   * @param target the target database, holding {@code baton.quarantine}
   * @param out where progress is printed
   * @return what it did
   * @throws BatonException when either database cannot be read or written
   */
  static Result run(String migration, Database source, Database target, PrintStream out) {
    Map<TableName, List<String>> keys = quarantinedKeys(target, migration);
    long touched = 0;
    long gone = 0;
    long removed = 0;
    String before;
    try (Connection s = source.connect()) {
      before = currentLsn(s);
      for (Map.Entry<TableName, List<String>> t : keys.entrySet()) {
        long[] counts = touch(s, t.getKey(), t.getValue());
        touched += counts[0];
        gone += counts[1];
        out.printf("%s: %d rows sent through the stream again, %d no longer on the source%n", t.getKey(), counts[0], counts[1]);
      }
    } catch (SQLException e) {
      throw PgErrors.classify("replaying the quarantine on the source", e);
    }
    try (Connection t = target.connect();
        PreparedStatement ps = t.prepareStatement("DELETE FROM baton.quarantine WHERE migration = ? AND source_table = ?"
            + " AND source_key = ANY (?) AND (lsn = 'snapshot' OR lsn::pg_lsn < ?::pg_lsn)")) {
      for (Map.Entry<TableName, List<String>> k : keys.entrySet()) {
        ps.setString(1, migration);
        ps.setString(2, k.getKey().toString());
        ps.setArray(3, t.createArrayOf("text", k.getValue().toArray()));
        ps.setString(4, before);
        removed += ps.executeUpdate();
      }
    } catch (SQLException e) {
      throw PgErrors.classify("removing replayed rows from baton.quarantine", e);
    }
    return new Result(touched, gone, removed);
  }

  private static Map<TableName, List<String>> quarantinedKeys(Database target, String migration) {
    Map<TableName, List<String>> keys = new LinkedHashMap<>();
    try (Connection t = target.connect();
        PreparedStatement ps = t.prepareStatement("SELECT DISTINCT source_table, source_key FROM baton.quarantine"
            + " WHERE migration = ? ORDER BY 1, 2")) {
      ps.setString(1, migration);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.computeIfAbsent(TableName.parse(rs.getString(1)), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    } catch (SQLException e) {
      throw PgErrors.classify("reading baton.quarantine", e);
    }
    return keys;
  }

  private static String currentLsn(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_current_wal_lsn()::text"); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** @return rows updated, and keys no longer on the source */
  private static long[] touch(Connection s, TableName table, List<String> jsonKeys) throws SQLException {
    ObjectMapper json = new ObjectMapper();
    long touched = 0;
    long gone = 0;
    String sql = null;
    PreparedStatement ps = null;
    s.setAutoCommit(false);
    try {
      int inBatch = 0;
      for (String jsonKey : jsonKeys) {
        Map<String, String> key;
        try {
          key = json.readValue(jsonKey, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new BatonException("baton.quarantine holds a key of " + table + " that is not JSON: " + jsonKey, e);
        }
        if (ps == null) {
          String first = Sql.ident(key.keySet().iterator().next());
          sql = "UPDATE " + table.quoted() + " SET " + first + " = " + first + " WHERE "
              + String.join(" AND ", key.keySet().stream().map(k -> Sql.ident(k) + " = ?").toList());
          ps = s.prepareStatement(sql);
        }
        int i = 1;
        for (String v : key.values()) {
          ps.setObject(i++, v, java.sql.Types.OTHER);
        }
        if (ps.executeUpdate() == 1) {
          touched++;
        } else {
          gone++;
        }
        if (++inBatch == BATCH) {
          s.commit();
          inBatch = 0;
        }
      }
      s.commit();
    } finally {
      if (ps != null) {
        ps.close();
      }
      s.setAutoCommit(true);
    }
    return new long[] {touched, gone};
  }
}
