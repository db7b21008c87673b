package io.baton.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.event.KafkaCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkWorkerTest {
  @Test
  void shouldGiveTheConsumersTheClustersClientSettings() {
    KafkaCluster kafka = new KafkaCluster("k1:9093", Map.of("security.protocol", "SSL", "ssl.truststore.location",
        "/etc/baton/kafka-ca.pem"));
    assertThat(SinkWorker.consumerProperties("shop", kafka, 3)).containsEntry("bootstrap.servers", "k1:9093")
        .containsEntry("security.protocol", "SSL").containsEntry("ssl.truststore.location", "/etc/baton/kafka-ca.pem")
        .containsEntry("client.id", "baton-shop-sink-3").containsEntry("isolation.level", "read_committed");
  }
}
