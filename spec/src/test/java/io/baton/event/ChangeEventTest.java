package io.baton.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import org.junit.jupiter.api.Test;

class ChangeEventTest {
  private static ChangeEvent at(String lastCommit, String lsn) {
    return new ChangeEvent(ChangeEvent.Op.CREATE, TableName.parse("t"), null, null, Rows.of("a", "1"), Lsn.parse(lsn), 0,
        Lsn.parse(lastCommit), 1234);
  }

  @Test
  void shouldOrderByPreviousCommitThenChangeLsn() {
    // T1 wrote at 0/150 and committed at 0/200; T2 wrote earlier (0/100) but committed later
    ChangeEvent t1 = at("0/50", "0/150");
    ChangeEvent t2 = at("0/200", "0/100");
    assertThat(t2.position()).isGreaterThan(t1.position());
    assertThat(t1.position()).isLessThan(t2.position());
    assertThat(at("0/200", "0/101").position()).isGreaterThan(new SlotPosition(Lsn.parse("0/200"), Lsn.parse("0/100"), 1));
    assertThat(t2.position()).as("the same change again").isEqualByComparingTo(at("0/200", "0/100").position());
  }

  @Test
  void shouldPutTheInsertHalfOfAKeyChangeAfterItsDeleteHalf() {
    // UPDATE ... SET id = 2 WHERE id = 1 is one WAL record, decoded as a delete and an insert
    ChangeEvent delete = new ChangeEvent(ChangeEvent.Op.DELETE, TableName.parse("t"), Rows.of("id", "1"), Rows.of("id", "1"),
        null, Lsn.parse("0/150"), 0, Lsn.parse("0/100"), 7);
    ChangeEvent insert = new ChangeEvent(ChangeEvent.Op.CREATE, TableName.parse("t"), Rows.of("id", "2"), null,
        Rows.of("id", "2"), Lsn.parse("0/150"), 0, Lsn.parse("0/100"), 7);
    assertThat(insert.position()).isGreaterThan(delete.position());
  }

  @Test
  void shouldKeepThePositionAndTransactionThroughJson() {
    ChangeEvent e = at("1/0", "1/10");
    ChangeEvent back = ChangeEventJson.parse(ChangeEventJson.value(e));
    assertThat(back.lastCommitLsn()).isEqualTo(Lsn.parse("1/0"));
    assertThat(back.txId()).isEqualTo(1234);
    assertThat(back.position()).isNotNull();
    ChangeEvent unknown = new ChangeEvent(ChangeEvent.Op.DELETE, TableName.parse("t"), Rows.of("a", "1"), null, null,
        Lsn.parse("0/1"), 0);
    assertThat(ChangeEventJson.parse(ChangeEventJson.value(unknown)).position()).isNull();
    assertThat(ChangeEventJson.parse(ChangeEventJson.value(unknown)).txId()).isZero();
  }
}
