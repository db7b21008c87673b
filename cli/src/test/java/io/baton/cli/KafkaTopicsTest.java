package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.event.KafkaCluster;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spec's Kafka client settings reach the Admin clients, also when {@code --kafka} names the brokers. */
class KafkaTopicsTest {
  @TempDir
  Path dir;

  @Test
  void shouldGiveTheAdminClientsTheSpecsClientSettings() throws Exception {
    Path secrets = Files.writeString(dir.resolve("kafka.properties"), "ssl.truststore.password=Ts-s3cret\n");
    MigrationSpec spec = new SpecLoader().parse("""
        name: shop
        tables:
          - source: public.orders
        kafka:
          bootstrapServers: k1:9093
          properties: { security.protocol: SSL, ssl.truststore.location: /etc/baton/kafka.p12 }
          propertiesFile: %s
        """.formatted(secrets), "shop.yaml");
    KafkaCluster fromSpec = BatonCli.Run.kafka(null, spec);
    KafkaCluster overridden = BatonCli.Run.kafka("k9:9093", spec);
    assertThat(KafkaTopics.adminProperties(fromSpec, 10)).containsEntry("bootstrap.servers", "k1:9093")
        .containsEntry("security.protocol", "SSL").containsEntry("ssl.truststore.location", "/etc/baton/kafka.p12")
        .containsEntry("ssl.truststore.password", "Ts-s3cret").containsEntry("request.timeout.ms", 10_000);
    assertThat(KafkaTopics.adminProperties(overridden, 30)).containsEntry("bootstrap.servers", "k9:9093")
        .containsEntry("security.protocol", "SSL");
    assertThat(fromSpec.toString()).doesNotContain("Ts-s3cret");
    assertThat(BatonCli.Run.kafka("k9:9092", new SpecLoader().parse("name: shop\ntables:\n  - source: t\n", "s.yaml"))
        .clientProperties()).containsOnlyKeys("bootstrap.servers");
  }

  @Test
  void shouldNameKafkaTlsAndTheFixWhenTheHandshakeFails() {
    KafkaCluster kafka = new KafkaCluster("k1:9093", java.util.Map.of("security.protocol", "SSL", "ssl.truststore.type",
        "PEM", "ssl.truststore.location", "/etc/baton/other-ca.pem"));
    var handshake = new java.util.concurrent.ExecutionException(new org.apache.kafka.common.errors.SslAuthenticationException(
        "SSL handshake failed", new javax.net.ssl.SSLHandshakeException("PKIX path building failed")));

    io.baton.BatonException e = KafkaTopics.unreachable(kafka, 10, handshake);

    assertThat(e.isRetriable()).as("the same certificate fails again").isFalse();
    assertThat(e).hasCause(handshake).hasMessageStartingWith("Kafka at k1:9093: the TLS handshake with the broker failed"
        + " (SSL handshake failed: PKIX path building failed); client TLS settings security.protocol=SSL,"
        + " ssl.truststore.location=/etc/baton/other-ca.pem, ssl.truststore.type=PEM. Fix: ssl.truststore.location");
  }

  @Test
  void shouldSayWhatToCheckWhenTheBrokerDoesNotAnswer() {
    io.baton.BatonException e = KafkaTopics.unreachable(KafkaCluster.of("k1:9092"), 10,
        new java.util.concurrent.TimeoutException());

    assertThat(e.isRetriable()).isTrue();
    assertThat(e).hasMessage("Kafka at k1:9092 did not answer within 10 s: TimeoutException (check that the broker runs,"
        + " that the bootstrap servers are right, and that the client TLS settings (security.protocol=PLAINTEXT (default))"
        + " match the broker's listener)");
  }

  @Test
  void shouldNameTheOffsetsPartitionTheBrokerCoordinatesAGroupOn() {
    // a broker with offsets.topic.num.partitions=10 logged the soak's group under partition 6
    assertThat(KafkaTopics.offsetsPartition("baton-soak-transform", 10)).isEqualTo(6);
    assertThat(KafkaTopics.offsetsPartition("baton-soak-transform", 50)).isBetween(0, 49);
  }
}
