package io.baton.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pg.Lsn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SwitchoverTest {
  private final List<String> calls = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_000);
  private final Database oldSide = new Database("127.0.0.1", 1, "a", "u", null);
  private final Database newSide = new Database("127.0.0.1", 2, "a", "u", null);
  private final SequenceSync noSequences = SequenceSync.of(Map.of(), true);

  private boolean failRepointTo2;
  private long repointTakesMs;

  private final TrafficRouter router = new TrafficRouter() {
    @Override
    public void pause(long timeoutMs) {
      calls.add("pause");
    }

    @Override
    public void repoint(Database database) {
      calls.add("repoint " + database.port());
      clock.addAndGet(repointTakesMs);
      if (failRepointTo2 && database.port() == 2) {
        throw new BatonException("RELOAD timed out", null, true);
      }
    }

    @Override
    public void resume() {
      calls.add("resume");
    }

    @Override
    public String problem(Database expected) {
      return null;
    }
  };

  private Replication draining(long tookMs, boolean fail) {
    return new Replication() {
      @Override
      public Lsn drain(Duration timeout) {
        calls.add("drain within " + timeout.toMillis());
        clock.addAndGet(tookMs);
        if (fail) {
          throw new BatonException("drain timed out", null, true);
        }
        return new Lsn(0x16B3748L);
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void shouldPauseDrainPrepareRepointAndResumeInOrder() {
    Switchover.Result r = new Switchover(router, clock::get, null)
        .run(draining(120, false), oldSide, newSide, noSequences, ms -> calls.add("back channel"), 5000, Switchover.Steps.NONE);
    assertThat(calls).containsExactly("pause", "drain within 5000", "back channel", "repoint 2", "resume");
    assertThat(r.pauseMs()).isEqualTo(120);
    assertThat(r.drainMs()).isEqualTo(120);
  }

  @Test
  void shouldResumeOnTheOldSideWhenTheDrainFails() {
    assertThatThrownBy(() -> new Switchover(router, clock::get, null)
        .run(draining(10, true), oldSide, newSide, noSequences, ms -> calls.add("back channel"), 5000, Switchover.Steps.NONE))
        .hasMessageContaining("aborted").hasMessageContaining("traffic stays on postgresql://u@127.0.0.1:1/a");
    assertThat(calls).containsExactly("pause", "drain within 5000", "resume");
  }

  @Test
  void shouldAbortWhenThePauseDeadlinePassesBeforeTheRepoint() {
    assertThatThrownBy(() -> new Switchover(router, clock::get, null)
        .run(draining(6000, false), oldSide, newSide, noSequences, ms -> { }, 5000, Switchover.Steps.NONE))
        .hasMessageContaining("past the limit of 5000 ms");
    assertThat(calls).doesNotContain("repoint 2").endsWith("resume");
  }

  @Test
  void shouldPointBackAtTheOldSideWhenTheRepointFails() {
    failRepointTo2 = true;
    assertThatThrownBy(() -> new Switchover(router, clock::get, null)
        .run(draining(10, false), oldSide, newSide, noSequences, ms -> { }, 5000, Switchover.Steps.NONE))
        .hasMessageContaining("traffic stays on postgresql://u@127.0.0.1:1/a").hasMessageContaining("RELOAD timed out");
    assertThat(calls).containsExactly("pause", "drain within 5000", "repoint 2", "repoint 1", "resume");
  }

  @Test
  void shouldGiveTheBackChannelOnlyTheTimeLeft() {
    List<Long> given = new ArrayList<>();
    new Switchover(router, clock::get, null).run(draining(1200, false), oldSide, newSide, noSequences, given::add, 5000, Switchover.Steps.NONE);
    assertThat(given).containsExactly(3800L);
  }

  @Test
  void shouldReportEachStepInOrderWithRepointingBeforeTheRepoint() {
    new Switchover(router, clock::get, null).run(draining(10, false), oldSide, newSide, noSequences, ms -> calls.add("back channel"),
        5000, step -> calls.add("step " + step));
    assertThat(calls).containsExactly("pause", "step paused", "drain within 5000", "step drained", "step frozen", "step sequences-set",
        "back channel", "step back-channel-ready", "step repointing", "repoint 2", "step repointed", "resume", "step resumed");
  }

  @Test
  void shouldPointBackWhenTheRepointEndsPastTheDeadline() {
    repointTakesMs = 4000;
    assertThatThrownBy(() -> new Switchover(router, clock::get, null)
        .run(draining(1500, false), oldSide, newSide, noSequences, ms -> { }, 5000, Switchover.Steps.NONE))
        .hasMessageContaining("when the repoint ended, past the limit of 5000 ms")
        .hasMessageContaining("traffic stays on postgresql://u@127.0.0.1:1/a");
    assertThat(calls).containsExactly("pause", "drain within 5000", "repoint 2", "repoint 1", "resume");
  }

  @Test
  void shouldAbortWithoutRepointingWhenASteplistenerFails() {
    assertThatThrownBy(() -> new Switchover(router, clock::get, null).run(draining(10, false), oldSide, newSide, noSequences,
        ms -> { }, 5000, step -> {
          if (step.equals("repointing")) {
            throw new BatonException("journal unavailable");
          }
        })).hasMessageContaining("journal unavailable");
    assertThat(calls).containsExactly("pause", "drain within 5000", "resume");
  }

  @Test
  void shouldHandTheFreezeLsnAndTheTimeLeftToTheFrozenStep() {
    List<String> frozen = new ArrayList<>();
    Switchover.Result r = new Switchover(router, clock::get, null).run(draining(300, false), oldSide, newSide, noSequences,
        new Switchover.InsidePause() {
          @Override
          public void frozen(Lsn freezeLsn, long remainingMs) {
            frozen.add(freezeLsn + " with " + remainingMs + " ms left");
          }

          @Override
          public void prepareBackChannel(long remainingMs) {}
        }, 5000, Switchover.Steps.NONE);
    assertThat(frozen).containsExactly("0/16B3748 with 4700 ms left");
    assertThat(r.freezeLsn()).isEqualTo(new Lsn(0x16B3748L));
  }

  @Test
  void shouldResumeOnTheOldSideWhenTheFrozenStepFails() {
    assertThatThrownBy(() -> new Switchover(router, clock::get, null).run(draining(10, false), oldSide, newSide, noSequences,
        new Switchover.InsidePause() {
          @Override
          public void frozen(Lsn freezeLsn, long remainingMs) {
            throw new BatonException("cannot export a snapshot");
          }

          @Override
          public void prepareBackChannel(long remainingMs) {
            calls.add("back channel");
          }
        }, 5000, Switchover.Steps.NONE)).hasMessageContaining("cannot export a snapshot");
    assertThat(calls).containsExactly("pause", "drain within 5000", "resume");
  }
}
