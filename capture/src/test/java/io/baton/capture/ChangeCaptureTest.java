package io.baton.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.pg.Lsn;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class ChangeCaptureTest {
  private static final Schema SOURCE = SchemaBuilder.struct().field("sequence", Schema.OPTIONAL_STRING_SCHEMA).build();

  @Test
  void shouldReadThePreviousCommitLsnFromDebeziumsSequence() {
    assertThat(ChangeCapture.lastCommitLsn(new Struct(SOURCE).put("sequence", "[\"24023928\",\"24023960\"]")))
        .isEqualTo(new Lsn(24023928L));
    assertThat(ChangeCapture.lastCommitLsn(new Struct(SOURCE).put("sequence", "[null,\"24023960\"]"))).isNull();
    assertThat(ChangeCapture.lastCommitLsn(new Struct(SOURCE))).isNull();
  }
}
