package io.baton.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting directory trees. */
final class FileTrees {

    private FileTrees() {
    }

    /** Deletes {@code root} and everything below it; ignores files that vanish or cannot be deleted. */
    static void deleteQuietly(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(root)) {
            tree.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // best effort: a leftover file in a temp directory is harmless
                }
            });
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }
}
