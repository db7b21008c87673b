package io.baton.embedded;

import io.baton.BatonException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Running server programs that refuse root (PostgreSQL's {@code initdb}, PgBouncer) as the OS user
 * {@code postgres} when this JVM runs as root, and as the current user otherwise.
 */
final class OsAccounts {

    /** The OS account and database superuser that the servers run as. */
    static final String POSTGRES = "postgres";

    private OsAccounts() {
    }

    /** Returns whether this JVM runs with effective user id 0. */
    static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * Prefixes {@code command} so that it runs as the OS user {@code postgres}: with
     * {@code runuser -u postgres --} when this JVM is root, unchanged otherwise.
     */
    static List<String> asPostgres(List<String> command) {
        return isRoot() ? asUser(POSTGRES, command) : command;
    }

    /** Prefixes {@code command} with {@code runuser -u user --}; only root may use the result. */
    static List<String> asUser(String user, List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Creates {@code dir} (and missing parents) and, when this JVM is root, hands it and everything
     * below it to the OS user {@code postgres}, and makes every directory from {@code dir} up to the
     * file-system root traversable for that user.
     *
     * @param dir the directory the postgres user must own
     * @param ownedRoot the highest directory this program created and may chmod (o+x); ancestors above
     *     it are only checked
     * @throws BatonException if the postgres user does not exist or an ancestor is not traversable
     */
    static void prepareDirectoryForPostgres(Path dir, Path ownedRoot) {
        try {
            Files.createDirectories(dir);
            if (!isRoot()) {
                return;
            }
            UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
            UserPrincipal user = lookupUser(lookup);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(POSTGRES);
            try (Stream<Path> tree = Files.walk(dir)) {
                for (Path path : (Iterable<Path>) tree::iterator) {
                    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
                    view.setOwner(user);
                    view.setGroup(group);
                }
            }
            makeTraversable(dir.toAbsolutePath().normalize(), ownedRoot.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new BatonException("Cannot prepare directory " + dir + " for the OS user " + POSTGRES + ": "
                    + e.getMessage() + "; check free disk space and permissions of the work directory", e);
        }
    }

    private static UserPrincipal lookupUser(UserPrincipalLookupService lookup) throws IOException {
        try {
            return lookup.lookupPrincipalByName(POSTGRES);
        } catch (UserPrincipalNotFoundException e) {
            throw new BatonException("The OS user '" + POSTGRES + "' does not exist, and PostgreSQL/PgBouncer refuse"
                    + " to run as root: run `apt-get install -y postgresql-common` or"
                    + " `useradd --system --user-group postgres` (as root)", e);
        }
    }

    private static void makeTraversable(Path dir, Path ownedRoot) throws IOException {
        for (Path current = dir; current != null; current = current.getParent()) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(current);
            if (permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                continue;
            }
            if (current.startsWith(ownedRoot)) {
                permissions.add(PosixFilePermission.OTHERS_EXECUTE);
                permissions.add(PosixFilePermission.GROUP_EXECUTE);
                Files.setPosixFilePermissions(current, permissions);
            } else {
                throw new BatonException("Directory " + current + " is not traversable by the OS user " + POSTGRES
                        + ", which must reach " + dir + ": run `chmod o+x " + current
                        + "` or choose a work directory under /tmp");
            }
        }
    }
}
