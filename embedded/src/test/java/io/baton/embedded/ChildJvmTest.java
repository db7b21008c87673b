package io.baton.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

    @TempDir
    Path dir;

    @Test
    void shouldFollowManifestClassPathOfABooterJar() throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path absoluteJar = Files.createFile(lib.resolve("kafka.jar"));
        Path relativeJar = Files.createFile(lib.resolve("clients.jar"));
        Path classes = Files.createDirectories(dir.resolve("target classes"));
        Path booter = writeManifestOnlyJar(dir.resolve("booter.jar"),
                absoluteJar.toUri() + " lib/clients.jar " + classes.toUri());

        assertThat(ChildJvm.expand(booter + File.pathSeparator + absoluteJar)).containsExactly(
                booter.toString(), absoluteJar.toString(), relativeJar.toString(), classes.toString());
    }

    @Test
    void shouldKeepAPlainClasspathAsItIs() {
        Path a = dir.resolve("a.jar");
        Path b = dir.resolve("classes");

        assertThat(ChildJvm.expand(a + File.pathSeparator + File.pathSeparator + b + File.pathSeparator + a))
                .containsExactly(a.toString(), b.toString());
    }

    private static Path writeManifestOnlyJar(Path jar, String classPath) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.flush();
        }
        return jar;
    }
}
