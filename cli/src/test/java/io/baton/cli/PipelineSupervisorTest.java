package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.Backoff;
import io.baton.BatonException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineSupervisorTest {
  private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(20));
  private final FakePipeline pipeline = new FakePipeline();
  private long now;
  private final PipelineSupervisor supervisor = new PipelineSupervisor(pipeline, "m", BACKOFF, () -> now);

  @Test
  void shouldLeaveAHealthyPipelineAlone() {
    supervisor.check();
    assertThat(pipeline.calls).containsExactly("check");
  }

  @Test
  void shouldStopAtOnceAndRestartAfterTheBackoff() {
    pipeline.failures.add(new BatonException("target down", null, true));
    supervisor.check();
    assertThat(pipeline.calls).containsExactly("check", "stop");
    assertThat(supervisor.pending()).hasMessage("target down");
    now += 999;
    supervisor.check();
    assertThat(pipeline.calls).containsExactly("check", "stop");
    now += 1;
    supervisor.check();
    assertThat(pipeline.calls).containsExactly("check", "stop", "restart");
    assertThat(supervisor.pending()).isNull();
    assertThat(supervisor.restarts()).isEqualTo(1);
  }

  @Test
  void shouldDoubleTheWaitWhileRestartsFailAndGiveUpNamingTheLastError() {
    pipeline.failures.add(new BatonException("target down", null, true));
    for (int i = 0; i < 20; i++) {
      pipeline.restartFailures.add(new BatonException("still down " + i, null, true));
    }
    supervisor.check();
    List<Long> restartTimes = new ArrayList<>();
    assertThatThrownBy(() -> {
      while (true) {
        now += 100;
        int before = pipeline.calls.size();
        supervisor.check();
        if (pipeline.calls.size() > before) {
          restartTimes.add(now);
        }
      }
    }).isInstanceOf(BatonException.class).hasMessageContaining("gave up restarting the pipeline of m after")
        .hasMessageContaining("still down");
    // waits of 1, 2, 4, 4, 4 ... s, until 20 s of failing
    assertThat(restartTimes).startsWith(1_000L, 3_000L, 7_000L, 11_000L);
  }

  @Test
  void shouldStopOnAPermanentErrorWithoutRestarting() {
    pipeline.failures.add(new BatonException("duplicate key", new java.sql.SQLException("dup", "23505")));
    assertThatThrownBy(supervisor::check).hasMessage("duplicate key");
    assertThat(pipeline.calls).containsExactly("check", "adapt");
  }

  @Test
  void shouldGoOnWhenTheMigrationFollowsAPermanentError() {
    pipeline.failures.add(new BatonException("followable: a column was added"));
    supervisor.check();
    assertThat(pipeline.calls).containsExactly("check", "adapt");
    assertThat(supervisor.pending()).isNull();
    assertThat(supervisor.restarts()).isEqualTo(1);
  }

  @Test
  void shouldCountAFailureLongAfterARestartAsANewFault() {
    pipeline.failures.add(new BatonException("cut", null, true));
    supervisor.check();
    now += 1_000;
    supervisor.check();
    now += PipelineSupervisor.HEALTHY_MS;
    pipeline.failures.add(new BatonException("cut again", null, true));
    supervisor.check();
    now += 999;
    supervisor.check();
    assertThat(pipeline.calls).as("the first wait again, not the second").containsExactly("check", "stop", "restart",
        "check", "stop");
    now += 1;
    supervisor.check();
    assertThat(pipeline.calls).endsWith("restart");
  }

  private static final class FakePipeline implements PipelineSupervisor.Supervised {
    final List<String> calls = new ArrayList<>();
    final Deque<BatonException> failures = new ArrayDeque<>();
    final Deque<BatonException> restartFailures = new ArrayDeque<>();

    @Override
    public void checkHealthy() {
      calls.add("check");
      BatonException e = failures.poll();
      if (e != null) {
        throw e;
      }
    }

    @Override
    public void stopRunningPipeline() {
      calls.add("stop");
    }

    @Override
    public boolean adapt(BatonException failure) {
      calls.add("adapt");
      return failure.getMessage().startsWith("followable");
    }

    @Override
    public void restartRunningPipeline() {
      calls.add("restart");
      BatonException e = restartFailures.poll();
      if (e != null) {
        throw e;
      }
    }
  }
}
