package io.baton.cutover;

import io.baton.pg.Database;

/** Moves client traffic between the source and the target. */
public interface TrafficRouter {
  /**
   * Stops new transactions and waits for those in flight to finish.
   *
   * @param timeoutMs how long to wait at most
   * @throws io.baton.BatonException when the pause cannot be had in time (traffic is resumed)
   */
  void pause(long timeoutMs);

  /**
   * Points clients at another database; takes effect for transactions after {@link #resume()}.
   *
   * @param database the database clients will reach
   */
  void repoint(Database database);

  /** Lets transactions through again. Never leaves traffic paused on failure: it retries. */
  void resume();

  /**
   * Checks the router without changing anything (a cutover gate).
   *
   * @param expected the database that holds traffic now
   * @return why the router is not healthy or points elsewhere, or null when it is healthy
   */
  String problem(Database expected);
}
