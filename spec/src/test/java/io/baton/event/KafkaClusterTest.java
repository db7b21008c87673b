package io.baton.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClusterTest {
  static final Map<String, String> TLS = Map.of("security.protocol", "SSL", "ssl.truststore.type", "PEM",
      "ssl.truststore.location", "/etc/baton/kafka-ca.pem", "ssl.keystore.password", "Ks-s3cret");

  @Test
  void shouldGiveEveryClientTheBootstrapServersAndTheSettings() {
    KafkaCluster kafka = new KafkaCluster("k1:9093,k2:9093", TLS);
    assertThat(kafka.clientProperties()).containsEntry("bootstrap.servers", "k1:9093,k2:9093")
        .containsEntry("security.protocol", "SSL").containsEntry("ssl.truststore.location", "/etc/baton/kafka-ca.pem")
        .containsEntry("ssl.keystore.password", "Ks-s3cret");
    assertThat(kafka.clientProperties()).as("a new set each time").isNotSameAs(kafka.clientProperties());
    assertThat(KafkaCluster.of("k1:9092").clientProperties()).containsOnlyKeys("bootstrap.servers");
  }

  @Test
  void shouldPrintNamesButNeverValues() {
    assertThat(new KafkaCluster("k1:9093", TLS).toString()).startsWith("k1:9093 (client settings ")
        .contains("ssl.keystore.password").doesNotContain("Ks-s3cret").doesNotContain("/etc/baton");
    assertThat(KafkaCluster.of("k1:9092").toString()).isEqualTo("k1:9092");
  }

  @Test
  void shouldShowTheTlsSettingsForAnErrorButNoSecretOrKey() {
    Map<String, String> settings = new java.util.HashMap<>(TLS);
    settings.put("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----");
    assertThat(new KafkaCluster("k1:9093", settings).tlsSettings()).isEqualTo("security.protocol=SSL,"
        + " ssl.keystore.key (set), ssl.keystore.password (set), ssl.truststore.location=/etc/baton/kafka-ca.pem,"
        + " ssl.truststore.type=PEM");
    assertThat(KafkaCluster.of("k1:9092").tlsSettings()).isEqualTo("security.protocol=PLAINTEXT (default)");
  }

  @Test
  void shouldRefuseSettingsEachStageDecidesItself() {
    assertThatThrownBy(() -> new KafkaCluster("k1:9092", Map.of("bootstrap.servers", "k9:9092")))
        .hasMessageContaining("bootstrap.servers is Baton's own").hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> new KafkaCluster("k1:9092", Map.of("enable.idempotence", "false")))
        .hasMessageContaining("enable.idempotence is Baton's own");
  }
}
