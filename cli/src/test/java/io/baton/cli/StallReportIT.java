package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.embedded.EmbeddedEnvironmentOptions;
import io.baton.event.KafkaCluster;
import java.util.List;
import java.util.Properties;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a stall report reads from a real broker: where each topic and the consumer group stand
 * ({@link KafkaTopics#describeOffsets}), and the hanging transactions it aborts.
 *
 * <p>{@link HangingTransactions} reads every partition's open transactions
 * (the pipeline's topics and {@code __consumer_offsets}) and the coordinator's view of them, and
 * leaves alone a transaction its coordinator runs, even one looked at as if it had been open for
 * minutes. (A transaction that really hangs needs a coordinator that lost it, which a healthy
 * broker does not produce on demand; the decision itself is {@link HangingTransactionsTest}'s.)
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
@EmbeddedEnvironmentOptions(pgbouncer = false)
class StallReportIT {
  @Test
  void shouldLeaveATransactionItsCoordinatorRunsAlone(EmbeddedEnvironment env) throws Exception {
    KafkaCluster kafka = KafkaCluster.of(env.kafka().bootstrapServers());
    String topic = "baton.hanging.target.public.t";
    KafkaTopics.ensure(kafka, List.of(topic));
    Properties p = kafka.clientProperties();
    p.put("transactional.id", "baton-hanging-test");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "v")).get();

      HangingTransactions.Report report = HangingTransactions.abort(kafka, List.of(topic),
          System.currentTimeMillis() + 10 * HangingTransactions.OPEN_FOR_MS);

      assertThat(report.error()).isNull();
      assertThat(report.open()).as("the open transaction is seen on its partition")
          .anySatisfy(o -> assertThat(o.partition().topic()).isEqualTo(topic));
      assertThat(report.aborted()).as("an open transaction its coordinator runs").isEmpty();
      producer.commitTransaction();
    }
  }

  @Test
  void shouldTellTheEndTheStableEndAndTheGroupsAndTheSinksOffsetsApart(EmbeddedEnvironment env) throws Exception {
    KafkaCluster kafka = KafkaCluster.of(env.kafka().bootstrapServers());
    String source = "baton.report.source.public.t";
    String target = "baton.report.target.public.t";
    String group = "baton-report-transform";
    KafkaTopics.ensure(kafka, List.of(source, target));
    try (KafkaProducer<String, String> plain = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(),
        new StringSerializer())) {
      for (int i = 0; i < 3; i++) {
        plain.send(new ProducerRecord<>(source, "k" + i, "v")).get();
      }
    }
    Properties c = kafka.clientProperties();
    c.put("group.id", group);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(new TopicPartition(source, 0)));
      consumer.commitSync(Map.of(new TopicPartition(source, 0), new OffsetAndMetadata(2)));
    }
    Properties p = kafka.clientProperties();
    p.put("transactional.id", "baton-report-test");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(target, "k", "committed")).get();
      producer.commitTransaction();
      // an open transaction: one record at offset 2 (offset 1 holds the commit marker), and the
      // group's offset of the source moved inside it
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(target, "k", "open")).get();
      producer.sendOffsetsToTransaction(Map.of(new TopicPartition(source, 0), new OffsetAndMetadata(3)),
          new ConsumerGroupMetadata(group));
      producer.flush();

      String report = KafkaTopics.describeOffsets(kafka, group, List.of(source, target), Map.of(target, 1L));

      assertThat(report).contains(source + " [0, 3), stable 3, group at 2 (not stable: a transactional offset commit"
          + " awaits its marker)");
      assertThat(report).contains(target + " [0, 3), stable 2, sink at 1");
      producer.commitTransaction();
      assertThat(KafkaTopics.describeOffsets(kafka, group, List.of(source, target), Map.of()))
          .contains(source + " [0, 3), stable 3, group at 3;").contains(target + " [0, 4), stable 4");
    }
  }
}
