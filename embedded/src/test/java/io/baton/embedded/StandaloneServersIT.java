package io.baton.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import io.baton.BatonException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

class StandaloneServersIT {

    @TempDir
    Path workDir;

    @Test
    void shouldRunTheSystemFlavorAsThePostgresUser() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/usr/lib/postgresql")),
                "no system PostgreSQL (apt-get install -y postgresql)");
        long pid;
        try (PostgresServer server = PostgresServer.start("sys", workDir, PostgresServer.Flavor.SYSTEM)) {
            pid = server.pid();
            server.createDatabase("app");
            try (Connection connection = server.connect("app");
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(
                         "SELECT current_setting('wal_level'), current_setting('fsync'), current_user")) {
                rows.next();
                assertThat(rows.getString(1)).isEqualTo("logical");
                assertThat(rows.getString(2)).isEqualTo("on");
                assertThat(rows.getString(3)).isEqualTo("postgres");
            }
        }
        assertThat(ProcessHandle.of(pid).map(Processes::isRunning).orElse(false)).isFalse();
    }

    @Test
    void shouldComeBackAfterKafkaIsKilled() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(workDir)) {
            long firstPid = broker.pid();
            broker.kill();
            assertThat(broker.isAlive()).isFalse();

            broker.restart();

            assertThat(broker.pid()).isNotEqualTo(firstPid);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            }
        }
    }

    @Nested
    @ExtendWith(EmbeddedEnvironmentExtension.class)
    @EmbeddedEnvironmentOptions(kafka = false, pgbouncer = false, sourceDatabase = "shop", targetDatabase = "shop_v2")
    class WithOnlyTheClusters {

        private final EmbeddedEnvironment env;

        WithOnlyTheClusters(EmbeddedEnvironment env) {
            this.env = env;
        }

        @Test
        void shouldStartTheClustersWithTheRequestedDatabasesOnly() throws Exception {
            assertThat(env.hasKafka()).isFalse();
            assertThat(env.hasPgBouncer()).isFalse();
            assertThatThrownBy(env::kafka).isInstanceOf(BatonException.class).hasMessageContaining("withKafka(true)");
            try (Connection source = env.source().connect("shop"); Connection target = env.target().connect("shop_v2")) {
                assertThat(source.getCatalog()).isEqualTo("shop");
                assertThat(target.getCatalog()).isEqualTo("shop_v2");
            }
        }

        @Test
        void shouldHandTheSameEnvironmentToEveryTestOfTheClass(EmbeddedEnvironment injected) {
            assertThat(injected).isSameAs(env);
        }
    }
}
