package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.BatonException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class TransientFailuresTest {
  @Test
  void shouldRetryALostConnectionWrappedByAStage() {
    SQLException lost = new SQLException("An I/O error occurred while sending to the backend.", "08006");
    Throwable debezium = new org.apache.kafka.connect.errors.ConnectException("error", new RuntimeException(lost));
    assertThat(TransientFailures.isTransient(new BatonException("capture failed", debezium))).isTrue();
  }

  @Test
  void shouldRetryABrokersInternalErrorAfterARestart() {
    Throwable streams = new org.apache.kafka.streams.errors.StreamsException("Error encountered trying to add offsets to a"
        + " transaction", new org.apache.kafka.common.KafkaException("Unexpected error in TxnOffsetCommitResponse: The"
        + " server experienced an unexpected error when processing the request."));
    assertThat(TransientFailures.isTransient(new BatonException("transform failed", streams))).isTrue();
    assertThat(TransientFailures.isTransient(new org.apache.kafka.common.KafkaException("Unexpected error: not"
        + " authorized"))).isFalse();
  }

  @Test
  void shouldNotRetryAnInvalidatedSlot() {
    SQLException lost = new SQLException("can no longer get changes from replication slot", "55000");
    assertThat(TransientFailures.isTransient(new BatonException("capture failed", new RuntimeException(lost)))).isFalse();
  }

  @Test
  void shouldRetryABrokerTimeoutAndDebeziumsRetriableSignal() {
    assertThat(TransientFailures.isTransient(new RuntimeException(new org.apache.kafka.common.errors.TimeoutException("t"))))
        .isTrue();
    assertThat(TransientFailures.isTransient(new org.apache.kafka.connect.errors.RetriableException("r"))).isTrue();
  }

  @Test
  void shouldTrustAMarkedBatonExceptionAndDeferAnUnmarkedOneToItsCause() {
    assertThat(TransientFailures.isTransient(new BatonException("target down", null, true))).isTrue();
    assertThat(TransientFailures.isTransient(new BatonException("halted at a row"))).isFalse();
    assertThat(TransientFailures.isTransient(new BatonException("wrapper", new java.net.ConnectException("refused"))))
        .isTrue();
    SQLException unique = new SQLException("duplicate key", "23505");
    assertThat(TransientFailures.isTransient(new BatonException("sink failed", unique))).isFalse();
    assertThat(TransientFailures.isTransient(null)).isFalse();
  }

  @Test
  void shouldNotRetryARefusedRightButRetryAnUnreachableCoordinator() {
    assertThat(TransientFailures.isTransient(new org.apache.kafka.common.errors.GroupAuthorizationException(
        "Not authorized to access group: baton-shop-transform"))).isFalse();
    assertThat(TransientFailures.isTransient(new org.apache.kafka.common.errors.TopicAuthorizationException(
        java.util.Set.of("baton.shop.source.public.orders")))).isFalse();
    assertThat(TransientFailures.isTransient(new org.apache.kafka.common.errors.CoordinatorNotAvailableException(
        "The coordinator is not available."))).isTrue();
  }
}
