package io.baton.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import io.baton.event.ChangeEvent;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import io.baton.pg.TxSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TableHoldTest {
  private static final TableName T = TableName.parse("public.t");
  private final List<String> markers = new ArrayList<>();
  private final TableHold hold = new TableHold(new TopicPartition("t", 0), markers::add, () -> null);

  private static ChangeEvent change(long txId) {
    return new ChangeEvent(ChangeEvent.Op.UPDATE, T, Map.of("id", "1"), null, Map.of("id", "1"), Lsn.parse("0/10"), 0,
        Lsn.parse("0/8"), txId);
  }

  private static ChangeEvent marker(String id, long txId) {
    return new ChangeEvent(ChangeEvent.Op.MARKER, T, null, null, Map.of("marker", id), Lsn.parse("0/10"), 0,
        Lsn.parse("0/8"), txId);
  }

  /** Paused, then advanced to a snapshot that sees every transaction below 100 except 97. */
  private void advance() {
    hold.moveTo(TableHold.State.PAUSED);
    hold.advanceTo(TxSnapshot.parse("95:100:97"));
  }

  @Test
  void shouldTellWhichChangesTheSnapshotSees() {
    advance();
    assertThat(hold.sees(change(90))).isTrue();
    assertThat(hold.sees(change(98))).isTrue();
    assertThat(hold.sees(change(97))).as("in progress when the snapshot was taken").isFalse();
    assertThat(hold.sees(change(100))).isFalse();
    assertThat(hold.sees(change(0))).as("an unknown transaction").isFalse();
  }

  @Test
  void shouldWriteItsMarkerOnceAdvancedAndKnowIt() {
    advance();
    assertThat(hold.state()).isEqualTo(TableHold.State.ADVANCING);
    assertThat(markers).hasSize(1);
    assertThat(hold.isOwnMarker(marker(markers.get(0), 120))).isTrue();
    assertThat(hold.isOwnMarker(marker("other", 120))).isFalse();
    assertThat(hold.isOwnMarker(change(120))).isFalse();
  }

  @Test
  void shouldRememberTheEdgeOnlyWhileAdvancing() {
    advance();
    hold.checkFrom(42);
    assertThat(hold.state()).isEqualTo(TableHold.State.CHECKING);
    hold.checkFrom(50);
    assertThat(hold.edgeOffset()).isEqualTo(42);
  }

  @Test
  void shouldNotAdvanceBeforeThePause() {
    assertThatThrownBy(() -> hold.advanceTo(TxSnapshot.parse("95:100:"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REQUESTED, not paused");
    assertThat(markers).isEmpty();
  }

  @Test
  void shouldWakeTheWaiterAtEachStep() throws InterruptedException {
    Thread worker = new Thread(() -> hold.moveTo(TableHold.State.PAUSED));
    worker.start();
    hold.awaitPaused(Duration.ofSeconds(5));
    worker.join();
    hold.advanceTo(TxSnapshot.parse("95:100:"));
    worker = new Thread(() -> hold.moveTo(TableHold.State.HELD));
    worker.start();
    assertThat(hold.awaitHeld(Duration.ofSeconds(5))).isTrue();
    worker.join();
    assertThat(hold.state()).isEqualTo(TableHold.State.HELD);

    TableHold other = new TableHold(new TopicPartition("t", 0), markers::add, () -> null);
    other.moveTo(TableHold.State.PAUSED);
    other.advanceTo(TxSnapshot.parse("95:100:"));
    other.moveTo(TableHold.State.INEXACT);
    assertThat(other.awaitHeld(Duration.ofSeconds(5))).as("inexact").isFalse();
  }

  @Test
  void shouldNotWaitPastTheTimeoutAFailedSinkOrARelease() {
    assertThatThrownBy(() -> hold.awaitPaused(Duration.ofMillis(50))).isInstanceOf(BatonException.class)
        .hasMessageContaining("did not pause within 50 ms");
    TableHold failed = new TableHold(new TopicPartition("t", 0), markers::add, () -> new IllegalStateException("disk full"));
    assertThatThrownBy(() -> failed.awaitPaused(Duration.ofSeconds(5))).hasMessageContaining("disk full");
    hold.close();
    assertThatThrownBy(() -> hold.awaitPaused(Duration.ofSeconds(5))).hasMessageContaining("released");
  }

  @Test
  void shouldStayReleasedOnceClosed() {
    hold.close();
    hold.moveTo(TableHold.State.HELD);
    assertThat(hold.state()).isEqualTo(TableHold.State.RELEASED);
  }
}
