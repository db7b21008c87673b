package io.baton.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.BatonException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedEnvironmentExtension.class)
class EmbeddedEnvironmentIT {

    @Test
    void shouldRunBothClustersWithLogicalWalAndDurableSettings(EmbeddedEnvironment env) throws SQLException {
        for (PostgresServer server : List.of(env.source(), env.target())) {
            try (Connection connection = server.connect("postgres")) {
                assertThat(show(connection, "wal_level")).as(server.name()).isEqualTo("logical");
                assertThat(show(connection, "fsync")).as(server.name()).isEqualTo("on");
                assertThat(show(connection, "synchronous_commit")).as(server.name()).isEqualTo("on");
                assertThat(show(connection, "full_page_writes")).as(server.name()).isEqualTo("on");
                assertThat(show(connection, "max_replication_slots")).as(server.name()).isEqualTo("20");
                assertThat(show(connection, "server_version_num")).as(server.name()).startsWith("17");
            }
        }
        assertThat(env.source().port()).isNotEqualTo(env.target().port());
    }

    @Test
    void shouldRouteClientsThroughPgBouncerToTheSourceDatabase(EmbeddedEnvironment env) throws SQLException {
        try (Connection client = DriverManager.getConnection(env.pgbouncer().clientJdbcUrl());
             Statement statement = client.createStatement()) {
            statement.execute("CREATE TABLE via_bouncer (id int PRIMARY KEY, note text)");
            statement.execute("INSERT INTO via_bouncer VALUES (1, 'through pgbouncer')");
        }

        try (Connection direct = env.source().connect(env.sourceDatabase());
             Statement statement = direct.createStatement();
             ResultSet rows = statement.executeQuery("SELECT note FROM via_bouncer WHERE id = 1")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("through pgbouncer");
        }
    }

    @Test
    void shouldProduceAndConsumeOneRecord(EmbeddedEnvironment env) throws Exception {
        String bootstrap = env.kafka().bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("it.greetings", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("it.greetings", "key-1", "hello")).get(30, TimeUnit.SECONDS);
        }

        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "it-group");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("it.greetings"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
            });
        }
        assertThat(received).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("key-1");
            assertThat(record.value()).isEqualTo("hello");
        });
    }

    @Test
    void shouldHoldQueriesWhilePausedAndRepointOnReload(EmbeddedEnvironment env) throws Exception {
        PgBouncer bouncer = env.pgbouncer();
        String alias = bouncer.alias();
        try (Connection target = env.target().connect(env.targetDatabase()); Statement statement = target.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS side (name text)");
            statement.execute("INSERT INTO side VALUES ('target')");
        }

        bouncer.adminCommand("PAUSE " + alias);
        assertThat(database(bouncer, alias)).containsEntry("paused", "1");
        CompletableFuture<String> heldQuery = CompletableFuture.supplyAsync(() -> queryThroughBouncer(bouncer,
                "SELECT name FROM side"));
        Files.writeString(bouncer.databasesFile(), "[databases]\n" + PgBouncer.databasesLine(alias,
                env.target().host(), env.target().port(), env.targetDatabase()) + "\n", StandardCharsets.UTF_8);
        bouncer.adminCommand("RELOAD");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(pool(bouncer, alias).get("cl_waiting")).isEqualTo("1"));
        assertThat(heldQuery).isNotDone();
        bouncer.adminCommand("RESUME " + alias);

        assertThat(heldQuery.get(30, TimeUnit.SECONDS)).isEqualTo("target");
        assertThat(database(bouncer, alias))
                .containsEntry("paused", "0")
                .containsEntry("port", String.valueOf(env.target().port()));

        Files.writeString(bouncer.databasesFile(), "[databases]\n" + PgBouncer.databasesLine(alias,
                env.source().host(), env.source().port(), env.sourceDatabase()) + "\n", StandardCharsets.UTF_8);
        bouncer.adminCommand("RELOAD");
        assertThat(database(bouncer, alias)).containsEntry("port", String.valueOf(env.source().port()));
    }

    @Test
    void shouldRejectUnknownAdminCommandsWithTheConsoleMessage(EmbeddedEnvironment env) {
        assertThatThrownBy(() -> env.pgbouncer().adminCommand("SHOW NONSENSE"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("PgBouncer admin console rejected");
    }

    @Test
    void shouldShowWhyPgJdbcCannotLogInToThisAdminConsole(EmbeddedEnvironment env) {
        String version = env.pgbouncer().adminCommand("SHOW VERSION").get(0).values().iterator().next();
        Assumptions.assumeTrue(version.matches("PgBouncer 1\\.(1\\d|2[0-4])\\..*"),
                "PgBouncer " + version + " may accept pgJDBC on its admin console");

        assertThatThrownBy(() -> DriverManager.getConnection(env.pgbouncer().adminJdbcUrl()).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("SET failed");
    }

    @Test
    void shouldLeaveNoServerProcessAfterClose() {
        List<Long> pids;
        EmbeddedEnvironment separate = EmbeddedEnvironment.builder().start();
        try {
            pids = List.of(separate.source().pid(), separate.target().pid(), separate.kafka().pid(),
                    separate.pgbouncer().pid());
            assertThat(pids).allSatisfy(pid -> assertThat(isAlive(pid)).isTrue());
        } finally {
            separate.close();
        }

        assertThat(pids).allSatisfy(pid -> assertThat(isAlive(pid)).as("pid %d alive", pid).isFalse());
        assertThat(ProcessHandle.current().descendants()
                .map(handle -> handle.info().commandLine().orElse(""))
                .filter(command -> command.contains(separate.workDir().toString())))
                .isEmpty();
        assertThat(separate.workDir()).doesNotExist();
    }

    /** Running, not a zombie waiting for init to reap it (an orphaned postmaster is init's child). */
    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(Processes::isRunning).orElse(false);
    }

    private static Map<String, String> database(PgBouncer bouncer, String name) {
        return bouncer.adminCommand("SHOW DATABASES").stream()
                .filter(row -> name.equals(row.get("name")))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, String> pool(PgBouncer bouncer, String name) {
        return bouncer.adminCommand("SHOW POOLS").stream()
                .filter(row -> name.equals(row.get("database")))
                .findFirst()
                .orElse(Map.of());
    }

    private static String queryThroughBouncer(PgBouncer bouncer, String sql) {
        try (Connection client = DriverManager.getConnection(bouncer.clientJdbcUrl());
             Statement statement = client.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String show(Connection connection, String setting) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SHOW " + setting)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
