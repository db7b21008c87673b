package io.baton.event;

import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import java.util.Map;

/**
 * One row change as it travels through Kafka between capture, transform and sink.
 *
 * <p>Values are PostgreSQL text forms (null for SQL NULL), so that every type arrives with its
 * exact precision and a sink can bind them as untyped literals that the server casts to the column
 * type.
 *
 * @param op what happened
 * @param table the table the change belongs to (source table before transform, target after)
 * @param key the primary key columns and values; null for a table without a primary key
 * @param before the row before the change: the key only for a delete under the default replica
 *     identity, the whole row under REPLICA IDENTITY FULL; null for inserts and snapshot reads
 * @param after the row after the change, null for deletes; columns whose unchanged TOASTed value
 *     was not received are absent
 * @param lsn the WAL position of the change (for deletes and updates: of the change itself)
 * @param commitTimeMs the source commit time in milliseconds since the epoch, 0 when unknown
 * @param lastCommitLsn the commit LSN of the transaction decoded before this change's transaction
 *     (the first half of Debezium's {@code source.sequence}), or null when unknown; with
 *     {@code lsn} it orders every change of a slot: see {@link #position()}
 * @param txId the source transaction id (32 bits, Debezium's {@code source.txId}), 0 when unknown
 */
public record ChangeEvent(
    Op op, TableName table, Map<String, String> key, Map<String, String> before, Map<String, String> after,
    Lsn lsn, long commitTimeMs, Lsn lastCommitLsn, long txId) {
  /**
   * The id prefix of progress markers: drain markers a pipeline writes every few seconds to prove
   * changes still flow. A sink notes them in memory only, where their writer looks, and does not
   * record them in {@code baton.drain_markers}, which they would grow without end.
   */
  public static final String PROGRESS_MARKER_PREFIX = "progress-";


  /** An event whose position in the slot's order and transaction are unknown (it is never taken for a repeat). */
  public ChangeEvent(Op op, TableName table, Map<String, String> key, Map<String, String> before,
      Map<String, String> after, Lsn lsn, long commitTimeMs) {
    this(op, table, key, before, after, lsn, commitTimeMs, null, 0);
  }

  /** @return the event's position in the slot's order, or null when it is unknown */
  public SlotPosition position() {
    return lastCommitLsn == null || lsn == null ? null : new SlotPosition(lastCommitLsn, lsn, SlotPosition.stepOf(op));
  }

  /** What happened to the row; the codes are Debezium's {@code op} field values. */
  public enum Op {
    /** insert ({@code c}) */
    CREATE("c"),
    /** update ({@code u}) */
    UPDATE("u"),
    /** delete ({@code d}) */
    DELETE("d"),
    /** snapshot read ({@code r}) */
    READ("r"),
    /** the table was truncated ({@code t}): every row is gone; key and row images are null */
    TRUNCATE("t"),
    /**
     * drain marker ({@code m}): a logical decoding message that Baton wrote into the source WAL
     * ({@code pg_logical_emit_message}); it travels through every partition behind all earlier
     * changes, and its id is in {@code after.marker}; ids that start with
     * {@link ChangeEvent#PROGRESS_MARKER_PREFIX} are a pipeline's periodic progress markers
     */
    MARKER("m");

    private final String code;

    Op(String code) {
      this.code = code;
    }

    /** @return Debezium's one-letter code */
    public String code() {
      return code;
    }

    /**
     * @param code Debezium's one-letter code
     * @return the operation
     * @throws io.baton.BatonException for any other code
     */
    public static Op of(String code) {
      for (Op op : values()) {
        if (op.code.equals(code)) {
          return op;
        }
      }
      throw new io.baton.BatonException("unknown change event op '" + code + "' (expected c, u, d or r)");
    }
  }
}
