package io.baton.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the CPU time of a benchmark phase goes, read from Linux's {@code /proc}: user plus system
 * time of every process, grouped by what it is (this JVM's threads by name, PostgreSQL processes
 * by their title's first words, the Kafka broker), between {@link #start()} and {@link #stop()}.
 *
 * <p>Times in {@code /proc/[pid]/stat} are in clock ticks ({@code utime}, field 14, and
 * {@code stime}, field 15; proc(5)); the tick is taken as 100 Hz, Linux's {@code USER_HZ} on every
 * common architecture. {@code /proc} is read every 250 ms, so that processes that end within the
 * window (a connection's backend, say) still count, up to their last reading; a process that lives
 * less than that may be missed. Elsewhere than Linux the profile is empty.
 */
final class CpuProfile {
  private static final double TICKS_PER_SECOND = 100.0;
  private static final long SELF = ProcessHandle.current().pid();

  private final Map<String, Long> before;
  private final Map<String, Long> latest = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ScheduledExecutorService sampler;
  private final long startNanos;

  private CpuProfile(Map<String, Long> before) {
    this.before = before;
    this.startNanos = System.nanoTime();
    this.sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cpu-profile");
      t.setDaemon(true);
      return t;
    });
    sampler.scheduleAtFixedRate(this::record, 250, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** @return a profile counting from now */
  static CpuProfile start() {
    return new CpuProfile(sample());
  }

  private void record() {
    sample().forEach((key, ticks) -> latest.merge(key, ticks, Math::max));
  }

  /**
   * @return per group, the share of one core it used since {@link #start()} in percent (100 = one
   *     core busy the whole time), largest first, groups under 2% left out
   */
  Map<String, Long> stop() {
    sampler.shutdown();
    try {
      sampler.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    record();
    Map<String, Long> after = latest;
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    Map<String, Long> busy = new HashMap<>();
    after.forEach((key, ticks) -> {
      long used = ticks - before.getOrDefault(key, 0L);
      String group = key.substring(key.indexOf(' ') + 1);
      busy.merge(group, used, Long::sum);
    });
    Map<String, Long> out = new LinkedHashMap<>();
    busy.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), Math.round(e.getValue() / TICKS_PER_SECOND / seconds * 100)))
        .filter(e -> e.getValue() >= 2)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** @return "pid group" (or "pid/tid group" for this JVM's threads) to ticks used so far */
  private static Map<String, Long> sample() {
    Map<String, Long> ticks = new HashMap<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        long pid = Long.parseLong(p.getFileName().toString());
        if (pid == SELF) {
          try (Stream<Path> tasks = Files.list(p.resolve("task"))) {
            tasks.forEach(t -> {
              String[] stat = stat(t);
              if (stat != null) {
                ticks.put(pid + "/" + t.getFileName() + " baton: " + threadGroup(stat[0]), used(stat));
              }
            });
          } catch (IOException | RuntimeException ignored) {
            // the JVM is ours: its threads come and go, the rest is counted
          }
          return;
        }
        String[] stat = stat(p);
        if (stat != null) {
          ticks.put(pid + " " + processGroup(p, stat[0]), used(stat));
        }
      });
    } catch (IOException e) {
      return Map.of();
    }
    return ticks;
  }

  /** @return [comm, fields after comm...], or null when the process is gone */
  private static String[] stat(Path dir) {
    try {
      String s = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
      int open = s.indexOf('(');
      int close = s.lastIndexOf(')');
      String comm = s.substring(open + 1, close);
      String[] rest = s.substring(close + 2).split(" ");
      String[] out = new String[rest.length + 1];
      out[0] = comm;
      System.arraycopy(rest, 0, out, 1, rest.length);
      return out;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** utime + stime: fields 14 and 15 of stat, here at 12 and 13 (comm at 0, state at 1). */
  private static long used(String[] stat) {
    return Long.parseLong(stat[12]) + Long.parseLong(stat[13]);
  }

  /** Thread names are cut at 15 characters by the kernel; numbered pool threads are grouped. */
  private static String threadGroup(String comm) {
    return comm.replaceAll("[-#]?\\d+$", "").replaceAll("-[0-9a-f]{6,}.*", "");
  }

  private static String processGroup(Path dir, String comm) {
    if (comm.startsWith("kworker")) {
      // the kernel's worker threads (writeback of dirty pages, among others) rename themselves
      return "kernel workers";
    }
    String cmdline;
    try {
      cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').trim();
    } catch (IOException e) {
      return comm;
    }
    if (cmdline.contains("kafka.Kafka") || cmdline.contains("KafkaRaftServer")) {
      return "kafka broker";
    }
    if (cmdline.startsWith("postgres: ")) {
      // "postgres: walsender user 127.0.0.1(port) START_REPLICATION", "postgres: user db 127.0.0.1(port) idle"
      String[] words = cmdline.split(" ");
      return words.length >= 4 ? "postgres: " + words[1] + " " + words[2] : "postgres: " + (words.length > 1 ? words[1] : "");
    }
    return comm;
  }
}
