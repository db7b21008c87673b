package io.baton.embedded;

import io.baton.BatonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a migration needs, on loopback: a source and a target {@link PostgresServer}, a
 * {@link KafkaBroker} and a {@link PgBouncer} in front of the source database, all under one work
 * directory. The two clusters and the broker start in parallel; PgBouncer starts once the source
 * database exists.
 *
 * <p>A JVM shutdown hook stops everything on Ctrl-C; {@link #close()} stops everything in reverse order
 * and removes the hook. A work directory that this class created itself (no
 * {@link Builder#workDir(Path)} given) is deleted on close, unless the system property
 * {@code baton.embedded.keep} is {@code true}; servers left running in such a directory by a JVM that
 * was killed (SIGKILL) are stopped, and the directory deleted, when the next environment starts.
 * Instances are safe for use by several threads.
 */
public final class EmbeddedEnvironment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedEnvironment.class);

    private final Path workDir;
    private final boolean deleteWorkDir;
    private final String sourceDatabase;
    private final String targetDatabase;
    private final PostgresServer source;
    private final PostgresServer target;
    private final KafkaBroker kafka;
    private final PgBouncer pgbouncer;
    private final CertificateAuthority authority;
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedEnvironment(Builder options, Path workDir, boolean deleteWorkDir, Components started) {
        this.workDir = workDir;
        this.deleteWorkDir = deleteWorkDir;
        this.sourceDatabase = options.sourceDatabase;
        this.targetDatabase = options.targetDatabase;
        this.source = started.source;
        this.target = started.target;
        this.kafka = started.kafka;
        this.pgbouncer = started.pgbouncer;
        this.authority = started.authority;
        this.shutdownHook = new Thread(this::stopAll, "baton-embedded-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Returns a builder with the defaults: EMBEDDED PostgreSQL, databases "app", Kafka and PgBouncer on. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts an environment with the defaults in a new temporary work directory.
     *
     * @throws BatonException if a component fails to start (the others are stopped again)
     */
    public static EmbeddedEnvironment start() {
        return builder().start();
    }

    /** The source cluster; its database {@link #sourceDatabase()} exists. */
    public PostgresServer source() {
        return source;
    }

    /** The target cluster; its database {@link #targetDatabase()} exists. */
    public PostgresServer target() {
        return target;
    }

    /** The name of the database created on the source (default "app"). */
    public String sourceDatabase() {
        return sourceDatabase;
    }

    /** The name of the database created on the target (default "app"). */
    public String targetDatabase() {
        return targetDatabase;
    }

    /**
     * The Kafka broker.
     *
     * @throws BatonException if the environment was built with {@code withKafka(false)}
     */
    public KafkaBroker kafka() {
        if (kafka == null) {
            throw new BatonException("This embedded environment has no Kafka broker: build it with withKafka(true)");
        }
        return kafka;
    }

    /**
     * PgBouncer in front of the source database.
     *
     * @throws BatonException if the environment was built with {@code withPgBouncer(false)}
     */
    public PgBouncer pgbouncer() {
        if (pgbouncer == null) {
            throw new BatonException("This embedded environment has no PgBouncer: build it with withPgBouncer(true)");
        }
        return pgbouncer;
    }

    /**
     * The CA that signed the certificate of both clusters (with {@code withTls(true)}) and of the Kafka
     * broker (with {@code withKafkaTls(true)}); its {@link CertificateAuthority#certificate()} is what
     * clients name in {@code sslrootcert} or {@code ssl.truststore.location}.
     *
     * @throws BatonException if the environment was built with neither {@code withTls(true)} nor
     *     {@code withKafkaTls(true)}
     */
    public CertificateAuthority certificateAuthority() {
        if (authority == null) {
            throw new BatonException("This embedded environment serves no TLS: build it with withTls(true) or"
                    + " withKafkaTls(true)");
        }
        return authority;
    }

    /** Returns whether a Kafka broker was started. */
    public boolean hasKafka() {
        return kafka != null;
    }

    /** Returns whether PgBouncer was started. */
    public boolean hasPgBouncer() {
        return pgbouncer != null;
    }

    /** The work directory that holds every component's files. */
    public Path workDir() {
        return workDir;
    }

    /**
     * Stops PgBouncer, Kafka, the target and the source, in that order, trying every one even if an
     * earlier one fails; removes the shutdown hook. Idempotent.
     *
     * @throws BatonException if a component failed to stop (the others' failures are suppressed in it)
     */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or will run stopAll itself
        }
        BatonException failure = stopAll();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "EmbeddedEnvironment[" + workDir + "]";
    }

    private synchronized BatonException stopAll() {
        if (closed) {
            return null;
        }
        closed = true;
        BatonException failure = closeAll(workDir, pgbouncer, kafka, target, source);
        if (deleteWorkDir && !Boolean.getBoolean("baton.embedded.keep")) {
            FileTrees.deleteQuietly(workDir);
        }
        return failure;
    }

    /** Closes every non-null component in order; returns the first failure with the rest suppressed. */
    static BatonException closeAll(Path workDir, AutoCloseable... components) {
        BatonException failure = null;
        for (AutoCloseable component : components) {
            if (component == null) {
                continue;
            }
            try {
                component.close();
            } catch (Exception | Error e) {
                if (failure == null) {
                    failure = new BatonException("Stopping the embedded environment in " + workDir
                            + " failed: " + e + "; check for leftover processes (ps -ef | grep -E 'postgres|pgbouncer|kafka')", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }

    /** The components, as they come up during start. */
    private static final class Components {
        private volatile PostgresServer source;
        private volatile PostgresServer target;
        private volatile KafkaBroker kafka;
        private volatile PgBouncer pgbouncer;
        private volatile CertificateAuthority authority;
    }

    /** Options for {@link EmbeddedEnvironment}; every setter returns this builder. */
    public static final class Builder {
        private Path workDir;
        private PostgresServer.Flavor flavor = PostgresServer.Flavor.EMBEDDED;
        private String sourceDatabase = "app";
        private String targetDatabase = "app";
        private String pgbouncerAlias = "app";
        private boolean kafka = true;
        private boolean pgbouncer = true;
        private boolean tls;
        private boolean kafkaTls;

        private Builder() {
        }

        /**
         * Whether the Kafka broker serves TLS only; default false. The broker gets a server certificate
         * for {@code localhost} and {@code 127.0.0.1} signed by the environment's
         * {@link CertificateAuthority} (the same one as the clusters' with {@link #withTls(boolean)}),
         * and no listener of it speaks plain text (see {@link KafkaBroker#start(Path, ServerTls, Path)});
         * clients connect with {@link KafkaBroker#clientProperties()}. Without {@link #withKafka(boolean)}
         * it has no effect.
         */
        public Builder withKafkaTls(boolean kafkaTls) {
            this.kafkaTls = kafkaTls;
            return this;
        }

        /**
         * Whether both clusters serve TLS only; default false. A new {@link CertificateAuthority}
         * (in {@code <workDir>/tls/}) signs one server certificate for {@code localhost} and
         * {@code 127.0.0.1}, which both clusters serve (see
         * {@link PostgresServer#start(String, Path, PostgresServer.Flavor, ServerTls)}); clients
         * verify it with {@link EmbeddedEnvironment#certificateAuthority()}.
         */
        public Builder withTls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** Work directory for all files (created if missing, kept on close); default: a new temp directory. */
        public Builder workDir(Path workDir) {
            this.workDir = Objects.requireNonNull(workDir, "workDir");
            return this;
        }

        /** Which PostgreSQL binaries to run; default {@link PostgresServer.Flavor#EMBEDDED}. */
        public Builder flavor(PostgresServer.Flavor flavor) {
            this.flavor = Objects.requireNonNull(flavor, "flavor");
            return this;
        }

        /** Database created on the source; default "app". "postgres" means: use the existing one. */
        public Builder sourceDatabase(String name) {
            this.sourceDatabase = Objects.requireNonNull(name, "sourceDatabase");
            return this;
        }

        /** Database created on the target; default "app". "postgres" means: use the existing one. */
        public Builder targetDatabase(String name) {
            this.targetDatabase = Objects.requireNonNull(name, "targetDatabase");
            return this;
        }

        /** The database name PgBouncer clients use; default "app". */
        public Builder pgbouncerAlias(String alias) {
            this.pgbouncerAlias = Objects.requireNonNull(alias, "pgbouncerAlias");
            return this;
        }

        /** Whether to start a Kafka broker; default true. */
        public Builder withKafka(boolean kafka) {
            this.kafka = kafka;
            return this;
        }

        /** Whether to start PgBouncer in front of the source database; default true. */
        public Builder withPgBouncer(boolean pgbouncer) {
            this.pgbouncer = pgbouncer;
            return this;
        }

        /**
         * Starts the environment. Blocks until every component is ready (typically 3 to 8 s).
         *
         * @return the running environment; never null
         * @throws BatonException if a component fails to start; the ones already running are stopped, and
         *     the failures of other components are suppressed in the exception
         */
        public EmbeddedEnvironment start() {
            if (pgbouncer) {
                PgBouncer.databasesLine(pgbouncerAlias, Ports.LOOPBACK, 5432, sourceDatabase); // validate early
            }
            boolean createdWorkDir = workDir == null;
            Path dir = createdWorkDir ? createTempWorkDir() : workDir.toAbsolutePath().normalize();
            Components started = new Components();
            ServerTls serverTls = null;
            if (tls || kafka && kafkaTls) {
                try {
                    started.authority = CertificateAuthority.create(dir.resolve("tls"), "Baton embedded test CA");
                    serverTls = started.authority.issueServerCertificate("server", List.of("localhost"),
                            List.of(Ports.LOOPBACK));
                } catch (BatonException e) {
                    if (createdWorkDir && !Boolean.getBoolean("baton.embedded.keep")) {
                        FileTrees.deleteQuietly(dir);
                    }
                    throw e;
                }
            }
            ServerTls clusterTls = tls ? serverTls : null;
            ServerTls brokerTls = kafka && kafkaTls ? serverTls : null;
            ExecutorService executor = Executors.newFixedThreadPool(3, runnable -> {
                Thread thread = new Thread(runnable, "baton-embedded-start");
                thread.setDaemon(true);
                return thread;
            });
            List<CompletableFuture<?>> tasks = new ArrayList<>();
            try {
                tasks.add(timed("source PostgreSQL", executor, () -> {
                    started.source = PostgresServer.start("source", dir, flavor, clusterTls);
                    createDatabaseUnlessPostgres(started.source, sourceDatabase);
                    return started.source;
                }).thenApplyAsync(source -> {
                    if (pgbouncer) {
                        return timed("PgBouncer", () -> started.pgbouncer = PgBouncer.start(dir, pgbouncerAlias,
                                source.host(), source.port(), sourceDatabase));
                    }
                    return null;
                }, executor));
                tasks.add(timed("target PostgreSQL", executor, () -> {
                    started.target = PostgresServer.start("target", dir, flavor, clusterTls);
                    createDatabaseUnlessPostgres(started.target, targetDatabase);
                    return started.target;
                }));
                if (kafka) {
                    tasks.add(timed("Kafka broker", executor, () -> started.kafka = KafkaBroker.start(dir, brokerTls,
                            brokerTls == null ? null : started.authority.certificate())));
                }
                BatonException failure = awaitAll(tasks, dir);
                if (failure != null) {
                    BatonException cleanup = closeAll(dir, started.pgbouncer, started.kafka, started.target,
                            started.source);
                    if (cleanup != null) {
                        failure.addSuppressed(cleanup);
                    }
                    if (createdWorkDir && !Boolean.getBoolean("baton.embedded.keep")) {
                        FileTrees.deleteQuietly(dir);
                    }
                    throw failure;
                }
                return new EmbeddedEnvironment(this, dir, createdWorkDir, started);
            } finally {
                executor.shutdownNow();
            }
        }

        private static void createDatabaseUnlessPostgres(PostgresServer server, String database) {
            if (!"postgres".equals(database)) {
                server.createDatabase(database);
            }
        }

        private static Path createTempWorkDir() {
            try {
                Path tempRoot = Path.of(System.getProperty("java.io.tmpdir"));
                StaleEnvironments.reap(tempRoot);
                Path dir = Files.createTempDirectory(tempRoot, StaleEnvironments.PREFIX).toAbsolutePath();
                StaleEnvironments.claim(dir);
                return dir;
            } catch (IOException e) {
                throw new BatonException("Cannot create a temporary work directory in "
                        + System.getProperty("java.io.tmpdir") + ": " + e.getMessage()
                        + "; free disk space or set -Djava.io.tmpdir", e);
            }
        }

        private static BatonException awaitAll(List<CompletableFuture<?>> tasks, Path dir) {
            BatonException failure = null;
            for (CompletableFuture<?> task : tasks) {
                try {
                    task.join();
                } catch (CompletionException | CancellationException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    if (failure == null) {
                        failure = cause instanceof BatonException
                                ? (BatonException) cause
                                : new BatonException("Starting the embedded environment in " + dir + " failed: "
                                        + cause, cause);
                    } else if (failure != cause) {
                        failure.addSuppressed(cause);
                    }
                }
            }
            return failure;
        }

        private static <T> CompletableFuture<T> timed(String what, ExecutorService executor, Supplier<T> start) {
            return CompletableFuture.supplyAsync(() -> timed(what, start), executor);
        }

        private static <T> T timed(String what, Supplier<T> start) {
            long begin = System.nanoTime();
            T component = start.get();
            LOG.info("{} ready at {} in {} ms", what, address(component), Processes.elapsedMillis(begin));
            return component;
        }

        private static String address(Object component) {
            if (component instanceof PostgresServer) {
                PostgresServer server = (PostgresServer) component;
                return server.host() + ":" + server.port() + " (" + server.flavor() + ", pid " + server.pid() + ")";
            }
            if (component instanceof KafkaBroker) {
                KafkaBroker broker = (KafkaBroker) component;
                return broker.bootstrapServers() + (broker.isTls() ? " (TLS only)" : "");
            }
            if (component instanceof PgBouncer) {
                return ((PgBouncer) component).clientJdbcUrl();
            }
            return String.valueOf(component);
        }
    }
}
