package io.baton.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.spec.RouterSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command router runs real shell commands: a pure-logic test needs no server. */
class CommandRouterTest {
  @TempDir
  Path dir;

  private final Database source = new Database("10.0.0.1", 5432, "app", "baton", null);
  private final Database target = new Database("10.0.0.2", 5433, "app2", "baton", null);

  @Test
  void shouldPassTheDatabaseThatTakesTrafficToRepointAndRunEachStep() throws Exception {
    Path log = dir.resolve("log");
    CommandRouter router = new CommandRouter(new RouterSettings.Command("echo pause >> " + log,
        "echo \"repoint $BATON_SIDE $BATON_HOST:$BATON_PORT/$BATON_DATABASE\" >> " + log, "echo resume >> " + log,
        "test \"$BATON_SIDE\" = source", 5000), source);
    router.pause(1000);
    router.repoint(target);
    router.resume();
    router.repoint(source);
    assertThat(Files.readAllLines(log)).containsExactly("pause", "repoint target 10.0.0.2:5433/app2", "resume",
        "repoint source 10.0.0.1:5432/app");
    assertThat(router.problem(source)).isNull();
    assertThat(router.problem(target)).contains("router check command exited with 1");
  }

  @Test
  void shouldFailWithTheOutputOfACommandThatExitsNonZeroAndResumeAfterAFailedPause() throws Exception {
    Path log = dir.resolve("log");
    CommandRouter router = new CommandRouter(new RouterSettings.Command("echo 'lb refused'; exit 3",
        "true", "echo resume >> " + log, null, 5000), source);
    assertThatThrownBy(() -> router.pause(1000)).isInstanceOf(BatonException.class)
        .hasMessageContaining("router pause command exited with 3").hasMessageContaining("output: lb refused")
        .hasMessageContaining("traffic resumed");
    assertThat(Files.readAllLines(log)).containsExactly("resume");
    assertThat(router.problem(source)).isNull();
  }

  @Test
  void shouldStopACommandThatRunsPastItsLimit() {
    CommandRouter router = new CommandRouter(new RouterSettings.Command(null, "sleep 5", null, null, 200), source);
    long start = System.nanoTime();
    assertThatThrownBy(() -> router.repoint(target)).hasMessageContaining("ran past its 200 ms limit");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4000);
  }
}
