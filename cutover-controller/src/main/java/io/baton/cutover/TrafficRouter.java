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

  /**
   * Where the router sends traffic, read without changing anything: what a restarted controller
   * goes by to finish or undo a switch its predecessor left half done.
   *
   * @param database a database
   * @return whether the router points at it; empty when the router cannot tell
   */
  default java.util.Optional<Boolean> pointsAt(Database database) {
    return java.util.Optional.empty();
  }

  /**
   * @return how a {@link PauseWatchdog} process resumes traffic through this router if the
   *     controller dies during a pause; empty when there is nothing to resume
   */
  default java.util.List<String> watchdogArguments() {
    return java.util.List.of();
  }

  /**
   * @return the clients' mean transaction time through this router now, µs; NaN when the router
   *     cannot tell (the latency rollback trigger is then off)
   */
  default double transactionLatencyMicros() {
    return Double.NaN;
  }
}
