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
import io.baton.event.KafkaCluster;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Creates Baton's topics ahead of the stages that use them, and checks that the broker answers. */
final class KafkaTopics {
  private KafkaTopics() {}

  /**
   * Checks that the broker answers, before anything is written.
   *
   * @param kafka the Kafka cluster and its common client settings
   * @throws BatonException when the broker does not answer within 10 s
   */
  static void checkReachable(KafkaCluster kafka) {
    ensure(kafka, java.util.List.of(), 10);
  }

  /**
   * @param kafka the Kafka cluster and its common client settings
   * @param topics topics to create when missing, one partition each (order per table is kept)
   * @throws BatonException when the broker cannot be reached within 30 s
   */
  static void ensure(KafkaCluster kafka, Collection<String> topics) {
    ensure(kafka, topics, 30);
  }

  private static Admin admin(KafkaCluster kafka, int timeoutSeconds) {
    return Admin.create(adminProperties(kafka, timeoutSeconds));
  }

  /** @return an Admin client's configuration: the cluster's common client settings, then the timeouts */
  static Properties adminProperties(KafkaCluster kafka, int timeoutSeconds) {
    Properties p = kafka.clientProperties();
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutSeconds * 1000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(10, timeoutSeconds) * 1000);
    return p;
  }

  /**
   * @param kafka the Kafka cluster and its common client settings
   * @param topics topics of one partition each; missing ones are left out
   * @return each existing topic's end offset (the offset the next record will get), by name
   * @throws BatonException when the broker cannot be reached within 30 s, or refuses (retriable as
   *     {@link TransientFailures} decides: an authorization error is permanent)
   */
  static java.util.Map<String, Long> endOffsets(KafkaCluster kafka, Collection<String> topics) {
    try (Admin admin = admin(kafka, 30)) {
      Set<String> existing = new HashSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
      java.util.Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      topics.stream().filter(existing::contains).forEach(t -> latest.put(new TopicPartition(t, 0), OffsetSpec.latest()));
      java.util.Map<String, Long> ends = new java.util.TreeMap<>();
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp.topic(), info.offset()));
      return ends;
    } catch (TimeoutException e) {
      throw new BatonException("Kafka at " + kafka + " did not give the end offsets of " + topics + " within 30 s",
          e, true);
    } catch (ExecutionException e) {
      throw new BatonException("Kafka at " + kafka + " did not give the end offsets of " + topics + ": "
          + e.getCause().getMessage(), e.getCause(), TransientFailures.isTransient(e.getCause()));
    } catch (InterruptedException e) {
      throw new BatonException("interrupted while reading end offsets", e);
    }
  }

  /**
   * How long a consumer group may take to empty before its offsets can be moved, ms: a member of a
   * process that was killed stays until its session times out (6 s for the transform, its
   * {@code session.timeout.ms}), with room for a rebalance.
   */
  static final long MEMBERS_LEAVE_MS = 30_000;

  /**
   * Moves a consumer group past everything its topics hold now, so that it reads only what is
   * produced from here on (the records left behind are never processed). The group must have no
   * active member; one left by a killed process is waited for up to {@link #MEMBERS_LEAVE_MS}.
   *
   * @param kafka the Kafka cluster and its common client settings
   * @param group the consumer group (a Kafka Streams application id)
   * @param topics its input topics, one partition each; missing ones are skipped
   * @throws BatonException when the broker cannot be reached, refuses (retriable as
   *     {@link TransientFailures} decides), or the group still has members after that wait (the
   *     message says to stop them)
   */
  static void skipToEnd(KafkaCluster kafka, String group, Collection<String> topics) {
    java.util.Map<TopicPartition, OffsetAndMetadata> commit = new java.util.HashMap<>();
    endOffsets(kafka, topics).forEach((t, end) -> commit.put(new TopicPartition(t, 0), new OffsetAndMetadata(end)));
    if (commit.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + MEMBERS_LEAVE_MS * 1_000_000L;
    try (Admin admin = admin(kafka, 30)) {
      while (true) {
        try {
          admin.alterConsumerGroupOffsets(group, commit).all().get(30, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException e) {
          boolean members = e.getCause() instanceof org.apache.kafka.common.errors.UnknownMemberIdException
              || e.getCause() instanceof org.apache.kafka.common.errors.GroupNotEmptyException;
          if (!members) {
            throw e;
          }
          if (System.nanoTime() > deadline) {
            throw new BatonException("consumer group " + group + " still has active members after "
                + MEMBERS_LEAVE_MS / 1000 + " s: stop every baton run and baton transform of this migration first", e);
          }
          // a member of a process that was killed leaves when its session times out
          Thread.sleep(1000);
        }
      }
    } catch (ExecutionException e) {
      throw new BatonException("Kafka at " + kafka + " refused to move group " + group + ": " + e.getCause().getMessage(),
          e.getCause(), TransientFailures.isTransient(e.getCause()));
    } catch (TimeoutException e) {
      throw new BatonException("Kafka at " + kafka + " did not answer within 30 s: " + e.getMessage(), e, true);
    } catch (InterruptedException e) {
      throw new BatonException("interrupted while moving consumer group " + group, e);
    }
  }

  private static void ensure(KafkaCluster kafka, Collection<String> topics, int timeoutSeconds) {
    try (Admin admin = admin(kafka, timeoutSeconds)) {
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
      throw unreachable(kafka, timeoutSeconds, e);
    } catch (InterruptedException e) {
      throw new BatonException("interrupted while creating Kafka topics", e);
    }
  }

  /**
   * The error for a broker that could not be used: a failed TLS handshake is permanent (trying again
   * meets the same certificate) and names the bootstrap servers, the client's TLS settings and the
   * fix; anything else is retriable and says what to check, the TLS settings included.
   *
   * @param kafka the cluster and its client settings
   * @param timeoutSeconds how long the call was given
   * @param e what the Admin call threw
   * @return the exception to throw, keeping {@code e} as its cause
   */
  static BatonException unreachable(KafkaCluster kafka, int timeoutSeconds, Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.kafka.common.errors.SslAuthenticationException) {
        String reason = t.getCause() == null ? t.getMessage() : t.getMessage() + ": " + t.getCause().getMessage();
        return new BatonException("Kafka at " + kafka.bootstrapServers() + ": the TLS handshake with the broker failed ("
            + reason + "); client TLS settings " + kafka.tlsSettings() + ". Fix: ssl.truststore.location in kafka.properties"
            + " (or kafka.propertiesFile) must hold the certificate of the CA that signed the broker's certificate, that"
            + " certificate must name the host in the bootstrap servers (ssl.endpoint.identification.algorithm=https checks"
            + " it), and the broker must speak TLS on that port", e, false);
      }
    }
    return new BatonException("Kafka at " + kafka + " did not answer within " + timeoutSeconds + " s: "
        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
        + " (check that the broker runs, that the bootstrap servers are right, and that the client TLS settings ("
        + kafka.tlsSettings() + ") match the broker's listener)", e, true);
  }

  /**
   * Describes a consumer group for a stall report: its state, its members as its coordinator sees
   * them and the partitions each holds; when the coordinator does not answer, which
   * {@code __consumer_offsets} partition it is ({@link #coordinatorHint}). Its committed offsets are
   * {@link #describeOffsets}'s. Never throws.
   *
   * @param kafka the cluster and its client settings
   * @param group the group id
   * @return one line, for example {@code group baton-shop-transform: STABLE, 1 member(s), coordinator 1;
   *     member baton-shop-transform-...-consumer holds 4 partition(s)}, or what failed
   */
  static String describeGroup(KafkaCluster kafka, String group) {
    StringBuilder line = new StringBuilder("group " + group + ": ");
    try (Admin admin = Admin.create(adminProperties(kafka, 10))) {
      try {
        org.apache.kafka.clients.admin.ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group))
            .describedGroups().get(group).get(10, TimeUnit.SECONDS);
        line.append(d.groupState()).append(", ").append(d.members().size()).append(" member(s), coordinator ")
            .append(d.coordinator() == null ? "unknown" : d.coordinator().idString());
        d.members().forEach(m -> line.append("; member ").append(m.clientId()).append(" holds ")
            .append(m.assignment().topicPartitions().size()).append(" partition(s)"));
      } catch (ExecutionException | TimeoutException e) {
        line.append("not described (").append(rootMessage(e)).append("; ").append(coordinatorHint(admin, group))
            .append(")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      line.append("interrupted");
    } catch (RuntimeException e) {
      line.append("not described (").append(e).append(")");
    }
    return line.toString();
  }

  /**
   * Describes where each of a pipeline's topics stands, for a stall report: the partition's first
   * and end offsets, its last stable offset (the end a {@code read_committed} consumer sees: the
   * first offset of the oldest open transaction, Kafka's "LSO"), the offset a consumer group
   * committed, and the offset the sink stored as next to apply. Comparing them tells which stage
   * stands still: a group behind a stable end that grows is not fetching; a stable offset behind
   * the end is an open transaction; a group offset that is not stable cannot be read by a
   * {@code read_committed} consumer until a transaction ends; a sink offset past the end means the
   * topic lost records the sink had applied. Never throws.
   *
   * @param kafka the cluster and its client settings
   * @param group the consumer group whose committed offsets are shown (the transform's)
   * @param topics the pipeline's topics, one partition each
   * @param sinkNext the sink's next offset by topic (-1: from the beginning); topics it does not read are absent
   * @return one clause per topic, for example {@code baton.shop.source.public.t [0, 1200), stable 1200,
   *     group at 1150}; or what failed
   */
  static String describeOffsets(KafkaCluster kafka, String group, Collection<String> topics,
      java.util.Map<String, Long> sinkNext) {
    try (Admin admin = Admin.create(adminProperties(kafka, 10))) {
      java.util.Map<TopicPartition, OffsetSpec> earliest = new java.util.LinkedHashMap<>();
      java.util.Map<TopicPartition, OffsetSpec> latest = new java.util.LinkedHashMap<>();
      for (String t : topics) {
        earliest.put(new TopicPartition(t, 0), OffsetSpec.earliest());
        latest.put(new TopicPartition(t, 0), OffsetSpec.latest());
      }
      var first = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
      var end = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      var stable = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
          org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS);
      java.util.Map<TopicPartition, OffsetAndMetadata> committed = java.util.Map.of();
      java.util.Map<TopicPartition, OffsetAndMetadata> stableCommitted = java.util.Map.of();
      List<String> clauses = new java.util.ArrayList<>();
      try {
        committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        // the Admin client leaves out a partition whose require_stable answer is an error
        // (UNSTABLE_OFFSET_COMMIT: a transactional offset commit not yet given its marker)
        stableCommitted = admin.listConsumerGroupOffsets(group,
            new org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions().requireStable(true))
            .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        clauses.add("group " + group + "'s offsets not read (" + rootMessage(e) + ")");
      }
      for (TopicPartition tp : latest.keySet()) {
        StringBuilder c = new StringBuilder(tp.topic()).append(" [").append(first.get(tp).offset()).append(", ")
            .append(end.get(tp).offset()).append("), stable ").append(stable.get(tp).offset());
        OffsetAndMetadata g = committed.get(tp);
        if (g != null) {
          c.append(", group at ").append(g.offset());
          if (!stableCommitted.containsKey(tp)) {
            c.append(" (not stable: a transactional offset commit awaits its marker)");
          }
        }
        Long next = sinkNext.get(tp.topic());
        if (next != null) {
          c.append(", sink at ").append(next < 0 ? "the beginning" : next.toString());
        }
        clauses.add(c.toString());
      }
      return String.join("; ", clauses);
    } catch (ExecutionException | TimeoutException e) {
      return "offsets not read (" + rootMessage(e) + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "offsets not read (interrupted)";
    } catch (RuntimeException e) {
      return "offsets not read (" + e + ")";
    }
  }

  /**
   * @return which {@code __consumer_offsets} partition holds the group (Kafka's rule: the absolute
   *     value of the group id's {@code String.hashCode()} modulo the topic's partition count, as
   *     {@code GroupCoordinatorService#partitionFor} computes it) and what to look for when its
   *     coordinator does not answer; never throws
   */
  static String coordinatorHint(Admin admin, String group) {
    try {
      int partitions = admin.describeTopics(List.of("__consumer_offsets")).allTopicNames().get(10, TimeUnit.SECONDS)
          .get("__consumer_offsets").partitions().size();
      return "the group's coordinator is __consumer_offsets-" + offsetsPartition(group, partitions)
          + "; a broker whose log says that coordinator's state machine is out of sync, or that it failed to load,"
          + " serves the group again only after that partition's leader changes (a broker restart)";
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return "the __consumer_offsets topic is not described either";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * @param group a consumer group id
   * @param partitions the partition count of {@code __consumer_offsets} ({@code offsets.topic.num.partitions})
   * @return the partition whose leader coordinates the group
   */
  static int offsetsPartition(String group, int partitions) {
    return org.apache.kafka.common.utils.Utils.abs(group.hashCode()) % partitions;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
