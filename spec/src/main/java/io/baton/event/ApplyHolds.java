package io.baton.event;

import io.baton.BatonException;
import io.baton.pg.TableName;
import io.baton.pg.TxSnapshot;
import java.time.Duration;

/**
 * Holds the apply of one table at the edge of a source snapshot, so that the target table can be
 * read in exactly the state the snapshot saw on the source while both databases stay live.
 *
 * <p>A hold goes in three steps. {@link #hold} pauses the table's apply between two batches: from
 * then on nothing more of it reaches the target, and everything already applied was committed on
 * the source before the caller takes its snapshot. {@link Hold#advanceTo} hands over that
 * snapshot: the apply goes on with the changes of every transaction the snapshot sees and stops
 * before the first change of a transaction it does not see ({@link TxSnapshot#sees}), then reads on,
 * without applying, up to a drain marker written right after the snapshot (which also ends the wait
 * when the table is idle). Changes arrive in source commit order, and a transaction that changes a
 * row another changed waits for that one to end. But transactions that commit at the same time can
 * become visible in another order than their commit records': when the snapshot sees a change
 * after the stop, the hold reports itself inexact, and the caller takes a newer snapshot.
 *
 * <p>Other tables go on being applied; the held one catches up once the hold is released.
 */
public interface ApplyHolds {
  /**
   * Pauses one table's apply.
   *
   * @param targetTable the table, by its target name
   * @return the hold, to await, advance, await again and close
   * @throws BatonException when no running apply handles that table
   */
  Hold hold(TableName targetTable);

  /** One hold on one table; {@link #close()} releases it, whatever step it is at. */
  interface Hold extends AutoCloseable {
    /**
     * Waits until the table's apply is paused: from then on, a snapshot taken on the source sees
     * everything the target table holds.
     *
     * @param timeout how long to wait
     * @throws BatonException when the timeout passes or the apply stopped on an error
     * @throws InterruptedException when interrupted while waiting
     */
    void awaitPaused(Duration timeout) throws InterruptedException;

    /**
     * Lets the apply go on up to the edge of a snapshot taken after {@link #awaitPaused}, and
     * writes the drain marker that bounds it into the source.
     *
     * @param snapshot the source snapshot, as {@code pg_current_snapshot()} gave it
     * @throws BatonException when the marker cannot be written
     */
    void advanceTo(TxSnapshot snapshot);

    /**
     * Waits until the apply stopped at the snapshot's edge.
     *
     * @param timeout how long to wait
     * @return true when the target table holds exactly what the snapshot sees; false when the
     *     snapshot sees a change after the edge (close this hold, take a newer snapshot, hold again)
     * @throws BatonException when the timeout passes or the apply stopped on an error
     * @throws InterruptedException when interrupted while waiting
     */
    boolean awaitHeld(Duration timeout) throws InterruptedException;

    /** Releases the hold: the table's apply goes on. Never throws. */
    @Override
    void close();
  }
}
