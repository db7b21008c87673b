package io.baton.sink;

import io.baton.BatonException;
import io.baton.event.TableLoader;
import io.baton.pg.CopyText;
import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import io.baton.pg.ReplicaRole;
import io.baton.pg.Sql;
import io.baton.pg.TableName;
import io.baton.state.QuarantinedRow;
import io.baton.state.QuarantineTable;
import io.baton.pg.TxSnapshot;
import io.baton.state.SnapshotJournal;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Loads bulk snapshot rows into the target with {@code COPY ... FROM STDIN} (text format), one
 * transaction per snapshot chunk, which also marks the chunk done in the journal; rows are sent in
 * blocks of about 256 KiB. Sessions run in the replica role ({@link ReplicaRole}): the target's
 * ordinary triggers do not fire for copied rows, as with PostgreSQL's own initial table sync.
 */
public final class CopyLoader implements TableLoader {
  private static final int BLOCK_BYTES = 256 * 1024;
  private final Database target;

  /** @param target the target database */
  public CopyLoader(Database target) {
    this.target = target;
  }

  @Override
  public Load open(TableName table, List<String> columns) {
    Connection conn = target.connect();
    try {
      ReplicaRole.enter(conn, target);
      conn.setAutoCommit(false);
      CopyIn in = conn.unwrap(PGConnection.class).getCopyAPI()
          .copyIn("COPY " + table.quoted() + " (" + Sql.idents(columns) + ") FROM STDIN");
      return new CopyLoad(conn, in, table, columns.size());
    } catch (SQLException e) {
      close(conn);
      throw PgErrors.classify("starting COPY into target table " + table, e);
    }
  }

  @Override
  public void restartTable(String migration, TableName source, TableName table, TxSnapshot filter) {
    try (Connection conn = target.connect()) {
      conn.setAutoCommit(false);
      try (Statement st = conn.createStatement()) {
        st.execute("TRUNCATE " + table.quoted());
      }
      SnapshotJournal.restartTable(conn, migration, source, filter);
      conn.commit();
    } catch (SQLException e) {
      throw PgErrors.classify("emptying target table " + table + " to copy it again", e);
    }
  }

  private static void close(Connection conn) {
    try {
      conn.close();
    } catch (SQLException ignored) {
      // nothing more to release
    }
  }

  private static final class CopyLoad implements Load {
    private final Connection conn;
    private final CopyIn in;
    private final TableName table;
    private final int columns;
    private final ByteArrayOutputStream block = new ByteArrayOutputStream(BLOCK_BYTES + 4096);
    private final List<QuarantinedRow> quarantined = new java.util.ArrayList<>();
    private boolean committed;

    CopyLoad(Connection conn, CopyIn in, TableName table, int columns) {
      this.conn = conn;
      this.in = in;
      this.table = table;
      this.columns = columns;
    }

    @Override
    public void row(List<String> values) {
      if (values.size() != columns) {
        throw new BatonException("COPY into " + table + ": row has " + values.size() + " values, expected " + columns);
      }
      block.writeBytes(CopyText.encode(values));
      if (block.size() >= BLOCK_BYTES) {
        flush();
      }
    }

    @Override
    public void encodedRow(byte[] row, int offset, int length) {
      block.write(row, offset, length);
      if (block.size() >= BLOCK_BYTES) {
        flush();
      }
    }

    private void flush() {
      try {
        in.writeToCopy(block.toByteArray(), 0, block.size());
        block.reset();
      } catch (SQLException e) {
        throw PgErrors.classify("COPY into target table " + table, e);
      }
    }

    @Override
    public void quarantine(QuarantinedRow row) {
      quarantined.add(row);
    }

    @Override
    public void commit(String migration, SnapshotJournal.ChunkDone done) {
      flush();
      try {
        long rows = in.endCopy();
        if (rows != done.rows()) {
          throw new BatonException("snapshot chunk " + done.chunk() + " of " + done.source() + ": read " + done.rows()
              + " rows but " + table + " accepted " + rows + "; the chunk is rolled back");
        }
        QuarantineTable.insert(conn, quarantined);
        SnapshotJournal.markDone(conn, migration, done);
        conn.commit();
        committed = true;
      } catch (SQLException e) {
        throw PgErrors.classify("COPY into target table " + table, e);
      }
    }

    @Override
    public void close() {
      try {
        if (!committed) {
          if (in.isActive()) {
            in.cancelCopy();
          }
          conn.rollback();
        }
      } catch (SQLException ignored) {
        // the connection is closed below; the server rolls back what was not committed
      }
      CopyLoader.close(conn);
    }
  }
}
