package io.baton.cli;

import io.baton.BatonException;
import io.baton.pg.PgErrors;
import java.sql.SQLException;

/**
 * Decides whether a stage that stopped may succeed when its pipeline is restarted: the one place
 * for failures that come out of Debezium, Kafka or Kafka Streams, which wrap the original error.
 *
 * <p>The cause chain is walked from the outside in, and the first link that knows decides:
 * a {@link BatonException} marked retriable; an {@link SQLException}, as {@link PgErrors#isRetriable}
 * decides (so an invalidated replication slot, SQLSTATE 55000, is permanent); Kafka's
 * {@code org.apache.kafka.common.errors.RetriableException} (broker unreachable, timeouts, leader
 * changes) and Kafka Connect's {@code RetriableException} (Debezium's "try again" signal); a broker's
 * {@code UNKNOWN_SERVER_ERROR} (an internal failure on the broker, met while it loads its
 * coordinators after a restart, which Kafka clients raise as a plain {@code KafkaException} such as
 * "Unexpected error in TxnOffsetCommitResponse: The server experienced an unexpected error when
 * processing the request"); and an {@link java.io.IOException}. A {@code BatonException} not marked retriable defers to its cause,
 * since stages wrap what they caught; with no cause that knows, a failure is permanent.
 */
final class TransientFailures {
  private TransientFailures() {}

  /**
   * @param failure what stopped a stage; null is not transient
   * @return true when restarting the pipeline may help
   */
  static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BatonException b && b.isRetriable()) {
        return true;
      }
      if (t instanceof SQLException e) {
        return PgErrors.isRetriable(e);
      }
      if (t instanceof org.apache.kafka.common.errors.RetriableException
          || t instanceof org.apache.kafka.connect.errors.RetriableException
          || t instanceof java.io.IOException || brokerInternalError(t)) {
        return true;
      }
    }
    return false;
  }

  private static boolean brokerInternalError(Throwable t) {
    return t instanceof org.apache.kafka.common.errors.UnknownServerException
        || t instanceof org.apache.kafka.common.KafkaException && t.getMessage() != null
            && t.getMessage().contains(org.apache.kafka.common.protocol.Errors.UNKNOWN_SERVER_ERROR.message());
  }
}
