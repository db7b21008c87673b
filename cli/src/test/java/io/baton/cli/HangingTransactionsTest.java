package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class HangingTransactionsTest {
  private static final long NOW = 10_000_000;
  private static final TopicPartition TP = new TopicPartition("baton.m.target.public.t", 0);

  private static HangingTransactions.Open open(long lastWriteAgoMs, int epoch) {
    return new HangingTransactions.Open(TP,
        new ProducerState(42, epoch, 7, NOW - lastWriteAgoMs, OptionalInt.of(3), OptionalLong.of(1234)));
  }

  private static Optional<TransactionDescription> coordinator(TransactionState state, int epoch, Set<TopicPartition> parts) {
    return Optional.of(new TransactionDescription(1, state, 42, epoch, 10_000, OptionalLong.of(NOW - 1000), parts));
  }

  @Test
  void shouldLeaveARecentTransactionAlone() {
    assertThat(HangingTransactions.hangs(open(HangingTransactions.OPEN_FOR_MS - 1, 5), Optional.empty(), NOW)).isFalse();
  }

  @Test
  void shouldCallAnOldTransactionItsCoordinatorDoesNotKnowHanging() {
    assertThat(HangingTransactions.hangs(open(HangingTransactions.OPEN_FOR_MS + 1, 5), Optional.empty(), NOW)).isTrue();
    assertThat(HangingTransactions.hangs(open(120_000, 5), coordinator(TransactionState.COMPLETE_COMMIT, 5, Set.of()), NOW))
        .as("the coordinator ended it").isTrue();
    assertThat(HangingTransactions.hangs(open(120_000, 5), coordinator(TransactionState.ONGOING, 6, Set.of(TP)), NOW))
        .as("the producer moved on to a new epoch").isTrue();
    assertThat(HangingTransactions.hangs(open(120_000, 5), coordinator(TransactionState.ONGOING, 5, Set.of()), NOW))
        .as("the coordinator's transaction does not include the partition").isTrue();
  }

  @Test
  void shouldLeaveATransactionItsCoordinatorIsStillRunningOrFinishing() {
    for (TransactionState s : new TransactionState[] {TransactionState.ONGOING, TransactionState.PREPARE_COMMIT,
        TransactionState.PREPARE_ABORT}) {
      assertThat(HangingTransactions.hangs(open(120_000, 5), coordinator(s, 5, Set.of(TP)), NOW)).as(s.toString()).isFalse();
    }
  }
}
