package io.baton.event;

import io.baton.BatonException;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Kafka cluster Baton's stages talk to, and the client settings every Kafka client Baton creates
 * gets: the capture's producer, the Kafka Streams transform, the sink's consumers and the Admin
 * clients that create topics and move offsets. This is the one place that builds those common
 * settings ({@link #clientProperties()}); each stage then adds its own (serializers, group,
 * idempotence).
 *
 * <p>The extra settings are Kafka's own client configuration names (Kafka documentation, "Producer
 * Configs", "Consumer Configs", "Admin Configs"), typically TLS or SASL: {@code security.protocol:
 * SSL}, {@code ssl.truststore.location}, {@code ssl.truststore.type: PEM},
 * {@code ssl.endpoint.identification.algorithm} (default {@code https}: the broker's host name is
 * checked). They may hold secrets ({@code ssl.truststore.password}, {@code sasl.jaas.config}), so
 * {@link #toString()} prints the bootstrap servers and the settings' names only.
 *
 * @param bootstrapServers {@code HOST:PORT[,HOST:PORT...]}; not null
 * @param settings further client settings by name; not null (copied, sorted by name); never
 *     {@code bootstrap.servers}
 */
public record KafkaCluster(String bootstrapServers, Map<String, String> settings) {
  /** Settings each stage decides itself: given here they would be overridden or break a stage. */
  private static final Set<String> OWN = Set.of("bootstrap.servers", "key.serializer", "value.serializer",
      "key.deserializer", "value.deserializer", "group.id", "enable.auto.commit", "enable.idempotence", "transactional.id",
      "isolation.level", "application.id", "processing.guarantee");
  /** Settings that say how a client speaks TLS and never hold a secret or inline key material. */
  private static final Set<String> TLS_SHOWN = Set.of("security.protocol", "ssl.truststore.type", "ssl.truststore.location",
      "ssl.keystore.type", "ssl.keystore.location", "ssl.endpoint.identification.algorithm", "ssl.protocol",
      "ssl.enabled.protocols");

  public KafkaCluster {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    settings = java.util.Collections.unmodifiableMap(new TreeMap<>(settings == null ? Map.of() : settings));
    for (String name : settings.keySet()) {
      if (OWN.contains(name)) {
        throw new BatonException("the Kafka client setting " + name + " is Baton's own"
            + (name.equals("bootstrap.servers") ? " (give bootstrapServers instead)" : "") + "; leave it out");
      }
    }
  }

  /**
   * @param bootstrapServers {@code HOST:PORT[,HOST:PORT...]}
   * @return the cluster with the clients' defaults (plain text)
   */
  public static KafkaCluster of(String bootstrapServers) {
    return new KafkaCluster(bootstrapServers, Map.of());
  }

  /**
   * @return a new set of client properties: {@code bootstrap.servers} and every further setting;
   *     the caller adds its own
   */
  public Properties clientProperties() {
    Properties p = new Properties();
    p.putAll(settings);
    p.put("bootstrap.servers", bootstrapServers);
    return p;
  }

  /**
   * The client's TLS settings for an error message: {@code security.protocol} (shown as
   * {@code PLAINTEXT (default)} when not set) and the {@code ssl.*} settings that name files, types,
   * protocols or the host name check, with their values; any other {@code ssl.*} setting (passwords,
   * inline keys and certificates) by name only.
   *
   * @return for example {@code security.protocol=SSL, ssl.truststore.location=/etc/ca.pem,
   *     ssl.truststore.type=PEM}; never null
   */
  public String tlsSettings() {
    java.util.List<String> shown = new java.util.ArrayList<>();
    if (!settings.containsKey("security.protocol")) {
      shown.add("security.protocol=PLAINTEXT (default)");
    }
    settings.forEach((name, value) -> {
      if (TLS_SHOWN.contains(name)) {
        shown.add(name + "=" + value);
      } else if (name.startsWith("ssl.")) {
        shown.add(name + " (set)");
      }
    });
    return String.join(", ", shown);
  }

  /** @return the bootstrap servers, and the names of further settings (never their values) */
  @Override
  public String toString() {
    return settings.isEmpty() ? bootstrapServers : bootstrapServers + " (client settings " + String.join(", ", settings.keySet()) + ")";
  }
}
