package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.embedded.EmbeddedEnvironmentOptions;
import io.baton.event.KafkaCluster;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link HangingTransactions} against a real broker: it reads every partition's open transactions
 * (the pipeline's topics and {@code __consumer_offsets}) and the coordinator's view of them, and
 * leaves alone a transaction its coordinator runs, even one looked at as if it had been open for
 * minutes. (A transaction that really hangs needs a coordinator that lost it, which a healthy
 * broker does not produce on demand; the decision itself is {@link HangingTransactionsTest}'s.)
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
@EmbeddedEnvironmentOptions(pgbouncer = false)
class HangingTransactionsIT {
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
}
