package io.baton.embedded;

import java.nio.file.Path;
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

    /** Renders one {@code postgresql.conf} line, single-quoting the value. */
    static String confLine(String name, String value) {
        return name + " = '" + value.replace("'", "''") + "'";
    }
}
