package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.capture.ChangeCapture;
import io.baton.capture.StoredOffsets;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.pg.Lsn;
import io.baton.pg.TableInfo;
import io.baton.reconciler.Reconciler;
import io.baton.spec.RowTransform;
import io.baton.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forward replication slot is lost behind Baton's back, with a client writing to the source:
 * first invalidated by the source ({@code max_slot_wal_keep_size} exceeded while Baton was down),
 * then dropped while {@code baton run} streams; a capture then starts without it (Debezium creates a
 * slot it does not find), and a slot is created again under the same name; last, a capture starts
 * without its slot before Debezium ever stored an offset on it. Each time Baton must
 * refuse to go on with a gap: it stops applying and exits with a message naming the slot and
 * {@code --resync}, the capture passes nothing on, and {@code baton run} refuses the new slot.
 * {@code baton run --resync} then copies the source again under a new slot, streams on, and the
 * reconciler finds spec(source) = target.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class SlotLossIT {
  private static final String SPEC = WritingClient.spec("slotloss", "");
  private static final int ACCOUNTS = 50_000;
  private static final String SLOT = "baton_slotloss";
  private static final Path LOGS = Path.of("target", "slot-loss-it");

  @TempDir
  Path work;
  private int runs;

  @Test
  void shouldStopOnALostSlotAndConvergeAfterAResync(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, WritingClient.schema(ACCOUNTS, 10_000) + "CREATE TABLE filler (b text);");
    Path spec = Files.writeString(work.resolve("slotloss.yaml"), SPEC);
    Files.createDirectories(LOGS);
    long seed = System.nanoTime();
    WritingClient writer = new WritingClient(source, ACCOUNTS, new Random(seed));
    writer.start();
    Process baton = null;
    try {
      baton = streaming(env, target);
      baton.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      invalidateSlot(source);
      assertThat(query(source, "SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'"))
          .containsExactly("lost");

      Process refused = start(env);
      assertThat(refused.waitFor(120, TimeUnit.SECONDS)).as("baton run stops on the invalidated slot").isTrue();
      assertThat(refused.exitValue()).isEqualTo(BatonCli.CHECK_FAILED);
      assertThat(Files.readString(log(runs))).contains("replication slot " + SLOT + " on the source was invalidated",
          "will not cut over", "--resync");

      baton = streaming(env, target, "--resync");
      assertThat(Files.readString(log(runs))).contains("resync: the target tables were emptied");

      String before = query(target, "SELECT now()").get(0);
      // the resync forgot the old slot's offsets: wait for Debezium to store a position on the new one
      Path offsets = work.resolve("state").resolve("debezium-offsets-slotloss.dat");
      Awaitility.await("the capture stored a position").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> StoredOffsets.position(offsets) != null);
      dropSlotBehindBatonsBack(source);
      Process dropped = baton;
      assertThat(dropped.waitFor(120, TimeUnit.SECONDS)).as("baton run stops on the dropped slot").isTrue();
      assertThat(dropped.exitValue()).isEqualTo(BatonCli.CHECK_FAILED);
      assertThat(Files.readString(log(runs))).contains("replication slot " + SLOT + " is gone from the source",
          "--resync");
      assertThat(query(source, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'"))
          .as("no slot was created in the lost one's place").containsExactly("0");
      assertThat(query(target, "SELECT count(*) FROM baton.sink_offsets WHERE migration = 'slotloss' AND updated_at > '"
          + before + "'::timestamptz + interval '30 seconds'")).as("nothing applied after the slot was gone").containsExactly("0");

      Lsn stored = StoredOffsets.position(offsets);
      assertCaptureRefusesASlotItHadToCreate(env, spec, offsets);
      assertThat(StoredOffsets.position(offsets)).as("nothing from the new slot was stored").isEqualTo(stored);
      // a slot created again under the same name by anyone else: every start must refuse it
      exec(source, "INSERT INTO filler VALUES ('written while the slot was gone')");
      exec(source, "SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
      Process recreated = start(env);
      assertThat(recreated.waitFor(120, TimeUnit.SECONDS)).as("baton run stops on the recreated slot").isTrue();
      assertThat(recreated.exitValue()).isEqualTo(BatonCli.CHECK_FAILED);
      assertThat(Files.readString(log(runs))).contains("replication slot " + SLOT + " on the source was dropped and"
          + " created again", "stored its position at LSN " + stored, "--resync");

      baton = streaming(env, target, "--resync");
      Thread.sleep(2000);
      writer.stop();
      assertThat(writer.failure()).as("the writing client (seed %d)", seed).isNull();
      Map<TableInfo, RowTransform> tables = ReconcileCommand.tables(source, new SpecLoader().load(spec));
      Awaitility.await("target = spec(source)").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2))
          .untilAsserted(() -> assertThat(Reconciler.compare(source, target, tables)).allSatisfy(
              c -> assertThat(c.equal()).as("%s (seed %d, log %s)", c, seed, log(runs)).isTrue()));
      assertThat(query(target, "SELECT count(*) FROM baton.journal WHERE migration = 'slotloss' AND detail LIKE 'resync%'"))
          .as("each resync is in the journal").containsExactly("2");

      // before Debezium stores its first offset on a new slot, only the slot's recorded origin can
      // tell the slot Baton created from one made in its place: Baton stops as if the offsets were
      // not there yet, the slot goes, and a capture starts and has Debezium create one
      baton.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      Lsn origin = Lsn.parse(query(source, "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '"
          + SLOT + "'").get(0));
      StoredOffsets.forget(offsets);
      StoredOffsets.recordSlotOrigin(offsets, origin);
      dropSlotBehindBatonsBack(source);
      exec(source, "INSERT INTO filler VALUES ('written while the slot was gone')");
      assertCaptureRefusesASlotItHadToCreate(env, spec, offsets);
      assertThat(StoredOffsets.position(offsets)).as("nothing from the new slot was stored").isNull();
    } finally {
      writer.stop();
      if (baton != null) {
        baton.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      exec(source, "ALTER SYSTEM RESET max_slot_wal_keep_size; SELECT pg_reload_conf();"
          + " SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'");
    }
  }

  /**
   * Starts baton run and waits until it applies what the client writes after the start, and its
   * capture holds the slot (a resync touches the sink's stored offsets, so those alone prove
   * nothing).
   */
  private Process streaming(EmbeddedEnvironment env, Database target, String... extra) throws Exception {
    Database source = Environments.source(env);
    long newest = Long.parseLong(query(source, "SELECT max(id) FROM accounts").get(0));
    Process p = start(env, extra);
    BatonProcess.awaitStreaming(p, log(runs), target, "slotloss");
    Awaitility.await("run " + runs + " applies new rows and holds the slot").atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> !p.isAlive()
            || !query(target, "SELECT 1 FROM balances WHERE id > " + newest).isEmpty()
            && query(source, "SELECT active FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'").equals(List.of("t")));
    assertThat(p.isAlive()).as("run %d is alive (log %s)", runs, log(runs)).isTrue();
    return p;
  }

  private Process start(EmbeddedEnvironment env, String... extra) throws Exception {
    runs++;
    String[] args = new String[extra.length + 2];
    args[0] = "--metrics";
    args[1] = "off";
    System.arraycopy(extra, 0, args, 2, extra.length);
    return BatonProcess.run(env, work.resolve("slotloss.yaml"), work.resolve("state"), log(runs), Map.of(), args);
  }

  private static Path log(int run) {
    return LOGS.resolve("baton-" + run + ".log");
  }

  /**
   * Lets the source remove WAL the (inactive) slot still needs: {@code max_slot_wal_keep_size} of
   * 1 MB, then new WAL segments and checkpoints until the slot's {@code wal_status} is lost.
   */
  private static void invalidateSlot(Database source) throws SQLException {
    exec(source, "ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'; SELECT pg_reload_conf();");
    for (int i = 0; i < 20; i++) {
      exec(source, "INSERT INTO filler SELECT repeat('f', 1000) FROM generate_series(1, 3000); SELECT pg_switch_wal();"
          + " CHECKPOINT;");
      if (query(source, "SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'").contains("lost")) {
        break;
      }
    }
    exec(source, "ALTER SYSTEM RESET max_slot_wal_keep_size; SELECT pg_reload_conf();");
  }

  /**
   * The window a check before the start cannot close: the slot is dropped after Baton checked it and
   * before Debezium attached, so Debezium creates a new one in its place, at the current WAL
   * position. A capture started without the slot, on the stored offsets, must refuse the new slot
   * and pass nothing on.
   */
  private static void assertCaptureRefusesASlotItHadToCreate(EmbeddedEnvironment env, Path spec, Path offsets)
      throws Exception {
    Database source = Environments.source(env);
    List<io.baton.pg.TableName> tables = ReconcileCommand.tables(source, new SpecLoader().load(spec)).keySet().stream()
        .map(TableInfo::name).toList();
    try (ChangeCapture capture = ChangeCapture.start(new ChangeCapture.Settings("slotloss", source, SLOT, SLOT, tables,
        offsets, env.kafka().bootstrapServers()))) {
      Awaitility.await("the capture refuses the slot it created").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200)).until(() -> {
            // a change to a captured table, so that Debezium hands over a first batch
            exec(source, "UPDATE accounts SET id = id WHERE id = 1");
            try {
              capture.checkHealthy();
              return false;
            } catch (io.baton.BatonException e) {
              assertThat(e).hasMessageContaining("stopped before passing on any change")
                  .hasMessageContaining("replication slot " + SLOT).hasMessageContaining("dropped and created again");
              return true;
            }
          });
      assertThat(capture.events()).as("changes passed on from the new slot").isZero();
    }
  }

  /** Terminates the slot's WAL sender and drops the slot before Baton can attach again. */
  private static void dropSlotBehindBatonsBack(Database source) {
    Awaitility.await("slot dropped").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
        .until(() -> {
          query(source, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + SLOT
              + "' AND active_pid IS NOT NULL");
          query(source, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + SLOT
              + "' AND NOT active");
          return query(source, "SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'").isEmpty();
        });
  }
}
