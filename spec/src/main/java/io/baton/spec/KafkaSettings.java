package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The Kafka cluster (spec section {@code kafka}).
 *
 * @param bootstrapServers {@code HOST:PORT[,HOST:PORT...]}
 */
public record KafkaSettings(String bootstrapServers) {
  @JsonCreator
  static KafkaSettings fromYaml(
      @SpecDoc(value = "The cluster's bootstrap servers.", required = true, example = "10.0.0.7:9092,10.0.0.8:9092")
      @JsonProperty("bootstrapServers") String bootstrapServers) {
    return new KafkaSettings(bootstrapServers);
  }

  public KafkaSettings {
    if (bootstrapServers == null || !bootstrapServers.matches("[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*")) {
      throw new SpecException("bootstrapServers", "bootstrapServers must be HOST:PORT[,HOST:PORT...], was '" + bootstrapServers + "'");
    }
  }
}
