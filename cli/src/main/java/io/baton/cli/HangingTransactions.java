package io.baton.cli;

import io.baton.BatonException;
import io.baton.event.KafkaCluster;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and aborts hanging transactions on a pipeline's partitions: a transaction a partition still
 * holds open although its coordinator no longer runs it, so it will never get its commit or abort
 * marker. Every {@code read_committed} consumer of that partition (the sink, Kafka Streams reading
 * its committed offsets from {@code __consumer_offsets}) stops at it for good; restarting the
 * consumers does not help. This is what {@code kafka-transactions.sh find-hanging} and
 * {@code abort} do by hand (KIP-664, "Provide tooling to detect and abort hanging transactions").
 *
 * <p>A transaction counts as hanging when it has been open on the partition for more than
 * {@link #OPEN_FOR_MS} (Baton's transform commits every 100 ms and times out after 10 s, Kafka
 * Streams' defaults under exactly-once) and its coordinator does not have it in progress: it knows
 * no transaction of that producer, or its transaction of that producer has another epoch, has ended,
 * or does not include the partition. A transaction the coordinator is still committing or aborting
 * ({@code PrepareCommit}, {@code PrepareAbort}) is left to it. Aborting drops the transaction's
 * records; what they carried is processed again from the last committed input offsets.
 */
final class HangingTransactions {
  private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
  /** How long a transaction must have been open on a partition before it may count as hanging, ms. */
  static final long OPEN_FOR_MS = 60_000;
  private static final Set<TransactionState> IN_PROGRESS = EnumSet.of(TransactionState.ONGOING,
      TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

  private HangingTransactions() {}

  /**
   * A transaction open on a partition, as the partition's leader reports it.
   *
   * @param partition the partition
   * @param producer its producer's state there (producer id and epoch, last write, start offset)
   */
  record Open(TopicPartition partition, ProducerState producer) {
    @Override
    public String toString() {
      return "producer " + producer.producerId() + " (epoch " + producer.producerEpoch() + ") on " + partition
          + ", open since offset " + producer.currentTransactionStartOffset().orElse(-1);
    }
  }

  /**
   * @param open a transaction open on a partition
   * @param coordinator what the coordinator says of that producer's transaction; empty when it
   *     knows none
   * @param nowMs the time, ms since the epoch
   * @return true when it hangs: open for more than {@link #OPEN_FOR_MS} and not in progress at its
   *     coordinator with the same producer epoch and partition
   */
  static boolean hangs(Open open, Optional<TransactionDescription> coordinator, long nowMs) {
    if (nowMs - open.producer().lastTimestamp() < OPEN_FOR_MS) {
      return false;
    }
    return coordinator.map(c -> !(IN_PROGRESS.contains(c.state()) && c.producerId() == open.producer().producerId()
        && c.producerEpoch() == open.producer().producerEpoch() && c.topicPartitions().contains(open.partition())))
        .orElse(true);
  }

  /**
   * What one look for hanging transactions found.
   *
   * @param open the transactions open on the partitions looked at
   * @param aborted the hanging ones aborted, one line each
   * @param error why the look stopped short, or null
   */
  record Report(List<Open> open, List<String> aborted, String error) {}

  /**
   * Aborts the hanging transactions on the given topics' partitions and on the consumer groups'
   * offsets ({@code __consumer_offsets}). Never throws: what cannot be read or aborted is logged and
   * reported.
   *
   * @param kafka the cluster and its client settings
   * @param topics the pipeline's topics
   * @param nowMs the time, ms since the epoch
   * @return what was found and aborted
   */
  static Report abort(KafkaCluster kafka, Collection<String> topics, long nowMs) {
    List<Open> open = List.of();
    List<String> aborted = new ArrayList<>();
    try (Admin admin = Admin.create(KafkaTopics.adminProperties(kafka, 30))) {
      open = openTransactions(admin, topics);
      for (Open o : open) {
        Optional<TransactionDescription> coordinator = coordinatorView(admin, o.producer().producerId());
        if (!hangs(o, coordinator, nowMs)) {
          continue;
        }
        AbortTransactionSpec spec = new AbortTransactionSpec(o.partition(), o.producer().producerId(),
            (short) o.producer().producerEpoch(), o.producer().coordinatorEpoch().orElse(-1));
        admin.abortTransaction(spec).all().get(30, TimeUnit.SECONDS);
        String line = o + ", last written " + (nowMs - o.producer().lastTimestamp()) / 1000 + " s ago; its coordinator "
            + coordinator.map(c -> "has " + c.state() + " with epoch " + c.producerEpoch()).orElse("knows no transaction of it");
        LOG.warn("aborted a hanging Kafka transaction: {}", line);
        aborted.add(line);
      }
      return new Report(open, aborted, null);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.warn("could not look for hanging Kafka transactions on {}: {}", kafka.bootstrapServers(), e.toString());
      return new Report(open, aborted, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Report(open, aborted, "interrupted");
    }
  }

  private static List<Open> openTransactions(Admin admin, Collection<String> topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<String> all = new ArrayList<>(topics);
    all.add("__consumer_offsets");
    List<TopicPartition> partitions = new ArrayList<>();
    admin.describeTopics(all).topicNameValues().forEach((name, future) -> {
      try {
        future.get(30, TimeUnit.SECONDS).partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition())));
      } catch (ExecutionException | TimeoutException e) {
        LOG.debug("topic {} not described: {}", name, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BatonException("interrupted while describing " + name, e);
      }
    });
    List<Open> open = new ArrayList<>();
    Map<TopicPartition, PartitionProducerState> states = admin.describeProducers(partitions).all().get(30, TimeUnit.SECONDS);
    states.forEach((tp, state) -> state.activeProducers().stream()
        .filter(p -> p.currentTransactionStartOffset().isPresent())
        .forEach(p -> open.add(new Open(tp, p))));
    return open;
  }

  private static Optional<TransactionDescription> coordinatorView(Admin admin, long producerId)
      throws ExecutionException, InterruptedException, TimeoutException {
    Collection<TransactionListing> listings = admin.listTransactions(new ListTransactionsOptions()
        .filterProducerIds(Set.of(producerId))).all().get(30, TimeUnit.SECONDS);
    for (TransactionListing l : listings) {
      TransactionDescription d = admin.describeTransactions(List.of(l.transactionalId())).description(l.transactionalId())
          .get(30, TimeUnit.SECONDS);
      if (d.producerId() == producerId) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
