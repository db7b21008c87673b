package io.baton.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.event.KafkaCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkWorkerTest {
  @Test
  void shouldFindTheFailedStatementOfABatch() {
    java.sql.BatchUpdateException named = new java.sql.BatchUpdateException("Batch entry 26 INSERT INTO \"t\" VALUES"
        + " (('5025')) was aborted: ERROR: new row violates check constraint", "23514", new int[50]);
    assertThat(SinkWorker.failedEntry(named, 50)).isEqualTo(26);
    int[] counts = {1, 1, java.sql.Statement.EXECUTE_FAILED, 1};
    assertThat(SinkWorker.failedEntry(new java.sql.BatchUpdateException("failed", counts), 4)).isEqualTo(2);
    assertThat(SinkWorker.failedEntry(new java.sql.BatchUpdateException("failed", new int[] {1, 1}), 5)).isEqualTo(2);
    assertThat(SinkWorker.failedEntry(new java.sql.BatchUpdateException("Batch entry 9 x", new int[0]), 3)).isEqualTo(2);
  }

  @Test
  void shouldGiveTheConsumersTheClustersClientSettings() {
    KafkaCluster kafka = new KafkaCluster("k1:9093", Map.of("security.protocol", "SSL", "ssl.truststore.location",
        "/etc/baton/kafka-ca.pem"));
    assertThat(SinkWorker.consumerProperties("shop", kafka, 3)).containsEntry("bootstrap.servers", "k1:9093")
        .containsEntry("security.protocol", "SSL").containsEntry("ssl.truststore.location", "/etc/baton/kafka-ca.pem")
        .containsEntry("client.id", "baton-shop-sink-3").containsEntry("isolation.level", "read_committed");
  }
}
