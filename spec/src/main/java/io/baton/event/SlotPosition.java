package io.baton.event;

import io.baton.pg.Lsn;

/**
 * Where a change stands in a logical replication slot's order.
 *
 * <p>Logical decoding emits transactions in commit order, and the changes of one transaction in WAL
 * order, so (commit LSN of the previous transaction, change LSN) grows strictly along a slot: a
 * change whose position is not after the last one applied has been applied already.
 *
 * @param lastCommit the commit LSN of the transaction decoded before the change's transaction (the
 *     first half of Debezium's {@code source.sequence})
 * @param change the change's own LSN
 */
public record SlotPosition(Lsn lastCommit, Lsn change) implements Comparable<SlotPosition> {
  @Override
  public int compareTo(SlotPosition o) {
    int c = lastCommit.compareTo(o.lastCommit);
    return c != 0 ? c : change.compareTo(o.change);
  }
}
