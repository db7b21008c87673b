package io.baton.embedded;

import io.baton.BatonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/** The server settings every Baton test or demo cluster runs with, whatever its flavor. */
final class PostgresSettings {

    private PostgresSettings() {
    }

    /**
     * Returns the settings (name to value, in a stable order): logical decoding on, real durability
     * (fsync, synchronous_commit, full_page_writes on), loopback only, and sockets in
     * {@code socketDirectory}.
     */
    static Map<String, String> forServer(Path socketDirectory) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", Ports.LOOPBACK);
        settings.put("unix_socket_directories", socketDirectory.toString());
        settings.put("wal_level", "logical");
        settings.put("max_replication_slots", "20");
        settings.put("max_wal_senders", "20");
        settings.put("fsync", "on");
        settings.put("synchronous_commit", "on");
        settings.put("full_page_writes", "on");
        settings.put("max_connections", "200");
        settings.put("timezone", "UTC");
        return settings;
    }

    /**
     * Prepares a TLS-only server in {@code serverDir}: copies the certificate and key into
     * {@code serverDir/tls/} (key mode 0600: the server refuses a key others can read), writes
     * {@code serverDir/pg_hba.conf} (Unix sockets trusted; TCP from loopback trusted over TLS only,
     * {@code hostssl}; TCP without TLS rejected, {@code hostnossl ... reject}) and returns the
     * settings that use them, with {@code log_connections} on so that the log shows how each client
     * connected. The files belong to this JVM's user; the system flavor hands
     * {@code serverDir} to the postgres user before start, and the embedded flavor runs the server as
     * this user (in a user namespace when root), so the server owns its key either way.
     *
     * @throws BatonException if the files cannot be copied or written
     */
    static Map<String, String> tlsOnly(Path serverDir, ServerTls tls) {
        Path dir = serverDir.resolve("tls");
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        Path hba = serverDir.resolve("pg_hba.conf");
        try {
            Files.createDirectories(dir);
            Files.copy(tls.certificate(), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(tls.privateKey(), key, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(cert, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(hba, String.join("\n",
                    "# TLS only over TCP: a client that does not use TLS is refused",
                    "local     all          all                 trust",
                    "local     replication  all                 trust",
                    "hostssl   all          all  127.0.0.1/32   trust",
                    "hostssl   replication  all  127.0.0.1/32   trust",
                    "hostssl   all          all  ::1/128        trust",
                    "hostssl   replication  all  ::1/128        trust",
                    "hostnossl all          all  0.0.0.0/0      reject",
                    "hostnossl replication  all  0.0.0.0/0      reject",
                    "hostnossl all          all  ::/0           reject",
                    "hostnossl replication  all  ::/0           reject", ""));
        } catch (IOException e) {
            throw new BatonException("Cannot prepare the TLS files of " + serverDir + " from " + tls + ": " + e.getMessage()
                    + "; check that the certificate and key exist and are readable", e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("ssl", "on");
        settings.put("ssl_cert_file", cert.toString());
        settings.put("ssl_key_file", key.toString());
        settings.put("hba_file", hba.toString());
        // every connection's TLS protocol in the server log ("connection authorized: ... SSL enabled")
        settings.put("log_connections", "on");
        return settings;
    }

    /** Renders one {@code postgresql.conf} line, single-quoting the value. */
    static String confLine(String name, String value) {
        return name + " = '" + value.replace("'", "''") + "'";
    }
}
