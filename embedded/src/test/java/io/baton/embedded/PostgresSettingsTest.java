package io.baton.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PostgresSettingsTest {

    @Test
    void shouldAskForLogicalWalAndRealDurability() {
        assertThat(PostgresSettings.forServer(Path.of("/tmp/sock")))
                .containsEntry("wal_level", "logical")
                .containsEntry("fsync", "on")
                .containsEntry("synchronous_commit", "on")
                .containsEntry("full_page_writes", "on")
                .containsEntry("max_replication_slots", "20")
                .containsEntry("max_wal_senders", "20")
                .containsEntry("max_connections", "200")
                .containsEntry("listen_addresses", "127.0.0.1")
                .containsEntry("unix_socket_directories", "/tmp/sock");
    }

    @Test
    void shouldQuoteConfValues() {
        assertThat(PostgresSettings.confLine("unix_socket_directories", "/tmp/it's"))
                .isEqualTo("unix_socket_directories = '/tmp/it''s'");
    }

    @Test
    void shouldReplaceSocketDirectoriesThatAreTooLongOrHoldBlanks() {
        assertThat(SocketDirectory.isUsable("/tmp/baton-env-123/source/socket")).isTrue();
        assertThat(SocketDirectory.isUsable("/tmp/with blank/socket")).isFalse();
        assertThat(SocketDirectory.isUsable("/tmp/" + "x".repeat(100))).isFalse();
    }

    @Test
    void shouldQuoteIdentifiers() {
        assertThat(PostgresServer.quoteIdentifier("app")).isEqualTo("\"app\"");
        assertThat(PostgresServer.quoteIdentifier("a\"b")).isEqualTo("\"a\"\"b\"");
    }
}
