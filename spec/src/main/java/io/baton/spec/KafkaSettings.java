package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.baton.BatonException;
import io.baton.event.KafkaCluster;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The Kafka cluster (spec section {@code kafka}), and the client settings every Kafka client of
 * Baton gets (see {@link KafkaCluster}), for example TLS to the brokers. Secrets are never written
 * in the spec: a setting whose name says it holds one ({@code ...password}, {@code sasl.jaas.config})
 * is refused under {@code properties} and belongs in {@code propertiesFile}, which is read only when
 * the clients are built and never printed.
 *
 * @param bootstrapServers {@code HOST:PORT[,HOST:PORT...]}
 * @param properties further Kafka client settings, none secret; never null
 * @param propertiesFile a Java properties file of further client settings (secrets allowed), or null
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> properties, String propertiesFile) {
  @JsonCreator
  static KafkaSettings fromYaml(
      @SpecDoc(value = "The cluster's bootstrap servers.", required = true, example = "10.0.0.7:9092,10.0.0.8:9092")
      @JsonProperty("bootstrapServers") String bootstrapServers,
      @SpecDoc(value = "Kafka client settings given to every Kafka client Baton creates (the capture's producer, Kafka"
          + " Streams, the sink's consumers, the Admin clients), by Kafka's own names; for TLS to the brokers"
          + " security.protocol: SSL and ssl.truststore.location (ssl.truststore.type: PEM takes a CA file). No secrets:"
          + " a setting named ...password or sasl.jaas.config is refused here; put it in propertiesFile.",
          example = "{ security.protocol: SSL, ssl.truststore.type: PEM, ssl.truststore.location: /etc/baton/kafka-ca.pem }")
      @JsonProperty("properties") Map<String, String> properties,
      @SpecDoc(value = "A Java properties file of further Kafka client settings, secrets allowed (a mounted secret),"
          + " read when the clients are built; its settings win over properties.", example = "/run/secrets/kafka-client.properties")
      @JsonProperty("propertiesFile") String propertiesFile) {
    return new KafkaSettings(bootstrapServers, properties, propertiesFile);
  }

  public KafkaSettings {
    if (bootstrapServers == null || !bootstrapServers.matches("[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*")) {
      throw new SpecException("bootstrapServers", "bootstrapServers must be HOST:PORT[,HOST:PORT...], was '" + bootstrapServers + "'");
    }
    properties = properties == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    for (Map.Entry<String, String> e : properties.entrySet()) {
      if (isSecret(e.getKey())) {
        throw new SpecException("properties", "the Kafka client setting " + e.getKey() + " holds a secret, which is never"
            + " written in the spec: put it in the file that propertiesFile names");
      }
      if (e.getValue() == null) {
        throw new SpecException("properties", "the Kafka client setting " + e.getKey() + " has no value");
      }
    }
    try {
      new KafkaCluster(bootstrapServers, properties);
    } catch (BatonException e) {
      throw new SpecException("properties", e.getMessage());
    }
  }

  /**
   * The cluster only, with the clients' defaults.
   *
   * @param bootstrapServers {@code HOST:PORT[,HOST:PORT...]}
   */
  public KafkaSettings(String bootstrapServers) {
    this(bootstrapServers, Map.of(), null);
  }

  /**
   * @param name a Kafka client setting's name
   * @return true when the name says its value is a secret (a password, a JAAS configuration)
   */
  static boolean isSecret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith("password") || n.endsWith(".jaas.config") || n.endsWith("secret");
  }

  /**
   * Builds the cluster every Kafka client of Baton connects to: these settings, then the file's.
   *
   * @param bootstrapOverride the bootstrap servers to use instead of {@link #bootstrapServers()}
   *     (the command line's {@code --kafka}), or null
   * @return the cluster
   * @throws SpecException when the file cannot be read, or sets a setting that Baton sets itself
   *     (the message names the file and the setting, never a value)
   */
  public KafkaCluster cluster(String bootstrapOverride) {
    Map<String, String> all = new LinkedHashMap<>(properties);
    if (propertiesFile != null) {
      Properties fromFile = new Properties();
      try (Reader r = Files.newBufferedReader(Path.of(propertiesFile), StandardCharsets.UTF_8)) {
        fromFile.load(r);
      } catch (IOException | IllegalArgumentException e) {
        throw new SpecException("Kafka properties file " + propertiesFile + " cannot be read (" + e.getClass().getSimpleName() + ")");
      }
      fromFile.stringPropertyNames().forEach(name -> all.put(name, fromFile.getProperty(name)));
    }
    try {
      return new KafkaCluster(bootstrapOverride != null ? bootstrapOverride : bootstrapServers, all);
    } catch (BatonException e) {
      throw new SpecException("Kafka properties file " + propertiesFile + ": " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return bootstrapServers + (properties.isEmpty() ? "" : " " + properties.keySet())
        + (propertiesFile == null ? "" : " (settings from " + propertiesFile + ")");
  }
}
