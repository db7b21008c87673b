package io.baton.embedded;

import io.baton.BatonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Starts PostgreSQL from the operating system's binaries ({@code /usr/lib/postgresql/<version>/bin},
 * the highest version installed, or the {@code baton.postgres.bin} system property). When this JVM
 * is root, initdb and pg_ctl run as the OS user postgres through {@code runuser}, because initdb
 * refuses root.
 */
final class SystemPostgresLauncher {

    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private SystemPostgresLauncher() {
    }

    /**
     * Creates a cluster in {@code serverDir/data} (trust authentication, superuser postgres), writes
     * {@code settings} and the port into its postgresql.conf and starts it; server output goes to
     * {@code log}.
     *
     * @param ownedRoot the work directory this program created (may be chmod-ed o+x, see {@link OsAccounts})
     * @throws BatonException if the binaries are missing, or initdb or start-up fails
     */
    static PostgresProcess start(Path serverDir, Path dataDir, Path ownedRoot, int port,
                                 Map<String, String> settings, Path log) {
        Path bin = binDirectory();
        OsAccounts.prepareDirectoryForPostgres(serverDir, ownedRoot);
        Path toolLog = serverDir.resolve("pg_ctl.log");
        Processes.run("initdb of " + dataDir, OsAccounts.asPostgres(List.of(
                bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-A", "trust", "-U", OsAccounts.POSTGRES,
                "-E", "UTF8", "--locale=C")), toolLog, Duration.ofSeconds(120));
        appendSettings(dataDir.resolve("postgresql.conf"), port, settings);
        Processes.run("pg_ctl start of " + dataDir, OsAccounts.asPostgres(List.of(
                bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", log.toString(),
                "-w", "-t", "60", "start")), toolLog, Duration.ofSeconds(90));
        return () -> {
            try {
                Processes.run("pg_ctl stop of " + dataDir, OsAccounts.asPostgres(List.of(
                        bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast",
                        "-w", "-t", "30", "stop")), toolLog, Duration.ofSeconds(45));
            } catch (BatonException e) {
                // PostgresServer.close() kills the postmaster by pid if it is still alive
            }
        };
    }

    /**
     * Returns the bin directory of the highest PostgreSQL version installed.
     *
     * @throws BatonException with the install command when there is none
     */
    static Path binDirectory() {
        String override = System.getProperty("baton.postgres.bin");
        if (override != null) {
            Path bin = Path.of(override);
            if (!Files.isExecutable(bin.resolve("initdb"))) {
                throw new BatonException("System property baton.postgres.bin=" + override
                        + " does not contain an executable initdb: point it at a PostgreSQL bin directory");
            }
            return bin;
        }
        Optional<Path> highest = Optional.empty();
        if (Files.isDirectory(DEBIAN_ROOT)) {
            try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
                highest = versions
                        .filter(dir -> Files.isExecutable(dir.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(SystemPostgresLauncher::majorVersion))
                        .map(dir -> dir.resolve("bin"));
            } catch (IOException e) {
                throw new BatonException("Cannot list " + DEBIAN_ROOT + ": " + e.getMessage(), e);
            }
        }
        return highest.orElseThrow(() -> new BatonException("PostgreSQL server binaries are not installed (no "
                + DEBIAN_ROOT + "/<version>/bin/initdb): run `apt-get install -y postgresql` (as root), set"
                + " -Dbaton.postgres.bin=<dir>, or use PostgresServer.Flavor.EMBEDDED"));
    }

    private static int majorVersion(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void appendSettings(Path conf, int port, Map<String, String> settings) {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("# Baton embedded environment");
        lines.add("port = " + port);
        settings.forEach((name, value) -> lines.add(PostgresSettings.confLine(name, value)));
        try {
            Files.write(conf, lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new BatonException("Cannot append settings to " + conf + ": " + e.getMessage(), e);
        }
    }
}
