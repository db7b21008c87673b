package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.reconciler.TableComparison;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot plus stream on real servers: every kind of change (insert, update, delete, primary key
 * change, truncate; a table without a key; a partitioned table) arrives intact through the rename
 * and drop transforms, a restart of the pipeline mid-stream loses and doubles nothing, and tables
 * are applied in parallel.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineIT {
  private static final String SPEC = """
      name: pit
      tables:
        - source: public.customers
          target: public.clients
          columns:
            name: { rename: full_name }
            secret: { drop: true }
        - source: public.events
        - source: public.measurements
      """;
  private static final String ROW = "id, name, email, balance::text, created::text, tags::text, data::text, born::text, note";
  private static final String TARGET_ROW =
      "id, full_name, email, balance::text, created::text, tags::text, data::text, born::text, note";

  private Database source;
  private Database target;
  private Migration migration;
  @TempDir
  Path work;

  @BeforeAll
  void createSource(EmbeddedEnvironment env) throws SQLException {
    source = Environments.source(env);
    target = Environments.target(env);
    exec(source, """
        CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text, secret text,
          balance numeric(12,2), created timestamptz DEFAULT now(), tags text[], data jsonb, born date, note text);
        CREATE TABLE events (kind text, payload text);
        ALTER TABLE events REPLICA IDENTITY FULL;
        INSERT INTO customers (name, email, secret, balance, tags, data, born, note)
          SELECT 'name ' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'u' || g || '@example.org' END, 's' || g,
                 g * 1.25, ARRAY['a' || g, 'b,"x"'], jsonb_build_object('g', g), DATE '2000-01-01' + g,
                 CASE WHEN g % 5 = 0 THEN '' ELSE repeat('n', g % 7) END
          FROM generate_series(1, 1000) g;
        INSERT INTO events SELECT 'k' || (g % 4), 'p' || (g % 10) FROM generate_series(1, 200) g;
        CREATE TABLE measurements (id int, day date, v int, PRIMARY KEY (id, day)) PARTITION BY RANGE (day);
        CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        INSERT INTO measurements SELECT g, DATE '2025-06-01' + g, g FROM generate_series(1, 300) g;
        """);
  }

  @AfterAll
  void dropSlots() {
    if (migration != null) {
      migration.close();
      assertThat(migration.slotsLeft()).isZero();
    }
  }

  private MigrationSpec spec(String yaml) {
    return new SpecLoader().parse(yaml, "pit.yaml");
  }

  @Test
  @Order(1)
  void shouldRefuseAnUnknownTableBeforeWritingAnything(EmbeddedEnvironment env) throws SQLException {
    MigrationSpec bad = spec("name: bad\ntables:\n  - source: public.customers\n  - source: public.nope\n");
    assertThatThrownBy(() -> Migration.prepare(bad, source, target, env.kafka().bootstrapServers(), work, Environments.router(env)))
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("spec tables[1]: source table public.nope does not exist");
    assertThat(query(source, "SELECT count(*) FROM pg_replication_slots")).containsExactly("0");
    assertThat(query(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).containsExactly("0");
  }

  @Test
  @Order(2)
  void shouldStopOnAnUnreachableTargetOrBrokerBeforeWritingAnything(EmbeddedEnvironment env) throws SQLException {
    Database nowhere = new Database("127.0.0.1", 1, "app", "postgres", null);
    assertThatThrownBy(() -> Migration.prepare(spec(SPEC), source, nowhere, env.kafka().bootstrapServers(), work,
        Environments.router(env)))
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("cannot connect to postgresql://postgres@127.0.0.1:1/app");
    assertThatThrownBy(() -> Migration.prepare(spec(SPEC), source, target, "127.0.0.1:1", work, Environments.router(env)))
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("Kafka at 127.0.0.1:1 did not answer");
    assertThat(query(source, "SELECT count(*) FROM pg_replication_slots")).containsExactly("0");
    assertThat(query(target, "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"))
        .containsExactly("0");
  }

  @Test
  @Order(3)
  void shouldSnapshotThenStreamEveryKindOfChangeIntact(EmbeddedEnvironment env) throws SQLException {
    migration = Migration.prepare(spec(SPEC), source, target, env.kafka().bootstrapServers(), work, Environments.router(env));
    migration.start();
    assertThat(migration.snapshotRows()).isEqualTo(1500);
    assertThat(query(target, "SELECT count(*) FROM clients")).containsExactly("1000");
    assertThat(query(target, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'clients' AND column_name = 'secret'"))
        .containsExactly("0");

    exec(source, """
        INSERT INTO customers (name, email, balance, tags, data, born, note)
          VALUES ('ünïcødé ı 😀', NULL, 12345678.91, '{}', '{"nested": {"a": [1, 2]}}', '1999-12-31', NULL),
                 ('tab\tand newline
        here', '', -0.01, ARRAY[NULL, 'x'], 'null', NULL, 'back\\slash');
        UPDATE customers SET balance = balance + 1, note = 'updated' WHERE id BETWEEN 10 AND 19;
        UPDATE customers SET email = NULL, note = '' WHERE id = 20;
        DELETE FROM customers WHERE id IN (30, 31, 32);
        UPDATE customers SET id = 100007 WHERE id = 7;
        INSERT INTO events VALUES ('k0', 'p0'), ('k0', 'p0'), (NULL, 'nul');
        DELETE FROM events WHERE ctid = (SELECT ctid FROM events WHERE kind = 'k1' LIMIT 1);
        UPDATE events SET payload = 'changed' WHERE kind = 'k2';
        INSERT INTO measurements VALUES (1000, '2026-03-01', 1), (1001, '2025-02-01', 2);
        UPDATE measurements SET v = -v WHERE id BETWEEN 1 AND 50;
        DELETE FROM measurements WHERE id BETWEEN 51 AND 60;
        """);
    assertEqual(migration.verify());
    assertThat(query(target, "SELECT " + TARGET_ROW + " FROM clients ORDER BY id"))
        .isEqualTo(query(source, "SELECT " + ROW + " FROM customers ORDER BY id"));
    assertThat(query(target, "SELECT count(*) FROM clients WHERE id IN (7, 30, 31, 32)")).containsExactly("0");
    assertThat(query(target, "SELECT count(*) FROM clients WHERE id = 100007")).containsExactly("1");
    assertThat(query(target, "SELECT kind, payload, count(*) FROM events GROUP BY 1, 2 ORDER BY 1, 2"))
        .isEqualTo(query(source, "SELECT kind, payload, count(*) FROM events GROUP BY 1, 2 ORDER BY 1, 2"));
  }

  @Test
  @Order(4)
  void shouldResumeAfterARestartMidStreamWithNothingLostOrDoubled() throws SQLException {
    migration.stopStreaming();
    exec(source, """
        INSERT INTO events SELECT 'after', 'restart' FROM generate_series(1, 50);
        UPDATE customers SET balance = balance * 2 WHERE id % 10 = 0;
        INSERT INTO customers (name) SELECT 'late ' || g FROM generate_series(1, 25) g;
        DELETE FROM customers WHERE id BETWEEN 100 AND 104;
        """);
    migration.resumeStreaming();
    exec(source, "INSERT INTO events VALUES ('after', 'resume')");
    assertEqual(migration.verify());
    assertThat(query(target, "SELECT count(*) FROM events WHERE kind = 'after'")).containsExactly("51");
    assertThat(query(target, "SELECT count(*) FROM clients")).isEqualTo(query(source, "SELECT count(*) FROM customers"));
  }

  @Test
  @Order(5)
  void shouldCarryATruncate() throws SQLException {
    exec(source, "TRUNCATE events; INSERT INTO events VALUES ('after', 'truncate')");
    assertEqual(migration.verify());
    assertThat(query(target, "SELECT kind, payload FROM events")).containsExactly("after|truncate");
  }

  @Test
  @Order(6)
  void shouldNotApplyChangesTwiceWhenCaptureDeliversThemAgain(EmbeddedEnvironment env) throws Exception {
    exec(source, "INSERT INTO events VALUES ('dup', '1'); INSERT INTO events VALUES ('dup', '2'); INSERT INTO events VALUES ('dup', '3')");
    assertEqual(migration.verify());
    // what a capture crash before its offset commit does: the same changes reach Kafka once more
    String topic = io.baton.event.Topics.source("pit", io.baton.pg.TableName.parse("public.events"));
    var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", env.kafka().bootstrapServers());
    List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> inserts = new ArrayList<>();
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(p,
        new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (var r : consumer.poll(java.time.Duration.ofMillis(500))) {
          if (io.baton.event.ChangeEventJson.parse(r.value()).op() == io.baton.event.ChangeEvent.Op.CREATE
              && new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).contains("\"dup\"")) {
            inserts.add(r);
          }
        }
      }
    }
    assertThat(inserts).hasSize(3);
    try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(p,
        new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      for (var r : inserts) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, r.key(), r.value())).get();
      }
    }
    exec(source, "INSERT INTO events VALUES ('dup', '4')");
    assertEqual(migration.verify());
    assertThat(query(target, "SELECT count(*) FROM events WHERE kind = 'dup'")).containsExactly("4");
  }

  @Test
  @Order(7)
  void shouldApplyTablesInParallelSoThatALockedTableHoldsBackOnlyItself() throws Exception {
    try (Connection locker = target.connect()) {
      locker.setAutoCommit(false);
      try (Statement st = locker.createStatement()) {
        // an operator's long query on one target table
        st.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
      }
      exec(source, "INSERT INTO events VALUES ('while', 'locked')");
      // long enough for that change to reach the sink and wait for the lock
      Thread.sleep(3000);
      exec(source, "INSERT INTO customers (name) VALUES ('while events is locked')");
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(100))
          .untilAsserted(() -> assertThat(query(target, "SELECT count(*) FROM clients WHERE full_name = 'while events is locked'"))
              .containsExactly("1"));
      locker.rollback();
    }
    assertEqual(migration.verify());
    assertThat(query(target, "SELECT count(*) FROM events WHERE kind = 'while'")).containsExactly("1");
  }

  private static void assertEqual(List<TableComparison> tables) {
    assertThat(tables).hasSize(3).allSatisfy(t -> {
      assertThat(t.mismatchedRows()).as(t.source()).isZero();
      assertThat(t.equal()).as(t.source() + " checksum").isTrue();
    });
  }
}
