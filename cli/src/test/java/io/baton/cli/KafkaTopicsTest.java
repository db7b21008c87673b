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
}
