package io.baton.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after JVMs that were killed (SIGKILL) while they ran an {@link EmbeddedEnvironment} in a
 * temporary work directory: their PostgreSQL and PgBouncer processes would otherwise run on forever
 * (the Kafka broker stops by itself, see {@link ParentWatchingMain}).
 *
 * <p>Each temporary work directory holds {@value #OWNER_FILE} with the owning JVM's pid. A directory
 * whose owner is gone has its servers stopped (only processes whose command line names that directory)
 * and is deleted.
 */
final class StaleEnvironments {

    static final String PREFIX = "baton-env-";
    static final String OWNER_FILE = "owner.pid";
    private static final Logger LOG = LoggerFactory.getLogger(StaleEnvironments.class);

    private StaleEnvironments() {
    }

    /** Records this JVM as the owner of {@code workDir}; never throws. */
    static void claim(Path workDir) {
        try {
            Files.writeString(workDir.resolve(OWNER_FILE), String.valueOf(ProcessHandle.current().pid()),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.debug("Cannot write {} in {}: {}", OWNER_FILE, workDir, e.toString());
        }
    }

    /** Reaps every stale {@code baton-env-*} directory directly under {@code tempRoot}; never throws. */
    static void reap(Path tempRoot) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tempRoot, PREFIX + "*")) {
            for (Path dir : dirs) {
                Optional<Long> owner = readPid(dir.resolve(OWNER_FILE));
                if (owner.isPresent() && !isAlive(owner.get())) {
                    reapOne(dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot look for stale environments in {}: {}", tempRoot, e.toString());
        }
    }

    private static void reapOne(Path dir) {
        LOG.info("Stopping servers left over by a killed JVM in {}", dir);
        // The directory is deleted right after, so a hard stop is fine: PostgreSQL's child processes exit
        // as soon as they see their postmaster die.
        for (Path pidFile : List.of(dir.resolve("pgbouncer/pgbouncer.pid"), dir.resolve("source/data/postmaster.pid"),
                dir.resolve("target/data/postmaster.pid"))) {
            readPid(pidFile).flatMap(ProcessHandle::of)
                    .filter(process -> process.info().commandLine().orElse("").contains(dir.toString()))
                    .ifPresent(process -> Processes.stop(process, Duration.ZERO));
        }
        FileTrees.deleteQuietly(dir);
    }

    private static Optional<Long> readPid(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
