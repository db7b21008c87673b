package io.baton.sink;

import io.baton.BatonException;
import io.baton.event.ApplyHolds;
import io.baton.event.ChangeEvent;
import io.baton.pg.TxSnapshot;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * A hold on one partition (one table) of a {@link StreamSink}, as {@link ApplyHolds} describes it.
 * The caller awaits, advances and closes it; the {@link SinkWorker} that owns the partition pauses
 * it, applies up to the snapshot's edge and releases it, always on its own thread.
 */
final class TableHold implements ApplyHolds.Hold {
  /** Where a hold stands. */
  enum State {
    /** placed, not yet seen by the worker */
    REQUESTED,
    /** the worker paused the partition between two batches */
    PAUSED,
    /** the caller gave the snapshot: the worker applies up to its edge */
    ADVANCING,
    /**
     * the worker found the edge (the first change the snapshot does not see) and reads on, without
     * applying, up to the hold's marker, to be sure the snapshot sees nothing after the edge
     */
    CHECKING,
    /** the worker stopped at the edge: the table holds what the snapshot sees */
    HELD,
    /**
     * the snapshot sees a change after the edge (a transaction became visible out of its commit
     * order), so the table cannot hold exactly what it sees: take a newer snapshot
     */
    INEXACT,
    /** closed by the caller, or its lease ran out */
    RELEASED
  }

  private final TopicPartition partition;
  private final Consumer<String> markerWriter;
  private final Supplier<Throwable> sinkFailure;
  private State state = State.REQUESTED;
  private TxSnapshot snapshot;
  private String markerId;
  private long edgeOffset = -1;

  /**
   * @param partition the held table's partition
   * @param markerWriter writes a drain marker with the given id into the source
   * @param sinkFailure the sink's first failure, null while healthy
   */
  TableHold(TopicPartition partition, Consumer<String> markerWriter, Supplier<Throwable> sinkFailure) {
    this.partition = partition;
    this.markerWriter = markerWriter;
    this.sinkFailure = sinkFailure;
  }

  TopicPartition partition() {
    return partition;
  }

  /** @return true when {@code e} is the drain marker written right after the snapshot */
  synchronized boolean isOwnMarker(ChangeEvent e) {
    return e.op() == ChangeEvent.Op.MARKER && e.after() != null && markerId != null && markerId.equals(e.after().get("marker"));
  }

  /**
   * @param e a change or marker of the held table
   * @return true when the snapshot sees its transaction; an unknown transaction (id 0) counts as
   *     not seen
   */
  synchronized boolean sees(ChangeEvent e) {
    return e.txId() != 0 && snapshot.sees(e.txId());
  }

  /**
   * Records where the edge is, once the batch that found it is committed: the worker reads on from
   * there without applying.
   *
   * @param offset the Kafka offset of the first change the snapshot does not see
   */
  synchronized void checkFrom(long offset) {
    if (state == State.ADVANCING) {
      edgeOffset = offset;
      state = State.CHECKING;
    }
  }

  /** @return the edge's Kafka offset once found (from {@link State#CHECKING} on), -1 before */
  synchronized long edgeOffset() {
    return edgeOffset;
  }

  synchronized State state() {
    return state;
  }

  /** Moves to {@code next} unless released; wakes the waiter. */
  synchronized void moveTo(State next) {
    if (state != State.RELEASED) {
      state = next;
      notifyAll();
    }
  }

  @Override
  public void awaitPaused(Duration timeout) throws InterruptedException {
    awaitPast(State.REQUESTED, timeout, "pause");
  }

  @Override
  public void advanceTo(TxSnapshot edge) {
    String id = UUID.randomUUID().toString();
    synchronized (this) {
      if (state != State.PAUSED) {
        throw new IllegalStateException(this + " is " + state + ", not paused: it cannot advance");
      }
      snapshot = edge;
      markerId = id;
      edgeOffset = -1;
      state = State.ADVANCING;
    }
    markerWriter.accept(id);
  }

  @Override
  public boolean awaitHeld(Duration timeout) throws InterruptedException {
    awaitPast(State.CHECKING, timeout, "reach the edge of source snapshot " + snapshot);
    return state() == State.HELD;
  }

  /** Waits until the state is past {@code waiting}. */
  private synchronized void awaitPast(State waiting, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (state.compareTo(waiting) <= 0) {
      Throwable failure = sinkFailure.get();
      if (failure != null) {
        throw new BatonException("the apply of " + partition.topic() + " stopped on an error while held for a"
            + " comparison: " + failure.getMessage(), failure);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new BatonException("the apply of " + partition.topic() + " did not " + what + " within "
            + timeout.toMillis() + " ms; is the pipeline far behind?", null, true);
      }
      wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
    }
    if (state == State.RELEASED) {
      throw new BatonException("the hold on " + partition.topic() + " was released before it could " + what
          + " (its lease ran out)", null, true);
    }
  }

  @Override
  public synchronized void close() {
    state = State.RELEASED;
    notifyAll();
  }

  @Override
  public synchronized String toString() {
    return "hold on " + partition + (snapshot == null ? "" : " at snapshot " + snapshot);
  }
}
