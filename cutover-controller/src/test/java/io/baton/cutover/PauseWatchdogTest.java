package io.baton.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.pg.Database;
import io.baton.spec.RouterSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog is a real child process; a command router's resume (a shell command writing a file)
 * shows whether it acted.
 */
class PauseWatchdogTest {
  @TempDir
  Path dir;

  private CommandRouter router(Path file) {
    return new CommandRouter(new RouterSettings.Command(null, "true", "echo resumed >> " + file, null, 5000),
        new Database("127.0.0.1", 1, "a", "u", null));
  }

  @Test
  void shouldResumeOneSecondAfterTheDeadlineWhenTheControllerIsStuck() {
    Path file = dir.resolve("resumed");
    Path pid = dir.resolve("pid");
    PauseWatchdog w = PauseWatchdog.arm(router(file), pid);
    assertThat(pid).exists();
    long start = System.nanoTime();
    w.pausing(300);
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file));
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300 + PauseWatchdog.MARGIN_MS);
  }

  @Test
  void shouldResumeAtOnceWhenTheControllerDiesDuringThePause() throws Exception {
    Path file = dir.resolve("resumed");
    // a controller of its own, killed with SIGKILL inside the pause
    Process controller = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), DyingController.class.getName(), file.toString()).inheritIO().start();
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("resumed.pausing")) || !controller.isAlive());
    long start = System.nanoTime();
    controller.destroyForcibly().waitFor();
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
    assertThat((System.nanoTime() - start) / 1_000_000).as("well before the 60 s deadline").isLessThan(8000);
  }

  @Test
  void shouldNotActOnceDoneNorBeforeThePauseNorWhenALeftoverIsStopped() throws Exception {
    Path file = dir.resolve("resumed");
    Path pid = dir.resolve("pid");
    PauseWatchdog done = PauseWatchdog.arm(router(file), pid);
    done.pausing(300);
    done.close();
    assertThat(pid).doesNotExist();
    PauseWatchdog.arm(router(file), null).close();
    PauseWatchdog leftover = PauseWatchdog.arm(router(file), pid);
    leftover.pausing(300);
    PauseWatchdog.stopLeftover(pid);
    assertThat(pid).doesNotExist();
    Thread.sleep(300 + PauseWatchdog.MARGIN_MS + 1500);
    assertThat(file).doesNotExist();
  }

  @Test
  void shouldNeedNoProcessForARouterWithNothingToResume() {
    CommandRouter noResume = new CommandRouter(new RouterSettings.Command(null, "true", null, null, 5000),
        new Database("127.0.0.1", 1, "a", "u", null));
    Path pid = dir.resolve("pid");
    PauseWatchdog w = PauseWatchdog.arm(noResume, pid);
    w.pausing(100);
    w.close();
    assertThat(pid).doesNotExist();
  }

  /** A controller that arms a watchdog, starts a 60 s pause, says so with a file, and waits to be killed. */
  public static final class DyingController {
    public static void main(String[] args) throws Exception {
      Path file = Path.of(args[0]);
      CommandRouter router = new CommandRouter(new RouterSettings.Command(null, "true", "echo resumed >> " + file, null,
          5000), new Database("127.0.0.1", 1, "a", "u", null));
      PauseWatchdog w = PauseWatchdog.arm(router, null);
      w.pausing(60_000);
      Files.writeString(Path.of(args[0] + ".pausing"), "");
      Thread.sleep(120_000);
    }
  }
}
