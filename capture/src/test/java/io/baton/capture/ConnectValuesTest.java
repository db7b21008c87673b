package io.baton.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class ConnectValuesTest {
  private static Schema logical(Schema.Type type, String name) {
    return new SchemaBuilder(type).name(name).optional().build();
  }

  @Test
  void shouldWriteTimestampsWithMicrosecondsInfinityAndEra() {
    Schema ts = logical(Schema.Type.INT64, "io.debezium.time.MicroTimestamp");
    assertThat(ConnectValues.text(ts, 1_700_000_000_123_456L)).isEqualTo("2023-11-14 22:13:20.123456");
    assertThat(ConnectValues.text(ts, -1L)).isEqualTo("1969-12-31 23:59:59.999999");
    assertThat(ConnectValues.text(ts, Long.MAX_VALUE)).isEqualTo("infinity");
    assertThat(ConnectValues.text(ts, Long.MIN_VALUE)).isEqualTo("-infinity");
    // 15 March 44 BC, noon: ISO year -43
    long micros = java.time.LocalDateTime.of(-43, 3, 15, 12, 0).toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000L;
    assertThat(ConnectValues.text(ts, micros)).isEqualTo("0044-03-15 12:00 BC");
  }

  @Test
  void shouldWriteDatesTimesAndTwentyFourHundred() {
    Schema date = logical(Schema.Type.INT32, "io.debezium.time.Date");
    assertThat(ConnectValues.text(date, 19_000)).isEqualTo("2022-01-08");
    assertThat(ConnectValues.text(date, Integer.MIN_VALUE + 10_957)).as("DATEVAL_NOBEGIN shifted").isEqualTo("-infinity");
    assertThat(ConnectValues.text(date, (int) (Integer.MAX_VALUE + 10_957L))).as("DATEVAL_NOEND shifted, wrapped")
        .isEqualTo("infinity");
    assertThat(ConnectValues.text(date, -2_440_588)).isEqualTo("4714-11-24 BC");
    Schema time = logical(Schema.Type.INT64, "io.debezium.time.MicroTime");
    assertThat(ConnectValues.text(time, 3_723_000_001L)).isEqualTo("01:02:03.000001");
    assertThat(ConnectValues.text(time, 86_400_000_000L)).isEqualTo("24:00:00");
  }

  @Test
  void shouldWriteByteaAndArraysInPostgresTextForm() {
    assertThat(ConnectValues.text(Schema.OPTIONAL_BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {0, (byte) 0xff})))
        .isEqualTo("\\x00ff");
    Schema array = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build();
    assertThat(ConnectValues.text(array, Arrays.asList("a", null, "q\"uo\\te", "x,y")))
        .isEqualTo("{\"a\",NULL,\"q\\\"uo\\\\te\",\"x,y\"}");
    assertThat(ConnectValues.text(Schema.OPTIONAL_BOOLEAN_SCHEMA, true)).isEqualTo("t");
  }

  @Test
  void shouldWritePointsAsPostgresDoes() {
    Schema point = SchemaBuilder.struct().name("io.debezium.data.geometry.Point").field("x", Schema.FLOAT64_SCHEMA)
        .field("y", Schema.FLOAT64_SCHEMA).field("wkb", Schema.OPTIONAL_BYTES_SCHEMA).optional().build();
    assertThat(ConnectValues.text(point, new Struct(point).put("x", 1.5).put("y", -2.25))).isEqualTo("(1.5,-2.25)");
  }

  @Test
  void shouldLeaveOutColumnsWhoseToastedValueWasNotSent() {
    Schema row = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("doc", Schema.OPTIONAL_STRING_SCHEMA)
        .field("blob", Schema.OPTIONAL_BYTES_SCHEMA).field("tags", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
        .build();
    Struct s = new Struct(row).put("id", 7).put("doc", ConnectValues.UNAVAILABLE)
        .put("blob", ByteBuffer.wrap(ConnectValues.UNAVAILABLE.getBytes(StandardCharsets.UTF_8)))
        .put("tags", List.of(ConnectValues.UNAVAILABLE));
    assertThat(ConnectValues.row(s)).containsExactly(java.util.Map.entry("id", "7"));
  }
}
