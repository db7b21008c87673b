package io.baton.embedded;

import io.baton.BatonException;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The command line for a child JVM that sees the same classes as this one.
 *
 * <p>Test runners may start this JVM from a manifest-only jar (Surefire/Failsafe's booter jar, whose
 * {@code Class-Path} manifest attribute lists the real classpath). The JVM follows that attribute, but
 * the booter jar is a temporary file, so the classpath given to children is expanded here: every jar
 * with a {@code Class-Path} attribute is followed by the entries it names.
 */
final class ChildJvm {

    private ChildJvm() {
    }

    /** Returns the path of the {@code java} launcher of the running JVM. */
    static String javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : "java";
    }

    /** Returns this JVM's classpath with manifest {@code Class-Path} entries expanded, in order. */
    static String classpath() {
        return String.join(File.pathSeparator, expand(System.getProperty("java.class.path", "")));
    }

    /**
     * Expands {@code classpath} (entries separated by the platform path separator): each entry is kept,
     * and a jar whose manifest has a {@code Class-Path} attribute is followed by the entries it names
     * (resolved against the jar's directory, recursively). Duplicates and empty entries are dropped.
     */
    static List<String> expand(String classpath) {
        Set<String> result = new LinkedHashSet<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                addWithManifestClassPath(Paths.get(entry).toAbsolutePath().normalize(), result);
            }
        }
        return new ArrayList<>(result);
    }

    /**
     * Checks that the jar or directory holding {@code className} (as loaded by this JVM) is on
     * {@code classpath}, so that a child JVM can load it.
     *
     * @throws BatonException if the class is missing here or comes from somewhere the child cannot see
     */
    static void requireOnClasspath(String className, List<String> classpath) {
        Path location;
        try {
            Class<?> type = Class.forName(className, false, ChildJvm.class.getClassLoader());
            location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (ClassNotFoundException e) {
            throw new BatonException("Class " + className + " is not on the classpath: add the dependency"
                    + " that holds it (org.apache.kafka:kafka_2.13 for kafka.Kafka) to the module that starts the"
                    + " child JVM", e);
        } catch (URISyntaxException | RuntimeException e) {
            return; // unusual class loader (for example a fat jar's nested jars): let the child try
        }
        if (!classpath.contains(location.normalize().toString())) {
            throw new BatonException("Class " + className + " is loaded from " + location
                    + ", which is not on java.class.path, so a child JVM cannot load it: run with a flat"
                    + " classpath (java -cp ...), not from a custom class loader");
        }
    }

    private static void addWithManifestClassPath(Path entry, Set<String> result) {
        if (!result.add(entry.toString())) {
            return;
        }
        if (!Files.isRegularFile(entry) || !entry.toString().endsWith(".jar")) {
            return;
        }
        String manifestClassPath;
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            manifestClassPath = manifest == null ? null
                    : manifest.getMainAttributes().getValue("Class-Path");
        } catch (IOException e) {
            return; // unreadable jar: keep the entry itself, the child will report what it misses
        }
        if (manifestClassPath == null || manifestClassPath.isBlank()) {
            return;
        }
        URI base = entry.getParent().toUri();
        for (String reference : manifestClassPath.trim().split("\\s+")) {
            try {
                // Class-Path entries are relative or absolute URLs, already percent-encoded
                URI resolved = base.resolve(new URI(reference));
                if ("file".equals(resolved.getScheme())) {
                    addWithManifestClassPath(Path.of(resolved).toAbsolutePath().normalize(), result);
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a usable file reference: skip it
            }
        }
    }
}
