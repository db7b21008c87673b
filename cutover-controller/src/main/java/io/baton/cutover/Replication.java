package io.baton.cutover;

import io.baton.pg.Lsn;
import java.time.Duration;

/** One running direction of replication (source to target, or back), as the controller drives it. */
public interface Replication extends AutoCloseable {
  /**
   * Waits until every change committed on the origin before this call has been applied on the
   * destination.
   *
   * @param timeout how long to wait at most
   * @return the freeze point: the origin's LSN up to which every committed change has been applied
   * @throws io.baton.BatonException on timeout (naming how long it waited) or when a stage failed
   */
  Lsn drain(Duration timeout);

  /** Stops every stage of this direction; leaves its slot in place. */
  @Override
  void close();
}
