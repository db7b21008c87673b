package io.baton.embedded;

import io.baton.BatonException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Running helper programs to completion, stopping servers, and reading the end of their logs. */
final class Processes {

    private Processes() {
    }

    /**
     * Runs {@code command} to completion, appending its output (stdout and stderr) to {@code log}.
     *
     * @param what what the command does, for the error message (for example "initdb of source")
     * @throws BatonException if it cannot start, exits non-zero or runs longer than {@code timeout};
     *     the message holds the exit code and the tail of {@code log}
     */
    static void run(String what, List<String> command, Path log, Duration timeout) {
        long started = System.nanoTime();
        Process process;
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new BatonException("Cannot run " + what + " (" + command.get(0) + "): " + e.getMessage()
                    + "; check that the program is installed and executable", e);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new BatonException(what + " did not finish within " + timeout.toMillis() + " ms; see " + log
                        + ":\n" + tail(log, 20));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BatonException(what + " was interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new BatonException(what + " failed with exit code " + process.exitValue() + " after "
                    + elapsedMillis(started) + " ms; see " + log + ":\n" + tail(log, 20));
        }
    }

    /**
     * Stops {@code process}: SIGTERM, then SIGKILL if it is still alive after {@code grace}. Waits for
     * it to exit. Does nothing when it already exited; never throws.
     *
     * @return true when it exited on SIGTERM, false when it had to be killed
     */
    static boolean stop(ProcessHandle process, Duration grace) {
        if (!isRunning(process)) {
            return true;
        }
        process.destroy();
        if (awaitExit(process, grace)) {
            return true;
        }
        process.destroyForcibly();
        awaitExit(process, Duration.ofSeconds(10));
        return false;
    }

    /**
     * Waits up to {@code timeout} for {@code process} to exit, polling every 20 ms (onExit() of a process
     * that is not our child polls far more slowly); returns whether it exited. Never throws.
     */
    static boolean awaitExit(ProcessHandle process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isRunning(process) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return !isRunning(process);
    }

    /**
     * Returns whether {@code process} still runs. Unlike {@link ProcessHandle#isAlive()}, a zombie (exited,
     * waiting to be reaped by its parent, such as an orphaned postmaster waiting for init) counts as gone.
     */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            int afterName = stat.lastIndexOf(')');
            return afterName < 0 || afterName + 2 >= stat.length() || stat.charAt(afterName + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return process.isAlive(); // no /proc (not Linux) or the process vanished meanwhile
        }
    }

    /**
     * Returns the last {@code lines} lines of {@code file} (read from its last 64 KiB, invalid UTF-8
     * replaced), or a note when it cannot be read. Never throws.
     */
    static String tail(Path file, int lines) {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            int length = (int) Math.min(size, 64 * 1024);
            ByteBuffer buffer = ByteBuffer.allocate(length);
            channel.position(size - length);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // keep reading until the buffer is full
            }
            String[] all = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\\R");
            return String.join("\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
        } catch (NoSuchFileException e) {
            return "(no file " + file + ")";
        } catch (IOException | RuntimeException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** Milliseconds elapsed since {@code startedNanos} (a {@link System#nanoTime()} value). */
    static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
