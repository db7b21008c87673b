package io.baton.cutover;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.spec.RouterSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes traffic with operator-provided commands (spec section {@code cutover.router.command}), for
 * sites without PgBouncer: a DNS change, a load balancer's pool, a feature flag. Each command runs
 * with {@code /bin/sh -c}, bounded by the spec's {@code timeoutMs} (and by the pause's deadline for
 * pause), and fails when it exits non-zero or runs too long; its output is quoted in the error.
 * Repoint gets the database that takes traffic in {@code BATON_HOST}, {@code BATON_PORT},
 * {@code BATON_DATABASE} and {@code BATON_SIDE}.
 */
public final class CommandRouter implements TrafficRouter {
  private static final Logger LOG = LoggerFactory.getLogger(CommandRouter.class);
  private static final int OUTPUT_QUOTED = 500;
  private final RouterSettings.Command commands;
  private final Database source;

  /**
   * @param commands the commands
   * @param source the source database ({@code BATON_SIDE} is {@code source} when repointing to it,
   *     {@code target} otherwise)
   */
  public CommandRouter(RouterSettings.Command commands, Database source) {
    this.commands = commands;
    this.source = source;
  }

  @Override
  public void pause(long timeoutMs) {
    if (commands.pause() != null) {
      try {
        runCommand("pause", commands.pause(), Map.of(), Math.min(timeoutMs, commands.timeoutMs()));
      } catch (BatonException e) {
        resume();
        throw new BatonException(e.getMessage() + "; traffic resumed", e, true);
      }
    }
  }

  @Override
  public void repoint(Database database) {
    runCommand("repoint", commands.repoint(), environment(database), commands.timeoutMs());
  }

  @Override
  public void resume() {
    if (commands.resume() != null) {
      runCommand("resume", commands.resume(), Map.of(), commands.timeoutMs());
    }
  }

  @Override
  public String problem(Database expected) {
    if (commands.check() == null) {
      return null;
    }
    try {
      runCommand("check", commands.check(), environment(expected), commands.timeoutMs());
      return null;
    } catch (BatonException e) {
      return e.getMessage();
    }
  }

  /** Runs the check command for the database: exit 0 means traffic goes there; no check, no answer. */
  @Override
  public java.util.Optional<Boolean> pointsAt(Database database) {
    return commands.check() == null ? java.util.Optional.empty() : java.util.Optional.of(problem(database) == null);
  }

  private Map<String, String> environment(Database database) {
    return Map.of("BATON_HOST", database.host(), "BATON_PORT", Integer.toString(database.port()), "BATON_DATABASE",
        database.database(), "BATON_SIDE", database.equals(source) ? "source" : "target");
  }

  @Override
  public java.util.List<String> watchdogArguments() {
    return commands.resume() == null ? java.util.List.of()
        : java.util.List.of("command", commands.resume(), Long.toString(commands.timeoutMs()));
  }

  /**
   * Runs one router command.
   *
   * @param step its name, for messages
   * @param command the shell command
   * @param env extra environment variables
   * @param timeoutMs how long it may run
   * @throws BatonException when it cannot start, exits non-zero or runs too long
   */
  static void runCommand(String step, String command, Map<String, String> env, long timeoutMs) {
    long start = System.nanoTime();
    java.nio.file.Path output;
    Process p;
    try {
      // output goes to a file: a command that writes more than a pipe holds never blocks on it
      output = java.nio.file.Files.createTempFile("baton-router-", ".out");
      ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true)
          .redirectOutput(output.toFile());
      pb.environment().putAll(env);
      p = pb.start();
    } catch (IOException e) {
      throw new BatonException("router " + step + " command could not start: " + e.getMessage(), e);
    }
    try {
      p.getOutputStream().close();
      if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new BatonException("router " + step + " command ran past its " + timeoutMs + " ms limit: " + command, null, true);
      }
      String out = java.nio.file.Files.readString(output, StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        throw new BatonException("router " + step + " command exited with " + p.exitValue() + ": " + command
            + (out.isEmpty() ? "" : "; output: " + quote(out)), null, true);
      }
      LOG.info("router {} done in {} ms{}", step, (System.nanoTime() - start) / 1_000_000, out.isEmpty() ? "" : ": " + quote(out));
    } catch (IOException e) {
      throw new BatonException("router " + step + " command output could not be read: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new BatonException("interrupted during the router " + step + " command", e);
    } finally {
      output.toFile().delete();
    }
  }

  private static String quote(String out) {
    return out.length() <= OUTPUT_QUOTED ? out : out.substring(0, OUTPUT_QUOTED) + "...";
  }
}
