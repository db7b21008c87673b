package io.baton.embedded;

import io.baton.BatonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Picks a directory for Unix-domain sockets. A socket path ({@code <dir>/.s.PGSQL.<port>}) must fit
 * in 107 bytes, and PostgreSQL's {@code -c} options cannot hold blanks, so a long or unusual
 * preferred directory is replaced by a short one under /tmp that is deleted on close.
 */
final class SocketDirectory implements AutoCloseable {

    /** Longest directory path accepted: 107 bytes minus "/.s.PGSQL.65535" and some margin. */
    static final int MAX_LENGTH = 80;

    private final Path path;
    private final boolean temporary;

    private SocketDirectory(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    /**
     * Returns {@code preferred} (created) when its absolute path is short and plain enough, otherwise a
     * new directory under /tmp, world-writable so that the postgres user can use it.
     *
     * @throws BatonException if no directory can be created
     */
    static SocketDirectory choose(Path preferred) {
        Path absolute = preferred.toAbsolutePath().normalize();
        try {
            if (isUsable(absolute.toString())) {
                Files.createDirectories(absolute);
                return new SocketDirectory(absolute, false);
            }
            Path shortDir = Files.createTempDirectory(Path.of("/tmp"), "baton-sock-");
            Files.setPosixFilePermissions(shortDir, PosixFilePermissions.fromString("rwxrwxrwx"));
            return new SocketDirectory(shortDir, true);
        } catch (IOException e) {
            throw new BatonException("Cannot create a Unix socket directory (" + absolute + " or under /tmp): "
                    + e.getMessage() + "; check that /tmp is writable", e);
        }
    }

    /** Returns whether {@code path} is short enough and free of blanks and quotes. */
    static boolean isUsable(String path) {
        return path.length() <= MAX_LENGTH && path.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '"');
    }

    /** The directory. */
    Path path() {
        return path;
    }

    /** Deletes the directory and its leftovers when it was a temporary one; never throws. */
    @Override
    public void close() {
        if (temporary) {
            FileTrees.deleteQuietly(path);
        }
    }
}
