package io.baton.embedded;

import io.baton.BatonException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Renders PgBouncer's configuration files for {@link PgBouncer}. */
final class PgBouncerConfig {


    private PgBouncerConfig() {
    }

    /**
     * Renders pgbouncer.ini: transaction pooling, trust authentication against {@code authFile}, admin
     * user postgres, listening on 127.0.0.1:{@code port} and in {@code socketDir}, and finally
     * {@code %include <databasesFile>}, the file that holds the {@code [databases]} section.
     */
    static String mainIni(int port, Path socketDir, Path authFile, Path logFile, Path pidFile, Path databasesFile) {
        return String.join("\n",
                "; Written by Baton's PgBouncer launcher. [databases] lives in the %include-d file at the end,",
                "; which the cutover router rewrites before issuing RELOAD on the admin console.",
                "[pgbouncer]",
                "listen_addr = " + Ports.LOOPBACK,
                "listen_port = " + port,
                "unix_socket_dir = " + socketDir,
                "auth_type = trust",
                "auth_file = " + authFile,
                "admin_users = " + OsAccounts.POSTGRES,
                "stats_users = " + OsAccounts.POSTGRES,
                "pool_mode = transaction",
                "ignore_startup_parameters = extra_float_digits,options",
                "max_client_conn = 500",
                "default_pool_size = 40",
                "server_reset_query =",
                "server_check_delay = 1",
                "server_login_retry = 1",
                "server_connect_timeout = 5",
                "logfile = " + logFile,
                "pidfile = " + pidFile,
                "%include " + databasesFile,
                "");
    }

    /** Renders the auth file: user postgres with an empty password (authentication is trust). */
    static String authFile() {
        return "\"" + OsAccounts.POSTGRES + "\" \"\"\n";
    }

}
