package io.baton.state;

import io.baton.pg.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One state change of a migration as {@code baton.journal} records it (see {@link StateSchema}).
 *
 * @param atMs when, ms since the epoch
 * @param actor who asked (for example {@code operator}, {@code baton})
 * @param from the state before, null for the first entry
 * @param to the state after
 * @param detail what happened, with its numbers; null when nothing was said
 */
public record JournalEntry(long atMs, String actor, String from, String to, String detail) {
  /**
   * Reads a migration's journal without writing anything: no journal yet is an empty list.
   *
   * @param conn a connection to the database holding the state schema (the target)
   * @param migration the migration
   * @return its entries, oldest first
   * @throws io.baton.BatonException when the database cannot be read
   */
  public static List<JournalEntry> read(Connection conn, String migration) {
    List<JournalEntry> out = new ArrayList<>();
    try {
      try (PreparedStatement ps = conn.prepareStatement("SELECT to_regclass('baton.journal') IS NOT NULL");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return out;
        }
      }
      try (PreparedStatement ps = conn.prepareStatement("SELECT (extract(epoch FROM at) * 1000)::bigint, actor, from_state,"
          + " to_state, detail FROM baton.journal WHERE migration = ? ORDER BY id")) {
        ps.setString(1, migration);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new JournalEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw PgErrors.classify("reading the journal of " + migration, e);
    }
  }
}
