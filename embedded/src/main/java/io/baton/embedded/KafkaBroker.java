package io.baton.embedded;

import io.baton.BatonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in KRaft mode (one node that is broker and controller, {@code node.id=1}) running
 * in a child JVM started from this JVM's classpath, which must hold {@code kafka_2.13} and should hold
 * an SLF4J binding (logback-classic) for the broker to log.
 *
 * <p>It listens on 127.0.0.1 (PLAINTEXT on one free port, CONTROLLER on another), or, when started
 * with a certificate ({@link #start(Path, ServerTls, Path)}), speaks TLS only: SSL on the client port,
 * which is also the inter-broker listener, and SSL on the CONTROLLER port, so that no port of the
 * broker accepts a plain-text client. Internal topics have
 * replication factor 1; topics are created automatically with one partition. Files live in
 * {@code <workDir>/kafka/}: {@code server.properties}, {@code data/} (log dirs and metadata, emptied on
 * start), {@code broker.log} (the broker's output) and {@code format.log}. The child JVM gets
 * {@code -Xmx512m}. Instances are safe for use by several threads.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Path directory;
    private final int port;
    private final List<String> classpath;
    private final Path caCertificate;
    private Process process;
    private boolean closed;

    private KafkaBroker(Path directory, int port, List<String> classpath, Path caCertificate) {
        this.directory = directory;
        this.port = port;
        this.classpath = classpath;
        this.caCertificate = caCertificate;
    }

    /**
     * Writes the configuration into {@code <workDir>/kafka/}, formats the storage with a new cluster id
     * and starts the broker; blocks until an admin client's {@code describeCluster()} succeeds (at
     * most 60 s; a format run adds about 2 s).
     *
     * @param workDir directory that holds the broker's directory; created if missing
     * @return the running broker; never null
     * @throws BatonException if kafka_2.13 is not on the classpath, formatting fails, or the broker is not
     *     ready within 60 s (the message holds the tail of broker.log)
     */
    public static KafkaBroker start(Path workDir) {
        return start(workDir, null, null);
    }

    /**
     * As {@link #start(Path)}, serving TLS only when a certificate is given. Its key is copied into
     * {@code server.properties} (PEM, inline; see {@link KafkaServerProperties.Tls} for why), which is then
     * made readable by its owner only (mode 0600) where the file system has POSIX permissions. Clients
     * connect with {@link #clientProperties()}.
     *
     * @param workDir directory that holds the broker's directory; created if missing
     * @param tls the server certificate (valid for 127.0.0.1: clients check the host name) and its
     *     unencrypted PKCS#8 key, or null for plain text
     * @param caCertificate the PEM certificate of the CA that signed {@code tls}, which the broker trusts
     *     when it connects to itself; null exactly when {@code tls} is null
     * @return the running broker; never null
     * @throws BatonException as {@link #start(Path)} does, if only one of {@code tls} and
     *     {@code caCertificate} is given, or if the certificate or key cannot be read
     */
    public static KafkaBroker start(Path workDir, ServerTls tls, Path caCertificate) {
        Objects.requireNonNull(workDir, "workDir");
        if ((tls == null) != (caCertificate == null)) {
            throw new BatonException("A TLS Kafka broker needs both a server certificate and its CA certificate (given: "
                    + tls + ", " + caCertificate + ")");
        }
        Path directory = workDir.resolve("kafka").toAbsolutePath().normalize();
        List<String> classpath = ChildJvm.expand(System.getProperty("java.class.path", ""));
        ChildJvm.requireOnClasspath("kafka.Kafka", classpath);
        ChildJvm.requireOnClasspath(ParentWatchingMain.class.getName(), classpath);
        KafkaServerProperties.Tls brokerTls = tls == null ? null : readTls(tls, caCertificate);
        int port = Ports.freePort();
        int controllerPort = Ports.freePort();
        try {
            Files.createDirectories(directory);
            FileTrees.deleteQuietly(directory.resolve("data"));
            Path serverProperties = directory.resolve("server.properties");
            if (brokerTls != null) {
                Files.writeString(serverProperties, "", StandardCharsets.UTF_8);
                ownerOnly(serverProperties);
            }
            Files.writeString(serverProperties,
                    KafkaServerProperties.render(port, controllerPort, directory.resolve("data"), brokerTls),
                    StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("logback.xml"), KafkaServerProperties.logbackXml(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BatonException("Cannot write the Kafka configuration to " + directory + ": " + e.getMessage()
                    + "; check that the work directory is writable", e);
        }
        if (ClassLoader.getSystemResource("ch/qos/logback/classic/Logger.class") == null) {
            LOG.warn("logback-classic is not on the classpath: the Kafka broker in {} will not log", directory);
        }
        KafkaBroker broker = new KafkaBroker(directory, port, classpath,
                caCertificate == null ? null : caCertificate.toAbsolutePath());
        broker.format();
        broker.launch();
        return broker;
    }

    /** The bootstrap servers for clients: {@code "127.0.0.1:<port>"}. */
    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    /** The port clients connect to: PLAINTEXT, or SSL when {@link #isTls()}. */
    public int port() {
        return port;
    }

    /** Returns whether the broker speaks TLS only (started with a certificate). */
    public boolean isTls() {
        return caCertificate != null;
    }

    /**
     * The client settings, besides {@code bootstrap.servers}, that a Kafka client needs to talk to this
     * broker, by Kafka's client configuration names: none for a plain-text broker; for a TLS one
     * {@code security.protocol=SSL}, {@code ssl.truststore.type=PEM}, {@code ssl.truststore.location} (the
     * CA certificate) and {@code ssl.endpoint.identification.algorithm=https} (the host name is checked).
     *
     * @return an unmodifiable map, sorted by name; never null
     */
    public Map<String, String> clientProperties() {
        if (caCertificate == null) {
            return Map.of();
        }
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(Map.of(
                "security.protocol", "SSL",
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", caCertificate.toString(),
                "ssl.endpoint.identification.algorithm", "https")));
    }

    /** The broker's directory ({@code <workDir>/kafka}). */
    public Path directory() {
        return directory;
    }

    /** The broker's log file (stdout and stderr of the child JVM). */
    public Path logFile() {
        return directory.resolve("broker.log");
    }

    /** The process id of the broker's JVM (the latest one after {@link #restart()}). */
    public synchronized long pid() {
        return process.pid();
    }

    /** Returns whether the broker's JVM is running. */
    public synchronized boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Kills the broker's JVM with SIGKILL (no controlled shutdown), for fault tests, and waits for it to
     * exit. Data stays; {@link #restart()} brings it back on the same ports.
     */
    public synchronized void kill() {
        try {
            if (!process.destroyForcibly().waitFor(10, TimeUnit.SECONDS)) {
                LOG.warn("Kafka broker {} (pid {}) still runs 10 s after SIGKILL", bootstrapServers(), process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Kafka broker {} killed (SIGKILL)", bootstrapServers());
    }

    /**
     * Starts the broker again on the same ports and data after {@link #kill()} or a crash (stopping it
     * first if it still runs); blocks until it is ready again.
     *
     * @throws BatonException if it is closed or not ready within 60 s
     */
    public synchronized void restart() {
        if (closed) {
            throw new BatonException("Kafka broker " + bootstrapServers() + " is closed: start a new one");
        }
        Processes.stop(process.toHandle(), STOP_GRACE);
        launch();
    }

    /**
     * Stops the broker: SIGTERM (controlled shutdown), then SIGKILL after 10 s. Waits for the JVM to
     * exit. Idempotent; never throws.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (process != null && !Processes.stop(process.toHandle(), STOP_GRACE)) {
            LOG.warn("Kafka broker {} did not stop within {} s and was killed", bootstrapServers(),
                    STOP_GRACE.toSeconds());
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + (isTls() ? ", TLS" : "") + "]";
    }

    private static KafkaServerProperties.Tls readTls(ServerTls tls, Path caCertificate) {
        try {
            return new KafkaServerProperties.Tls(Files.readString(tls.certificate(), StandardCharsets.US_ASCII),
                    Files.readString(tls.privateKey(), StandardCharsets.US_ASCII), caCertificate.toAbsolutePath());
        } catch (IOException e) {
            throw new BatonException("Cannot read the Kafka broker's certificate or key (" + tls.certificate() + ", "
                    + tls.privateKey() + "): " + e.getMessage(), e);
        }
    }

    /** Makes a file readable and writable by its owner only, where the file system has POSIX permissions. */
    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            LOG.debug("{} has no POSIX permissions: the Kafka key in it keeps the default ones", file);
        }
    }

    /**
     * Formats the storage. Eligible leader replicas (KIP-966, on by default for clusters formatted by
     * Kafka 4.1 and later) are turned off: with them, the only replica of a partition leaves the ISR
     * when its broker is fenced, and after a SIGKILL it comes back through an unclean election
     * ("UNCLEAN partition change ... leaderRecoveryState: RECOVERED -> RECOVERING"), which Kafka
     * does not guarantee for transactions (KAFKA-20716: a missing transaction marker leaves
     * read_committed consumers, Kafka Streams with exactly-once among them, stuck). Without them the
     * replica stays in the ISR while fenced and leads again cleanly once the broker is back.
     */
    private void format() {
        List<String> command = javaCommand("-Xmx256m");
        command.addAll(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "--feature", "eligible.leader.replicas.version=0",
                "-c", directory.resolve("server.properties").toString()));
        Processes.run("Kafka storage format in " + directory, command, directory.resolve("format.log"),
                Duration.ofSeconds(120));
    }

    private synchronized void launch() {
        List<String> command = javaCommand("-Xmx512m");
        command.addAll(List.of(ParentWatchingMain.class.getName(), String.valueOf(ProcessHandle.current().pid()),
                "kafka.Kafka", directory.resolve("server.properties").toString()));
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
        } catch (IOException e) {
            throw new BatonException("Cannot start the Kafka broker JVM (" + command.get(0) + "): " + e.getMessage()
                    + "; check that the JDK is intact", e);
        }
        try {
            awaitReady();
        } catch (RuntimeException e) {
            Processes.stop(process.toHandle(), Duration.ZERO);
            throw e;
        }
    }

    private List<String> javaCommand(String heap) {
        return new ArrayList<>(List.of(ChildJvm.javaExecutable(), heap,
                "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                "-Dlogback.configurationFile=" + directory.resolve("logback.xml"),
                "-cp", String.join(java.io.File.pathSeparator, classpath)));
    }

    private void awaitReady() {
        long started = System.nanoTime();
        try {
            if (!Ports.awaitOpen(port, READY_TIMEOUT, process)) {
                throw notReady(started, null);
            }
            Map<String, Object> config = new java.util.HashMap<>(clientProperties());
            config.putAll(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    AdminClientConfig.CLIENT_ID_CONFIG, "baton-embedded-readiness",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
            Exception last = null;
            try (Admin admin = Admin.create(config)) {
                while (Processes.elapsedMillis(started) < READY_TIMEOUT.toMillis() && process.isAlive()) {
                    try {
                        if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                            return;
                        }
                    } catch (ExecutionException | TimeoutException e) {
                        last = e;
                    }
                    Thread.sleep(100);
                }
            }
            throw notReady(started, last);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatonException("Interrupted while waiting for the Kafka broker at " + bootstrapServers(), e);
        }
    }

    private BatonException notReady(long started, Exception cause) {
        String state = process.isAlive() ? "is running but not ready"
                : "exited with code " + process.exitValue();
        return new BatonException("Kafka broker at " + bootstrapServers() + " " + state + " after "
                + Processes.elapsedMillis(started) + " ms (limit " + READY_TIMEOUT.toMillis() + " ms); see "
                + logFile() + ":\n" + Processes.tail(logFile(), 30), cause);
    }
}
