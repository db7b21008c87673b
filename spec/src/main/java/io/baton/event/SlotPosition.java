package io.baton.event;

import io.baton.pg.Lsn;

/**
 * Where a change stands in a logical replication slot's order.
 *
 * <p>Logical decoding emits transactions in commit order, and the changes of one transaction in WAL
 * order, so (commit LSN of the previous transaction, change LSN, step) grows strictly along a slot:
 * a change whose position is not after the last one applied has been applied already. The step
 * tells apart the two events of one WAL record: an update of a primary key arrives as a delete of
 * the old key and then an insert of the new one, both at the update's LSN.
 *
 * @param lastCommit the commit LSN of the transaction decoded before the change's transaction (the
 *     first half of Debezium's {@code source.sequence})
 * @param change the change's own LSN
 * @param step 1 for an insert, 0 for any other event ({@link #stepOf})
 */
public record SlotPosition(Lsn lastCommit, Lsn change, int step) implements Comparable<SlotPosition> {
  /**
   * @param op an event's operation
   * @return its step: inserts come after the delete that shares their LSN
   */
  public static int stepOf(ChangeEvent.Op op) {
    return op == ChangeEvent.Op.CREATE ? 1 : 0;
  }

  @Override
  public int compareTo(SlotPosition o) {
    int c = lastCommit.compareTo(o.lastCommit);
    if (c == 0) {
      c = change.compareTo(o.change);
    }
    return c != 0 ? c : Integer.compare(step, o.step);
  }
}
