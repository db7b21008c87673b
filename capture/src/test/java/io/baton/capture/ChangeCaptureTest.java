package io.baton.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.pg.Database;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
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

  @Test
  void shouldGiveDebeziumTheDatabasesTlsSettings() {
    Database db = Database.parse("postgresql://baton@db1:5432/shop?sslmode=verify-full&sslrootcert=/etc/baton/ca.pem"
        + "&sslcert=/etc/baton/client.pem&sslkey=/etc/baton/client.pk8", "pw", "key-pw");
    Properties p = ChangeCapture.debeziumProperties(new ChangeCapture.Settings("shop", db, "slot", "pub",
        List.of(new TableName("public", "orders")), Path.of("offsets.dat"), "127.0.0.1:9092"));
    assertThat(p).containsEntry("database.sslmode", "verify-full").containsEntry("database.sslrootcert", "/etc/baton/ca.pem")
        .containsEntry("database.sslcert", "/etc/baton/client.pem").containsEntry("database.sslkey", "/etc/baton/client.pk8")
        .containsEntry("database.sslpassword", "key-pw").containsEntry("database.hostname", "db1");
  }

  @Test
  void shouldLeaveDebeziumsTlsDefaultWhenNothingIsSet() {
    Properties p = ChangeCapture.debeziumProperties(new ChangeCapture.Settings("shop",
        Database.parse("postgresql://baton@db1:5432/shop", null), "slot", "pub", List.of(new TableName("public", "orders")),
        Path.of("offsets.dat"), "127.0.0.1:9092"));
    assertThat(p.stringPropertyNames()).noneMatch(k -> k.startsWith("database.ssl"));
  }

  @Test
  void shouldGiveTheProducerTheClustersClientSettings() {
    Properties p = ChangeCapture.producerProperties(new ChangeCapture.Settings("shop",
        Database.parse("postgresql://baton@db1:5432/shop", null), "slot", "pub", List.of(new TableName("public", "orders")),
        Path.of("offsets.dat"), new io.baton.event.KafkaCluster("k1:9093", java.util.Map.of("security.protocol", "SSL", "ssl.truststore.location", "/etc/baton/kafka-ca.pem"))));
    assertThat(p).containsEntry("bootstrap.servers", "k1:9093").containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.truststore.location", "/etc/baton/kafka-ca.pem").containsEntry("acks", "all");
  }
}
