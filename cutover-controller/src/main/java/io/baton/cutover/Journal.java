package io.baton.cutover;

import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.state.StateSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable journal of a migration's state changes, in {@code baton.journal} on the target: the
 * audit trail an operator reads after a migration. Holds the current state; every transition is
 * checked by {@link MigrationState#moveTo} and written before it is reported. Opening the journal
 * of a migration that already has entries continues from its last state.
 */
public final class Journal {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
  private final String migration;
  private final Database database;
  private MigrationState state = MigrationState.PLANNED;

  /**
   * @param migration the migration name
   * @param database where the journal lives (the target)
   */
  public Journal(String migration, Database database) {
    this.migration = migration;
    this.database = database;
    try (Connection c = database.connect()) {
      StateSchema.ensure(c);
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT to_state FROM baton.journal WHERE migration = ? ORDER BY id DESC LIMIT 1")) {
        ps.setString(1, migration);
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            state = MigrationState.valueOf(rs.getString(1));
            LOG.info("migration {} continues from state {} (baton.journal)", migration, state);
          }
        }
      }
    } catch (SQLException e) {
      throw PgErrors.classify("opening the journal", e);
    }
  }

  /** @return the current state */
  public synchronized MigrationState state() {
    return state;
  }

  /**
   * Records a step inside the current state (a row with the same state before and after), durably,
   * before the step is taken: a restarted controller reads it with {@link #stepsSinceLastTransition}.
   *
   * @param step the step's name, for example {@code repointing}
   * @param detail what it is about to do; may be null
   * @throws io.baton.BatonException when it cannot be recorded
   */
  public void step(String step, String detail) {
    step(step, "baton", detail);
  }

  /**
   * Records a step that somebody asked for (an armed or postponed cutover), as {@link #step(String,
   * String)} does.
   *
   * @param step the step's name
   * @param actor who asked
   * @param detail what it is about; may be null
   * @throws io.baton.BatonException when it cannot be recorded
   */
  public synchronized void step(String step, String actor, String detail) {
    try (Connection c = database.connect();
        PreparedStatement ps = c.prepareStatement("INSERT INTO baton.journal (migration, actor, from_state, to_state, detail,"
            + " step) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, migration);
      ps.setString(2, actor);
      ps.setString(3, state.name());
      ps.setString(4, state.name());
      ps.setString(5, "step " + step + (detail == null ? "" : ": " + detail));
      ps.setString(6, step);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw PgErrors.classify("writing the journal (step " + step + " of " + state + ")", e);
    }
  }

  /**
   * @return the steps recorded since the last state change, oldest first
   * @throws io.baton.BatonException when the journal cannot be read
   */
  public synchronized java.util.List<String> stepsSinceLastTransition() {
    java.util.List<String> steps = new java.util.ArrayList<>();
    try (Connection c = database.connect();
        PreparedStatement ps = c.prepareStatement("SELECT step FROM baton.journal WHERE migration = ? AND step IS NOT NULL"
            + " AND id > coalesce((SELECT max(id) FROM baton.journal WHERE migration = ? AND step IS NULL), 0) ORDER BY id")) {
      ps.setString(1, migration);
      ps.setString(2, migration);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          steps.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw PgErrors.classify("reading the journal's steps", e);
    }
    return steps;
  }

  /**
   * Moves to a new state and records it.
   *
   * @param to the new state
   * @param actor who asked (for example {@code operator}, {@code rehearse}, {@code trigger:lag})
   * @param detail what happened, with its numbers; may be null
   * @throws io.baton.BatonException when the transition is not legal or cannot be recorded
   */
  public synchronized void transition(MigrationState to, String actor, String detail) {
    MigrationState from = state;
    from.moveTo(to);
    try (Connection c = database.connect();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO baton.journal (migration, actor, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, migration);
      ps.setString(2, actor);
      ps.setString(3, from.name());
      ps.setString(4, to.name());
      ps.setString(5, detail);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw PgErrors.classify("writing the journal (" + from + " -> " + to + ")", e);
    }
    state = to;
    LOG.info("migration {}: {} -> {}{}", migration, from, to, detail == null ? "" : " (" + detail + ")");
  }
}
