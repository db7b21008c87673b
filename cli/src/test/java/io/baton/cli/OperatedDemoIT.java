package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.embedded.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton demo --operate}, the README's way to try Baton as an operator: the demo streams until
 * told; its printed instructions are followed as written (the status page answers, {@code baton
 * cutover} and {@code baton finalize} with the printed {@code --api} and {@code --work-dir}, which
 * holds the generated token), and it ends with no client transaction failed.
 */
class OperatedDemoIT {
  @TempDir
  Path work;

  @Test
  void shouldWaitForTheOperatorAndFollowTheirCommands() throws Exception {
    int port = RoutedPgbench.freePort();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    AtomicInteger exit = new AtomicInteger(-1);
    Thread demo = new Thread(() -> {
      try {
        exit.set(OperatedDemo.run(1, 2, 100, work, PostgresServer.Flavor.EMBEDDED, new InetSocketAddress("127.0.0.1", port),
            out));
      } catch (Exception e) {
        e.printStackTrace(out);
      }
    }, "operated-demo");
    demo.start();
    String api = "http://127.0.0.1:" + port;
    await("the demo prints how to operate it").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
        .until(() -> printed.toString(StandardCharsets.UTF_8).contains("status page   " + api + "/"));
    String instructions = printed.toString(StandardCharsets.UTF_8);
    String where = "--api " + api + " --work-dir " + work.resolve("state");
    assertThat(instructions).contains("./baton cutover " + where).contains("./baton finalize --confirm demo " + where);
    await("every cutover gate passes").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
        .until(() -> CliRun.of("cutover", "--dry-run", "--api", api).code() == 0);
    String[] auth = where.split(" ");
    CliRun cut = CliRun.of(concat(new String[] {"cutover", "--wait-seconds", "180"}, auth));
    assertThat(cut.code()).as(cut.out() + cut.err()).isZero();
    assertThat(RoutedPgbench.status(api).path("state").asText()).isEqualTo("CUT_OVER");
    Thread.sleep(2000);
    CliRun fin = CliRun.of(concat(new String[] {"finalize", "--confirm", "demo"}, auth));
    assertThat(fin.code()).as(fin.out() + fin.err()).isZero();
    demo.join(Duration.ofMinutes(2).toMillis());
    assertThat(demo.isAlive()).isFalse();
    assertThat(exit.get()).as(printed.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(printed.toString(StandardCharsets.UTF_8)).containsPattern("clients: [\\d,]+ transactions committed, 0 failed");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
