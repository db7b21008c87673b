package io.baton.embedded;

import io.baton.BatonException;
import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PgBouncer (the operating system's package, {@code apt-get install -y pgbouncer}) in front of one
 * database, in transaction pooling mode, on 127.0.0.1 on a free port. Clients connect to the alias
 * without a password as user postgres; the admin console (database {@code pgbouncer}) accepts user
 * postgres.
 *
 * <p>PgBouncer refuses to run as root, so when this JVM is root it is started with {@code -u postgres}
 * and its directory {@code <workDir>/pgbouncer/} is owned by the OS user postgres. That directory holds
 * {@code pgbouncer.ini}, which {@code %include}s {@code databases.ini} (only the {@code [databases]}
 * section, rewritten by the cutover router before a RELOAD; keep it readable by user postgres),
 * {@code userlist.txt}, {@code pgbouncer.log}, {@code pgbouncer.pid}, {@code pgbouncer.out} (stderr)
 * and the Unix socket. Instances are safe for use by several threads.
 */
public final class PgBouncer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PgBouncer.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
    private static final List<Path> BINARY_CANDIDATES = List.of(
            Path.of("/usr/sbin/pgbouncer"), Path.of("/usr/bin/pgbouncer"), Path.of("/usr/local/bin/pgbouncer"),
            Path.of("/usr/local/sbin/pgbouncer"));

    private final Path directory;
    private final String alias;
    private final int port;
    private final Process process;
    private final SocketDirectory socketDirectory;
    private boolean closed;

    private PgBouncer(Path directory, String alias, int port, Process process, SocketDirectory socketDirectory) {
        this.directory = directory;
        this.alias = alias;
        this.port = port;
        this.process = process;
        this.socketDirectory = socketDirectory;
    }

    /**
     * Writes the configuration into {@code <workDir>/pgbouncer/} and starts PgBouncer with one database
     * alias; blocks until the admin console answers {@code SHOW DATABASES} (at most 20 s).
     *
     * @param workDir directory that holds PgBouncer's directory; created if missing
     * @param alias the database name clients use; not empty, not "pgbouncer"
     * @param serverHost host of the PostgreSQL server behind it, for example "127.0.0.1"
     * @param serverPort port of that server
     * @param serverDatabase the database on that server
     * @return the running PgBouncer; never null
     * @throws BatonException if PgBouncer is not installed ("run `apt-get install -y pgbouncer`"), the OS
     *     user postgres is missing, or it does not start (the message holds the log tail)
     */
    public static PgBouncer start(Path workDir, String alias, String serverHost, int serverPort,
                                  String serverDatabase) {
        Objects.requireNonNull(workDir, "workDir");
        String databasesLine = databasesLine(alias, serverHost, serverPort, serverDatabase);
        Path binary = findBinary();
        Path ownedRoot = workDir.toAbsolutePath().normalize();
        Path directory = ownedRoot.resolve("pgbouncer");
        FileTrees.deleteQuietly(directory);
        SocketDirectory sockets = SocketDirectory.choose(directory.resolve("socket"));
        int port = Ports.freePort();
        try {
            Path databases = directory.resolve("databases.ini");
            Files.writeString(databases, io.baton.pgbouncer.DatabasesSection.file(databasesLine), StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("userlist.txt"), PgBouncerConfig.authFile(), StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("pgbouncer.ini"), PgBouncerConfig.mainIni(port, sockets.path(),
                    directory.resolve("userlist.txt"), directory.resolve("pgbouncer.log"),
                    directory.resolve("pgbouncer.pid"), databases), StandardCharsets.UTF_8);
        } catch (IOException e) {
            sockets.close();
            throw new BatonException("Cannot write the PgBouncer configuration to " + directory + ": "
                    + e.getMessage() + "; check that the work directory is writable", e);
        }
        OsAccounts.prepareDirectoryForPostgres(directory, ownedRoot);
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        if (OsAccounts.isRoot()) {
            command.addAll(List.of("-u", OsAccounts.POSTGRES));
        }
        command.add(directory.resolve("pgbouncer.ini").toString());
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("pgbouncer.out").toFile()))
                    .start();
        } catch (IOException e) {
            sockets.close();
            throw new BatonException("Cannot start " + binary + ": " + e.getMessage()
                    + "; check that it is executable", e);
        }
        PgBouncer bouncer = new PgBouncer(directory, alias, port, process, sockets);
        try {
            bouncer.awaitReady();
        } catch (RuntimeException e) {
            bouncer.close();
            throw e;
        }
        return bouncer;
    }

    /**
     * Formats one {@code [databases]} line, {@code alias = host=H port=P dbname=D}; the single place that
     * does. The alias is double-quoted unless it matches {@code [_0-9A-Za-z]+}; host and dbname are
     * single-quoted unless they are plain, with embedded quotes doubled.
     *
     * @param alias database name clients use; not empty, not "pgbouncer"
     * @param host server host or IP address (or a Unix socket directory starting with "/")
     * @param port server port, 1 to 65535
     * @param database database name on the server
     * @return the line, without a line break
     * @throws BatonException if a value is empty or holds a line break, the alias is "pgbouncer", or the
     *     port is out of range
     */
    public static String databasesLine(String alias, String host, int port, String database) {
        return io.baton.pgbouncer.DatabasesSection.databasesLine(alias, host, port, database);
    }

    /** The address PgBouncer listens on: always {@code "127.0.0.1"}. */
    public String host() {
        return Ports.LOOPBACK;
    }

    /** The TCP port PgBouncer listens on. */
    public int port() {
        return port;
    }

    /** The database name clients use (the {@code [databases]} alias). */
    public String alias() {
        return alias;
    }

    /** PgBouncer's directory ({@code <workDir>/pgbouncer}). */
    public Path directory() {
        return directory;
    }

    /**
     * The file that holds the {@code [databases]} section, {@code %include}d by pgbouncer.ini. Rewrite it
     * (lines from {@link #databasesLine}) and issue {@code RELOAD} to repoint the alias; it must stay
     * readable by the OS user postgres.
     */
    public Path databasesFile() {
        return directory.resolve("databases.ini");
    }

    /** PgBouncer's log file. */
    public Path logFile() {
        return directory.resolve("pgbouncer.log");
    }

    /** The process id of PgBouncer. */
    public long pid() {
        return process.pid();
    }

    /**
     * The pgJDBC URL for clients:
     * {@code jdbc:postgresql://127.0.0.1:<port>/<alias>?user=postgres&prepareThreshold=0&preferQueryMode=simple}
     * (no server-side prepared statements, as transaction pooling requires).
     */
    public String clientJdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + URLEncoder.encode(alias, StandardCharsets.UTF_8)
                + "?user=" + OsAccounts.POSTGRES + "&prepareThreshold=0&preferQueryMode=simple";
    }

    /**
     * The pgJDBC URL of the admin console (database {@code pgbouncer}, user postgres, simple query mode).
     *
     * <p>Caution: pgJDBC 42.7.5 and later cannot log in with it to PgBouncer before 1.25 (Debian 12 ships
     * 1.18): the console reports its own version as server_version, so pgJDBC sends
     * {@code SET extra_float_digits = 2}, which the console rejects with "SET failed". Use
     * {@link #adminCommand(String)} instead.
     */
    public String adminJdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port + "/pgbouncer?user=" + OsAccounts.POSTGRES
                + "&preferQueryMode=simple";
    }

    /**
     * Runs one admin console command (for example {@code SHOW DATABASES}, {@code PAUSE app},
     * {@code RELOAD}, {@code RESUME app}) over a new connection, with a minimal wire-protocol client.
     *
     * @param command the command text; not null
     * @return the rows, each a map from column name to text value (null for NULL) in column order; empty
     *     for commands without rows
     * @throws BatonException if the console cannot be reached (retriable) or rejects the command
     */
    public List<Map<String, String>> adminCommand(String command) {
        Objects.requireNonNull(command, "command");
        return io.baton.pgbouncer.AdminConsole.execute(host(), port, "pgbouncer", OsAccounts.POSTGRES, command, ADMIN_TIMEOUT);
    }

    /**
     * Stops PgBouncer (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. Idempotent; never throws.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!Processes.stop(process.toHandle(), Duration.ofSeconds(5))) {
            LOG.warn("PgBouncer on port {} did not stop within 5 s and was killed", port);
        }
        socketDirectory.close();
    }

    @Override
    public String toString() {
        return "PgBouncer[" + host() + ":" + port + "/" + alias + "]";
    }

    private void awaitReady() {
        long started = System.nanoTime();
        try {
            if (!Ports.awaitOpen(port, READY_TIMEOUT, process)) {
                throw notReady(started, null);
            }
            BatonException last = null;
            while (Processes.elapsedMillis(started) < READY_TIMEOUT.toMillis() && process.isAlive()) {
                try {
                    adminCommand("SHOW DATABASES");
                    return;
                } catch (BatonException e) {
                    last = e;
                }
                Thread.sleep(50);
            }
            throw notReady(started, last);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatonException("Interrupted while waiting for PgBouncer on port " + port, e);
        }
    }

    private BatonException notReady(long started, Exception cause) {
        String state = process.isAlive() ? "is running but not ready" : "exited with code " + process.exitValue();
        return new BatonException("PgBouncer on " + host() + ":" + port + " " + state + " after "
                + Processes.elapsedMillis(started) + " ms; see " + logFile() + ":\n" + Processes.tail(logFile(), 15)
                + "\nand " + directory.resolve("pgbouncer.out") + ":\n"
                + Processes.tail(directory.resolve("pgbouncer.out"), 10), cause);
    }

    private static Path findBinary() {
        String override = System.getProperty("baton.pgbouncer.binary");
        if (override != null) {
            Path binary = Path.of(override);
            if (!Files.isExecutable(binary)) {
                throw new BatonException("System property baton.pgbouncer.binary=" + override
                        + " is not an executable file: point it at the pgbouncer binary");
            }
            return binary;
        }
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "pgbouncer"));
        Optional<Path> found = Stream.concat(BINARY_CANDIDATES.stream(), onPath).filter(Files::isExecutable).findFirst();
        return found.orElseThrow(() -> new BatonException(
                "PgBouncer is not installed: run `apt-get install -y pgbouncer` (as root)"));
    }
}
