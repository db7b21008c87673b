package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import io.baton.transform.TransformStage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton transform} as a worker next to the controller's in-process transform: the worker,
 * run through the command line in a thread of this JVM, joins the controller's Kafka Streams
 * application and gets some of the four tables (one task each); changes streamed meanwhile, through
 * a CEL filter and derived column, arrive on the target and reconcile equal; the worker stopped in
 * the middle of a stream of changes hands its tables back to the controller and nothing is lost.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class TransformWorkerIT {
  private static final List<String> TABLES = List.of("t1", "t2", "t3", "t4");
  private static final String SPEC = """
      name: twk
      schema: create
      tables:
      %s
      verify: { continuous: false }
      """.formatted(String.join("\n", TABLES.stream().map(t -> """
        - source: tw.%s
          filter: "row.kind != 'skip'"
          derive:
            label: { cel: "row.name.upperAscii() + '-' + string(row.n)" }
      """.formatted(t).stripTrailing()).toList()));
  private static final String WORKER = TransformStage.applicationId("twk") + "-worker-";

  @TempDir
  Path work;

  @Test
  void shouldShareTheTablesWithAWorkerAndLoseNothingWhenItStops(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    StringBuilder ddl = new StringBuilder("CREATE SCHEMA tw;\n");
    for (String t : TABLES) {
      ddl.append("CREATE TABLE tw.").append(t).append(" (id int PRIMARY KEY, kind text NOT NULL, name text NOT NULL, n int);\n")
          .append("INSERT INTO tw.").append(t).append(" SELECT g, CASE WHEN g % 5 = 0 THEN 'skip' ELSE 'keep' END,")
          .append(" 'name' || g, g FROM generate_series(1, 200) g;\n");
    }
    exec(source, ddl.toString());
    Path specFile = Files.writeString(work.resolve("twk.yaml"), SPEC);
    MigrationSpec spec = new SpecLoader().load(specFile);
    String kafka = env.kafka().bootstrapServers();

    try (Migration migration = Migration.prepare(spec, source, target, kafka, work.resolve("controller"),
        Environments.router(env))) {
      migration.start();
      CompletableFuture<Integer> exit = new CompletableFuture<>();
      Thread worker = new Thread(() -> exit.complete(BatonCli.execute("transform", "--spec", specFile.toString(),
          "--source", source.toString(), "--target", target.toString(), "--kafka", kafka, "--work-dir",
          work.resolve("worker").toString())), "transform-worker");
      worker.start();

      // the group deals the four tables out over the controller and the worker
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        Map<String, Integer> owned = partitionsByMember(kafka);
        assertThat(owned).as("partitions per member").hasSize(2);
        assertThat(owned.values()).as("partitions per member: %s", owned).allSatisfy(n -> assertThat(n).isPositive());
        assertThat(owned.keySet()).anyMatch(c -> c.startsWith(WORKER));
      });

      for (int round = 1; round <= 5; round++) {
        change(source, round);
      }
      migration.catchUp();
      assertThat(workerProcessed()).as("change events the worker's stream threads processed").isPositive();
      assertThat(migration.verify()).hasSize(TABLES.size()).allSatisfy(c -> assertThat(c.equal()).as(c.toString()).isTrue());
      assertThat(value(target, "SELECT count(*) FROM tw.t3 WHERE label = upper(name) || '-' || n")).as("derived by CEL")
          .isEqualTo(value(target, "SELECT count(*) FROM tw.t3"));
      assertThat(value(target, "SELECT count(*) FROM tw.t2 WHERE kind = 'skip'")).as("filtered by CEL").isEqualTo("0");

      // the worker stops while changes keep coming: the controller takes its tables back
      AtomicBoolean writing = new AtomicBoolean(true);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        for (int round = 6; writing.get() && round < 200; round++) {
          change(source, round);
          sleep(30);
        }
      });
      sleep(500);
      worker.interrupt();
      assertThat(exit.get(60, TimeUnit.SECONDS)).as("the worker's exit code").isZero();
      sleep(1000);
      writing.set(false);
      writer.get(60, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(partitionsByMember(kafka)).as("the controller alone").hasSize(1).containsValue(TABLES.size()));
      migration.catchUp();
      assertThat(migration.verify()).hasSize(TABLES.size()).allSatisfy(c -> assertThat(c.equal()).as(c.toString()).isTrue());
      assertThat(Long.parseLong(value(target, "SELECT count(*) FROM tw.t1 WHERE id > 1000"))).as("rows inserted while"
          + " the worker stopped").isGreaterThan(5);
    }
  }

  /** One round of changes to every table: an insert (every fifth filtered out), an update, a delete. */
  private static void change(Database source, int round) {
    StringBuilder sql = new StringBuilder();
    for (String t : TABLES) {
      sql.append("INSERT INTO tw.").append(t).append(" VALUES (").append(1000 + round).append(", '")
          .append(round % 5 == 0 ? "skip" : "keep").append("', 'new").append(round).append("', ").append(round).append(");\n")
          .append("UPDATE tw.").append(t).append(" SET n = n + 100, kind = CASE WHEN kind = 'skip' THEN 'keep' ELSE kind END")
          .append(" WHERE id = ").append(round).append(";\n")
          .append("DELETE FROM tw.").append(t).append(" WHERE id = ").append(200 - round).append(";\n");
    }
    try {
      exec(source, sql.toString());
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** @return the forward transform group's members (client ids) with the number of partitions each holds */
  private static Map<String, Integer> partitionsByMember(String kafka) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
    try (Admin admin = Admin.create(p)) {
      String group = TransformStage.applicationId("twk");
      Map<String, Integer> owned = new TreeMap<>();
      for (MemberDescription m : admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group)
          .members()) {
        owned.merge(m.clientId(), m.assignment().topicPartitions().size(), Integer::sum);
      }
      return owned;
    }
  }

  /** @return records processed by the worker's forward stream threads, from Kafka Streams' thread metrics */
  private static double workerProcessed() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    List<Double> totals = new ArrayList<>();
    List<String> threads = new ArrayList<>();
    for (ObjectName name : server.queryNames(new ObjectName("kafka.streams:type=stream-thread-metrics,*"), null)) {
      String thread = name.getKeyProperty("thread-id");
      threads.add(thread);
      boolean hasTotal = java.util.Arrays.stream(server.getMBeanInfo(name).getAttributes())
          .anyMatch(a -> a.getName().equals("process-total"));
      if (thread != null && thread.startsWith(WORKER) && hasTotal) {
        totals.add(((Number) server.getAttribute(name, "process-total")).doubleValue());
      }
    }
    assertThat(totals).as("the worker's stream threads among %s", threads).isNotEmpty();
    return totals.stream().mapToDouble(Double::doubleValue).sum();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
