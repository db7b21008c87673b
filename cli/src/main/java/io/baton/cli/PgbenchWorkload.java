package io.baton.cli;

import io.baton.BatonException;
import io.baton.embedded.Pgbench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client workload: pgbench against a database (through PgBouncer), running until stopped.
 *
 * <p>pgbench cannot be stopped gracefully before its {@code -T} duration, so the workload runs it
 * in segments of {@code segmentSeconds} that overlap by one second: the next segment has connected
 * and is running before the previous one ends, so clients never stop writing, and every segment
 * ends normally with its own summary. Each transaction is logged ({@code -l}) for the write-pause
 * measurement in {@link PgbenchLog}.
 */
final class PgbenchWorkload implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgbenchWorkload.class);
  private static final Pattern ABORTED = Pattern.compile("client \\d+ (script \\d+ )?aborted");
  private final List<String> baseCommand;
  private final Path dir;
  private final int segmentSeconds;
  private final List<Process> segments = new ArrayList<>();
  private final Thread scheduler;
  private final Thread shutdownHook = new Thread(this::close, "baton-workload-stop");
  private volatile boolean running = true;

  /**
   * @param host PgBouncer's host
   * @param port PgBouncer's port
   * @param database the database alias
   * @param user the user
   * @param clients concurrent clients ({@code -c})
   * @param rate transactions per second over all clients ({@code -R}); 0 for as fast as possible
   * @param script a custom script file ({@code -f}), or null for pgbench's built-in TPC-B-like one
   * @param dir where logs go
   * @param segmentSeconds length of one pgbench run
   */
  PgbenchWorkload(String host, int port, String database, String user, int clients, int rate, Path script, Path dir,
      int segmentSeconds) {
    List<String> cmd = new ArrayList<>(List.of(Pgbench.binary(), "-h", host, "-p", Integer.toString(port), "-U", user,
        "-n", "-c", Integer.toString(clients), "-j", Integer.toString(Math.min(2, clients)), "-l"));
    if (rate > 0) {
      cmd.addAll(List.of("-R", Integer.toString(rate)));
    }
    if (script != null) {
      cmd.addAll(List.of("-f", script.toString()));
    }
    cmd.add(database);
    this.baseCommand = cmd;
    this.dir = dir;
    this.segmentSeconds = segmentSeconds;
    this.scheduler = new Thread(this::schedule, "baton-workload");
    this.scheduler.setDaemon(true);
  }

  /** Starts the first segment and the scheduler of the next ones. */
  void start() {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BatonException("cannot create workload log directory " + dir + ": " + e.getMessage(), e);
    }
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    scheduler.start();
  }

  private void schedule() {
    int n = 0;
    while (running) {
      startSegment(n++);
      long until = System.currentTimeMillis() + (segmentSeconds - 1) * 1000L;
      while (running && System.currentTimeMillis() < until) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private synchronized void startSegment(int n) {
    List<String> cmd = new ArrayList<>(baseCommand);
    cmd.addAll(cmd.size() - 1, List.of("-T", Integer.toString(segmentSeconds), "--log-prefix", dir.resolve("tx-" + n).toString()));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("segment-" + n + ".out").toFile()).start();
      segments.add(p);
    } catch (IOException e) {
      throw new BatonException("cannot start pgbench: " + e.getMessage(), e);
    }
  }

  /**
   * Stops starting segments and waits for the running ones to end normally.
   *
   * @return what the clients saw
   */
  Result stop() {
    running = false;
    scheduler.interrupt();
    try {
      scheduler.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Process> all;
    synchronized (this) {
      all = List.copyOf(segments);
    }
    for (Process p : all) {
      try {
        if (!p.waitFor(segmentSeconds + 30L, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    return result();
  }

  private Result result() {
    List<Path> logs = new ArrayList<>();
    long aborted = 0;
    long exitFailures = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.startsWith("tx-")) {
          logs.add(f);
        } else if (name.startsWith("segment-")) {
          String out = Files.readString(f);
          Matcher m = ABORTED.matcher(out);
          while (m.find()) {
            aborted++;
          }
          logErrors(name, out);
        }
      }
    } catch (IOException e) {
      throw new BatonException("cannot read workload logs in " + dir + ": " + e.getMessage(), e);
    }
    synchronized (this) {
      for (Process p : segments) {
        if (!p.isAlive() && p.exitValue() != 0) {
          exitFailures++;
        }
      }
    }
    PgbenchLog log = PgbenchLog.read(logs);
    LOG.info("workload: {} transactions, {} failed, {} clients aborted, {} pgbench runs failed", log.committed(),
        log.failed(), aborted, exitFailures);
    return new Result(log, log.failed() + aborted, exitFailures);
  }

  /**
   * What the workload's clients saw.
   *
   * @param log the per-transaction log of every segment
   * @param failedTransactions transactions that failed plus clients that aborted
   * @param failedRuns pgbench runs that exited non-zero
   */
  record Result(PgbenchLog log, long failedTransactions, long failedRuns) {}

  private static void logErrors(String segment, String output) {
    output.lines().filter(l -> l.contains("aborted") || l.contains("ERROR") || l.contains("FATAL"))
        .limit(5).forEach(l -> LOG.warn("workload {}: {}", segment, l.strip()));
  }

  /**
   * Stops every pgbench still running (also on Ctrl-C, through a shutdown hook); logs the errors
   * the clients reported, when stopped this way.
   */
  @Override
  public void close() {
    boolean stoppedEarly = running;
    running = false;
    scheduler.interrupt();
    synchronized (this) {
      segments.forEach(Process::destroyForcibly);
    }
    if (stoppedEarly && Thread.currentThread() != shutdownHook) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(f -> f.getFileName().toString().startsWith("segment-")).toList()) {
          logErrors(f.getFileName().toString(), Files.readString(f));
        }
      } catch (IOException e) {
        LOG.warn("cannot read the workload's output in {}: {}", dir, e.getMessage());
      }
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // the JVM is already shutting down, or the hook was never added
      }
    }
  }
}
