package io.baton.state;

import io.baton.pg.PgErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Baton's own tables, in schema {@code baton} of a database Baton writes to (the target; and the
 * source too once reverse replication writes there). The one place their DDL lives.
 *
 * <ul>
 *   <li>{@code sink_offsets}: per migration and Kafka topic partition, the next offset to apply and
 *       the slot position (last commit LSN, LSN, step) of the last change applied; written in the same
 *       transaction as the rows it covers;
 *   <li>{@code drain_markers}: drain markers a sink has applied, per topic partition;
 *   <li>{@code snapshot_tables} and {@code snapshot_chunks}: the bulk snapshot's plan and progress,
 *       one row per table and per chunk; a chunk is marked done in the same transaction as its rows
 *       (see {@link SnapshotJournal});
 *   <li>{@code verify_tables}: per migration and source table, the live verifier's last pass (when,
 *       rows on each side, mismatched rows and the first of them described) and the end of its last
 *       clean pass;
 *   <li>{@code journal}: every state change of a migration (time, actor, from, to, detail): the
 *       audit trail; and the steps of a switch that a restarted controller needs to finish or undo
 *       it (rows whose {@code step} is set, with the same state before and after);
 *   <li>{@code quarantine}: rows the spec set aside ({@code onInvalid: quarantine}), per migration,
 *       source table, source key and LSN ({@code snapshot} for the bulk copy), with the column, the
 *       rule, the reason and the row's source values as JSON.
 * </ul>
 */
public final class StateSchema {
  private StateSchema() {}

  /**
   * Creates the schema and tables when missing.
   *
   * @param conn an auto-commit connection
   */
  public static void ensure(Connection conn) {
    try (Statement st = conn.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS baton");
      st.execute("CREATE TABLE IF NOT EXISTS baton.sink_offsets (migration text NOT NULL, topic text NOT NULL,"
          + " kafka_partition int NOT NULL, next_offset bigint NOT NULL, applied_last_commit_lsn pg_lsn, applied_lsn pg_lsn,"
          + " applied_step int NOT NULL DEFAULT 0,"
          + " updated_at timestamptz NOT NULL DEFAULT now(),"
          + " PRIMARY KEY (migration, topic, kafka_partition))");
      st.execute("CREATE TABLE IF NOT EXISTS baton.drain_markers (migration text NOT NULL, marker text NOT NULL,"
          + " topic text NOT NULL, kafka_partition int NOT NULL, lsn pg_lsn NOT NULL,"
          + " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (migration, marker, topic, kafka_partition))");
      st.execute("CREATE TABLE IF NOT EXISTS baton.snapshot_tables (migration text NOT NULL, source_table text NOT NULL,"
          + " target_table text NOT NULL, estimated_rows bigint NOT NULL, filter_snapshot text,"
          + " planned_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (migration, source_table))");
      st.execute("CREATE TABLE IF NOT EXISTS baton.snapshot_chunks (migration text NOT NULL, source_table text NOT NULL,"
          + " chunk int NOT NULL, kind text NOT NULL, lower_bound text[], upper_bound text[],"
          + " rows bigint, bytes bigint, checksum numeric, read_snapshot text, done_at timestamptz,"
          + " PRIMARY KEY (migration, source_table, chunk),"
          + " FOREIGN KEY (migration, source_table) REFERENCES baton.snapshot_tables ON DELETE CASCADE)");
      st.execute("CREATE TABLE IF NOT EXISTS baton.verify_tables (migration text NOT NULL, source_table text NOT NULL,"
          + " target_table text NOT NULL, passes bigint NOT NULL, pass_started_at timestamptz NOT NULL,"
          + " pass_finished_at timestamptz NOT NULL, source_rows bigint NOT NULL, target_rows bigint NOT NULL,"
          + " mismatched_rows bigint NOT NULL, clean boolean NOT NULL, last_clean_pass_at timestamptz, differences jsonb,"
          + " PRIMARY KEY (migration, source_table))");
      st.execute("CREATE TABLE IF NOT EXISTS baton.journal (id bigserial PRIMARY KEY, migration text NOT NULL,"
          + " at timestamptz NOT NULL DEFAULT clock_timestamp(), actor text NOT NULL, from_state text,"
          + " to_state text NOT NULL, detail text)");
      st.execute("ALTER TABLE baton.journal ADD COLUMN IF NOT EXISTS step text");
      st.execute("CREATE TABLE IF NOT EXISTS baton.quarantine (migration text NOT NULL, source_table text NOT NULL,"
          + " source_key text NOT NULL, lsn text NOT NULL, column_name text NOT NULL, rule text NOT NULL,"
          + " reason text NOT NULL, row_values text NOT NULL, quarantined_at timestamptz NOT NULL DEFAULT clock_timestamp(),"
          + " PRIMARY KEY (migration, source_table, source_key, lsn))");
    } catch (SQLException e) {
      throw PgErrors.classify("creating Baton's state schema (baton.*)", e);
    }
  }
}
