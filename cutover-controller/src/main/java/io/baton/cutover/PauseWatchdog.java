package io.baton.cutover;

import io.baton.BatonException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A separate process that resumes traffic if the controller dies during a write pause, so that
 * clients are never left waiting for a controller that is gone.
 *
 * <p>The controller starts it before a switch and waits until it runs (its start-up is over
 * before anything is paused); tells it {@code go} with the pause's deadline right before PAUSE;
 * and tells it {@code done} once traffic is resumed, either way. The watchdog resumes traffic
 * through the router (its {@link TrafficRouter#watchdogArguments()}) when:
 *
 * <ul>
 *   <li>its standard input ends after {@code go} without {@code done}: the controller died (SIGKILL,
 *       out of memory); it resumes at once, and a restarted controller then finishes or undoes the
 *       switch by where the router points;
 *   <li>{@value #MARGIN_MS} ms after the deadline, {@code done} has not come: the controller is
 *       alive but stuck. The margin keeps it from racing a live controller, which resumes by the
 *       deadline or points traffic back.
 * </ul>
 *
 * Its process id is kept in a file, so that a restarted controller stops a watchdog its
 * predecessor left ({@link #stopLeftover}) before it pauses anything itself.
 */
public final class PauseWatchdog implements AutoCloseable {
  /** How long after the pause's deadline the watchdog resumes a controller that did not, ms. */
  public static final long MARGIN_MS = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(PauseWatchdog.class);
  private static final String ARMED = "armed";
  private static final String GO = "go ";
  private static final String DONE = "done";
  private final Process process;
  private final Path pidFile;

  private PauseWatchdog(Process process, Path pidFile) {
    this.process = process;
    this.pidFile = pidFile;
  }

  /**
   * Starts a watchdog and waits until it runs.
   *
   * @param router the router whose resume it would issue
   * @param pidFile where its process id is kept while it runs, or null for nowhere
   * @return the running watchdog, or one that does nothing when the router has nothing to resume
   * @throws BatonException when it cannot be started
   */
  public static PauseWatchdog arm(TrafficRouter router, Path pidFile) {
    List<String> how = router.watchdogArguments();
    if (how.isEmpty()) {
      return new PauseWatchdog(null, null);
    }
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx32m",
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        PauseWatchdog.class.getName()));
    cmd.addAll(how);
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (!ARMED.equals(line)) {
        p.destroyForcibly();
        throw new BatonException("the pause watchdog did not start (it said: " + line + "); no switch without it");
      }
      if (pidFile != null) {
        Files.writeString(pidFile, Long.toString(p.pid()));
      }
      return new PauseWatchdog(p, pidFile);
    } catch (IOException e) {
      throw new BatonException("cannot start the pause watchdog: " + e.getMessage(), e);
    }
  }

  /**
   * Starts the watchdog's clock: call right before PAUSE.
   *
   * @param deadlineMs the pause's deadline, ms from now
   * @throws BatonException when the watchdog cannot be told (no pause without it)
   */
  public void pausing(long deadlineMs) {
    tell(GO + deadlineMs);
  }

  /**
   * Stops a watchdog that a controller which died left behind, if its process still runs.
   *
   * @param pidFile the file {@link #arm} kept its process id in
   */
  public static void stopLeftover(Path pidFile) {
    try {
      if (!Files.exists(pidFile)) {
        return;
      }
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      ProcessHandle.of(pid).filter(h -> h.info().commandLine().orElse("").contains(PauseWatchdog.class.getName()))
          .ifPresent(h -> {
            LOG.warn("stopping the pause watchdog (pid {}) left by a controller that stopped during a switch", pid);
            h.destroyForcibly();
          });
      Files.deleteIfExists(pidFile);
    } catch (IOException | NumberFormatException e) {
      throw new BatonException("cannot read the pause watchdog's pid file " + pidFile + ": " + e.getMessage(), e);
    }
  }

  /** Tells the watchdog the switch is over (traffic resumed) and waits for it to exit. */
  @Override
  public void close() {
    if (process == null) {
      return;
    }
    try {
      tell(DONE);
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        LOG.warn("the pause watchdog did not exit within 5 s of done; stopping it");
      }
    } catch (BatonException e) {
      LOG.warn("the pause watchdog could not be told done ({}); stopping it", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      process.destroyForcibly();
      if (pidFile != null) {
        try {
          Files.deleteIfExists(pidFile);
        } catch (IOException e) {
          LOG.warn("cannot delete {}: {}", pidFile, e.getMessage());
        }
      }
    }
  }

  private void tell(String line) {
    if (process == null) {
      return;
    }
    try {
      OutputStream in = process.getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      throw new BatonException("the pause watchdog does not listen (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The watchdog process: {@code PauseWatchdog pgbouncer HOST PORT USER DATABASE} or
   * {@code PauseWatchdog command SHELL_COMMAND TIMEOUT_MS}. Prints {@code armed}, then reads its
   * standard input: end of input before {@code go} means nothing was paused (exit); after
   * {@code go DEADLINE_MS}, {@code done} means the controller resumed (exit), end of input means
   * it died (resume now), and nothing by the deadline plus {@value #MARGIN_MS} ms means it is
   * stuck (resume then).
   *
   * @param args as above
   * @throws Exception when the standard streams fail
   */
  public static void main(String[] args) throws Exception {
    System.out.println(ARMED);
    System.out.flush();
    System.out.close();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String go = in.readLine();
    if (go == null || !go.startsWith(GO)) {
      return;
    }
    long actAt = System.currentTimeMillis() + Long.parseLong(go.substring(GO.length()).strip()) + MARGIN_MS;
    BlockingQueue<String> next = new ArrayBlockingQueue<>(1);
    Thread reader = new Thread(() -> {
      try {
        String line = in.readLine();
        next.offer(line == null ? "" : line);
      } catch (IOException e) {
        next.offer("");
      }
    }, "watchdog-stdin");
    reader.setDaemon(true);
    reader.start();
    String said = next.poll(Math.max(0, actAt - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    if (DONE.equals(said)) {
      return;
    }
    System.err.println(said == null
        ? "pause watchdog: the controller did not end its write pause by the deadline; resuming traffic"
        : "pause watchdog: the controller is gone during a write pause; resuming traffic");
    try {
      if (args[0].equals("pgbouncer")) {
        new PgBouncerRouter(args[1], Integer.parseInt(args[2]), args[3], args[4], null).resume();
      } else {
        CommandRouter.runCommand("resume", args[1], java.util.Map.of(), Long.parseLong(args[2]));
      }
      System.err.println("pause watchdog: traffic resumed");
    } catch (RuntimeException e) {
      System.err.println("pause watchdog: resume failed: " + e.getMessage());
      System.exit(1);
    }
  }
}
