package io.baton.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PgBouncerTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            plain names stay bare          | app      | 127.0.0.1  | app        | app = host=127.0.0.1 port=5432 dbname=app
            alias with a dash is quoted    | app-db   | 127.0.0.1  | app        | "app-db" = host=127.0.0.1 port=5432 dbname=app
            double quote in alias doubled  | a"b      | localhost  | app        | "a""b" = host=localhost port=5432 dbname=app
            blank in dbname single-quoted  | app      | 127.0.0.1  | my db      | app = host=127.0.0.1 port=5432 dbname='my db'
            quote in dbname doubled        | app      | 127.0.0.1  | o'brien    | app = host=127.0.0.1 port=5432 dbname='o''brien'
            unix socket directory as host  | app      | /tmp/pg    | app        | app = host=/tmp/pg port=5432 dbname=app
            """)
    void shouldFormatDatabasesLine(String description, String alias, String host, String database, String expected) {
        assertThat(PgBouncer.databasesLine(alias, host, 5432, database)).isEqualTo(expected);
    }

    @Test
    void shouldRejectTheReservedAdminAlias() {
        assertThatThrownBy(() -> PgBouncer.databasesLine("pgbouncer", "127.0.0.1", 5432, "app"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("reserved for the admin console");
    }

    @Test
    void shouldRejectLineBreaksThatWouldInjectConfiguration() {
        assertThatThrownBy(() -> PgBouncer.databasesLine("app", "127.0.0.1", 5432, "app\n[pgbouncer]"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("line break");
    }

    @Test
    void shouldRejectEmptyValuesAndBadPorts() {
        assertThatThrownBy(() -> PgBouncer.databasesLine("app", "", 5432, "app"))
                .isInstanceOf(BatonException.class).hasMessageContaining("host is empty");
        assertThatThrownBy(() -> PgBouncer.databasesLine("app", "127.0.0.1", 0, "app"))
                .isInstanceOf(BatonException.class).hasMessageContaining("out of range");
    }

    @Test
    void shouldIncludeTheDatabasesFileLastInTheMainIni() {
        String ini = PgBouncerConfig.mainIni(6432, Path.of("/tmp/s"), Path.of("/w/userlist.txt"),
                Path.of("/w/pgbouncer.log"), Path.of("/w/pgbouncer.pid"), Path.of("/w/databases.ini"));

        assertThat(ini).contains("pool_mode = transaction", "auth_type = trust", "admin_users = postgres",
                "ignore_startup_parameters = extra_float_digits,options", "listen_addr = 127.0.0.1",
                "listen_port = 6432", "unix_socket_dir = /tmp/s");
        assertThat(ini.strip()).endsWith("%include /w/databases.ini");
        assertThat(ini.lines()).doesNotContain("[databases]");
        assertThat(io.baton.pgbouncer.DatabasesSection.file("app = host=h port=1 dbname=d"))
                .isEqualTo("[databases]\napp = host=h port=1 dbname=d\n");
    }
}
