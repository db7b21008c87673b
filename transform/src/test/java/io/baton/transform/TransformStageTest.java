package io.baton.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.event.ChangeEvent;
import io.baton.event.Rows;
import io.baton.event.ChangeEventJson;
import io.baton.event.Topics;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import io.baton.spec.TableMapping;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class TransformStageTest {
  private final MigrationSpec spec = new SpecLoader().parse("""
      name: t1
      tables:
        - source: public.pgbench_accounts
          target: public.accounts
          columns:
            abalance: { rename: balance }
            filler: { drop: true }
      """, "spec.yaml");


  @Test
  void shouldMakeEveryTableATaskOfItsOwnSoThatInstancesShareTheWork() {
    MigrationSpec three = new SpecLoader().parse("""
        name: t4
        tables:
          - source: public.a
          - source: public.b
            target: public.bb
          - source: public.c
        """, "spec.yaml");
    var transforms = three.tables().stream().map(TableMapping::transform).toList();
    var subtopologies = TransformStage.topology("t4", transforms).describe().subtopologies();
    assertThat(subtopologies).hasSize(3);
    assertThat(subtopologies).allSatisfy(s -> assertThat(s.nodes().stream()
        .filter(n -> n instanceof org.apache.kafka.streams.TopologyDescription.Source).count()).isEqualTo(1));
    assertThat(TransformStage.topics("t4", transforms)).containsExactly(
        Topics.source("t4", TableName.parse("public.a")), Topics.source("t4", TableName.parse("public.b")),
        Topics.source("t4", TableName.parse("public.c")), Topics.target("t4", TableName.parse("public.a")),
        Topics.target("t4", TableName.parse("public.bb")), Topics.target("t4", TableName.parse("public.c")),
        Topics.quarantine("t4"));
    assertThat(TransformStage.applicationId("t4")).isEqualTo("baton-t4-transform");
  }

  @Test
  void shouldRenameTableAndColumnsDropColumnAndRekey() {
    var transforms = spec.tables().stream().map(TableMapping::transform).toList();
    Properties p = new Properties();
    p.put("application.id", "test");
    p.put("bootstrap.servers", "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(TransformStage.topology("t1", transforms), p)) {
      TestInputTopic<byte[], byte[]> in = driver.createInputTopic(
          Topics.source("t1", TableName.parse("public.pgbench_accounts")), new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(
          Topics.target("t1", TableName.parse("public.accounts")), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      ChangeEvent e = new ChangeEvent(ChangeEvent.Op.UPDATE, TableName.parse("public.pgbench_accounts"), Rows.of("aid", "5"),
          Rows.of("aid", "5"), Rows.of("aid", "5", "abalance", "-3", "filler", "x"), Lsn.parse("0/ABC"), 7);
      in.pipeInput(ChangeEventJson.key(e.key()), ChangeEventJson.value(e));
      ChangeEvent marker = new ChangeEvent(ChangeEvent.Op.MARKER, TableName.parse("public.pgbench_accounts"), null, null,
          Rows.of("marker", "m1"), Lsn.parse("0/ABD"), 8);
      in.pipeInput(null, ChangeEventJson.value(marker));

      TestRecord<byte[], byte[]> r = out.readRecord();
      ChangeEvent got = ChangeEventJson.parse(r.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("{\"aid\":\"5\"}");
      assertThat(got.table()).isEqualTo(TableName.parse("public.accounts"));
      assertThat(got.after()).isEqualTo(Rows.of("aid", "5", "balance", "-3"));
      assertThat(got.lsn()).isEqualTo(Lsn.parse("0/ABC"));
      ChangeEvent m = ChangeEventJson.parse(out.readRecord().value());
      assertThat(m.op()).isEqualTo(ChangeEvent.Op.MARKER);
      assertThat(m.after()).containsEntry("marker", "m1");
      assertThat(out.isEmpty()).isTrue();
    }
  }

  @Test
  void shouldQuarantineARejectedRowInOrderAndGoOnOrHaltAsTheTableSays() {
    MigrationSpec gated = new SpecLoader().parse("""
        name: t2
        tables:
          - source: public.people
            columns:
              born: { cast: { to: date, format: dd/MM/yyyy } }
            validate:
              - { column: name, notNull: true }
            onInvalid: quarantine
        """, "spec.yaml");
    Properties p = new Properties();
    p.put("application.id", "test");
    p.put("bootstrap.servers", "unused:9092");
    TableName people = TableName.parse("public.people");
    try (TopologyTestDriver driver = new TopologyTestDriver(TransformStage.topology("t2",
        gated.tables().stream().map(TableMapping::transform).toList()), p)) {
      TestInputTopic<byte[], byte[]> in = driver.createInputTopic(Topics.source("t2", people), new ByteArraySerializer(),
          new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(Topics.target("t2", people), new ByteArrayDeserializer(),
          new ByteArrayDeserializer());
      TestOutputTopic<byte[], byte[]> quarantine = driver.createOutputTopic(Topics.quarantine("t2"),
          new ByteArrayDeserializer(), new ByteArrayDeserializer());
      for (String[] row : new String[][] {{"1", "Ada", "10/12/1915"}, {"2", null, "01/01/2000"}, {"3", "Bea", "31/02/2000"},
          {"4", "Cy", "02/02/2002"}}) {
        ChangeEvent e = new ChangeEvent(ChangeEvent.Op.CREATE, people, Rows.of("id", row[0]), null,
            Rows.of("id", row[0], "name", row[1], "born", row[2]), Lsn.parse("0/10" + row[0]), 7);
        in.pipeInput(ChangeEventJson.key(e.key()), ChangeEventJson.value(e));
      }
      java.util.List<ChangeEvent> applied = out.readValuesToList().stream().map(ChangeEventJson::parse).toList();
      assertThat(applied).extracting(e -> e.op() + " " + e.table() + " " + e.key()).containsExactly(
          "CREATE public.people {id=1}",
          "DELETE public.people {id=2}",
          "CREATE baton.quarantine {migration=t2, source_table=public.people, source_key={\"id\":\"2\"}, lsn=0/102}",
          "DELETE public.people {id=3}",
          "CREATE baton.quarantine {migration=t2, source_table=public.people, source_key={\"id\":\"3\"}, lsn=0/103}",
          "CREATE public.people {id=4}");
      assertThat(applied.get(2).after()).containsEntry("column_name", "name").containsEntry("rule", "validate notNull")
          .containsEntry("reason", "NULL breaks a validation rule").containsEntry("row_values",
              "{\"id\":\"2\",\"name\":null,\"born\":\"01/01/2000\"}");
      assertThat(applied.get(4).after()).containsEntry("column_name", "born")
          .containsEntry("rule", "cast to date from dd/MM/yyyy").containsEntry("reason", "'31/02/2000': not a date in format dd/MM/yyyy");
      assertThat(quarantine.readValuesToList()).hasSize(2);
    }
  }

  @Test
  void shouldFilterRowsDeriveWithCelAndQuarantineARowThatBreaksACelRule() {
    MigrationSpec celSpec = new SpecLoader().parse("""
        name: t3
        tables:
          - source: public.orders
            filter: "row.status != 'test'"
            derive:
              total: { cel: "row.price * double(row.qty)", type: "numeric(12,2)", rounding: HALF_UP }
            validate:
              - { cel: "row.qty > 0" }
            onInvalid: quarantine
        """, "spec.yaml");
    TableName orders = TableName.parse("public.orders");
    io.baton.pg.TableInfo info = new io.baton.pg.TableInfo(orders, java.util.List.of(
        new io.baton.pg.ColumnInfo("id", "integer", true, null, "", null),
        new io.baton.pg.ColumnInfo("status", "text", false, null, "", null),
        new io.baton.pg.ColumnInfo("price", "numeric(8,2)", false, null, "", null),
        new io.baton.pg.ColumnInfo("qty", "integer", false, null, "", null)), java.util.List.of("id"), 'd');
    Properties p = new Properties();
    p.put("application.id", "test");
    p.put("bootstrap.servers", "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(TransformStage.topology("t3",
        java.util.List.of(celSpec.tables().get(0).transform(info))), p)) {
      TestInputTopic<byte[], byte[]> in = driver.createInputTopic(Topics.source("t3", orders), new ByteArraySerializer(),
          new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(Topics.target("t3", orders), new ByteArrayDeserializer(),
          new ByteArrayDeserializer());
      String[][] changes = {{"CREATE", "1", "new", "2.50", "3"}, {"CREATE", "2", "test", "1.00", "1"},
          {"UPDATE", "1", "test", "2.50", "3"}, {"CREATE", "3", "new", "1.00", "0"}};
      for (String[] c : changes) {
        ChangeEvent e = new ChangeEvent(ChangeEvent.Op.valueOf(c[0]), orders, Rows.of("id", c[1]), null,
            Rows.of("id", c[1], "status", c[2], "price", c[3], "qty", c[4]), Lsn.parse("0/20" + c[1]), 7);
        in.pipeInput(ChangeEventJson.key(e.key()), ChangeEventJson.value(e));
      }
      java.util.List<ChangeEvent> applied = out.readValuesToList().stream().map(ChangeEventJson::parse).toList();
      assertThat(applied).extracting(e -> e.op() + " " + e.table() + " " + e.key()).containsExactly(
          "CREATE public.orders {id=1}",
          "DELETE public.orders {id=2}",
          "DELETE public.orders {id=1}",
          "DELETE public.orders {id=3}",
          "CREATE baton.quarantine {migration=t3, source_table=public.orders, source_key={\"id\":\"3\"}, lsn=0/203}");
      assertThat(applied.get(0).after()).containsEntry("total", "7.50");
      assertThat(applied.get(4).after()).containsEntry("column_name", "(row)").containsEntry("rule", "validate cel 'row.qty > 0'");
    }
  }

  @org.junit.jupiter.api.Test
  void shouldGiveKafkaStreamsTheClustersClientSettings() {
    java.util.Properties p = TransformStage.streamsProperties("shop", new io.baton.event.KafkaCluster("k1:9093", java.util.Map.of("security.protocol", "SSL", "ssl.truststore.location", "/etc/baton/kafka-ca.pem")),
        java.nio.file.Path.of("state"), 2, null);
    assertThat(p).containsEntry("bootstrap.servers", "k1:9093").containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.truststore.location", "/etc/baton/kafka-ca.pem").containsEntry("application.id", "baton-shop-transform");
  }

  @org.junit.jupiter.api.Test
  void shouldBoundTheRebalanceTimeoutAboveTheProducersBlockingTime() {
    java.util.Properties p = TransformStage.streamsProperties("shop", new io.baton.event.KafkaCluster("k1:9092", java.util.Map.of()),
        java.nio.file.Path.of("state"), 1, null);
    org.apache.kafka.streams.StreamsConfig config = new org.apache.kafka.streams.StreamsConfig(p);

    java.util.Map<String, Object> consumer = config.getMainConsumerConfigs("baton-shop-transform", "c", 0);
    java.util.Map<String, Object> producer = config.getProducerConfigs("p");
    assertThat(consumer).containsEntry("max.poll.interval.ms", TransformStage.REBALANCE_TIMEOUT_MS)
        .containsEntry("session.timeout.ms", 6000);
    assertThat((Integer) producer.get("max.block.ms")).isLessThan(TransformStage.REBALANCE_TIMEOUT_MS);
    assertThat(TransformStage.REBALANCE_TIMEOUT_MS).isLessThan(300_000);
  }
}
