package io.baton.cli;

import io.baton.BatonException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates Baton's topics ahead of the stages that use them, and checks that the broker answers. */
final class KafkaTopics {
  private KafkaTopics() {}

  /**
   * Checks that the broker answers, before anything is written.
   *
   * @param bootstrapServers the Kafka cluster
   * @throws BatonException when the broker does not answer within 10 s
   */
  static void checkReachable(String bootstrapServers) {
    ensure(bootstrapServers, java.util.List.of(), 10);
  }

  /**
   * @param bootstrapServers the Kafka cluster
   * @param topics topics to create when missing, one partition each (order per table is kept)
   * @throws BatonException when the broker cannot be reached within 30 s
   */
  static void ensure(String bootstrapServers, Collection<String> topics) {
    ensure(bootstrapServers, topics, 30);
  }

  private static void ensure(String bootstrapServers, Collection<String> topics, int timeoutSeconds) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutSeconds * 1000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(10, timeoutSeconds) * 1000);
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = new HashSet<>(admin.listTopics().names().get(timeoutSeconds, TimeUnit.SECONDS));
      List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t)).distinct()
          .map(t -> new NewTopic(t, 1, (short) 1)
              .configs(java.util.Map.of("max.message.bytes", Integer.toString(io.baton.event.Topics.MAX_MESSAGE_BYTES))))
          .toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(timeoutSeconds, TimeUnit.SECONDS);
      }
      List<String> present = topics.stream().filter(existing::contains).distinct().toList();
      if (!present.isEmpty()) {
        for (var d : admin.describeTopics(present).allTopicNames().get(timeoutSeconds, TimeUnit.SECONDS).values()) {
          if (d.partitions().size() != 1) {
            throw new BatonException("topic " + d.name() + " has " + d.partitions().size() + " partitions; Baton needs exactly"
                + " one per table for now (drain markers and rows of tables without a key rely on it)."
                + " Fix: delete the topic, or use another migration name");
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new BatonException("Kafka at " + bootstrapServers + " did not answer within " + timeoutSeconds + " s: " + e.getMessage()
          + " (check that the broker runs and bootstrap servers are right)", e, true);
    } catch (InterruptedException e) {
      throw new BatonException("interrupted while creating Kafka topics", e);
    }
  }
}
