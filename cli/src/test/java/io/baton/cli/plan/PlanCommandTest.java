package io.baton.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.cli.BatonCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
  @TempDir
  Path dir;

  /** @return {code, standard output, standard error} */
  private static String[] run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = BatonCli.execute(args);
      return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void shouldDocumentTheCommandItsOptionsAndExitCodes() {
    String[] help = run("plan", "--help");
    assertThat(help[0]).isEqualTo("0");
    assertThat(help[1]).contains("Usage: baton plan")
        .contains("--spec=FILE").contains("--output=text|markdown|json").contains("--markdown=FILE").contains("--json=FILE")
        .contains("--sample-seconds=N")
        .contains("Exits with 0 when no risk is blocking, 1 when one is")
        .contains("baton plan --spec shop.yaml --source postgresql://app@10.0.0.5:5432/shop");
    assertThat(run("--help")[1]).contains("plan");
  }

  @Test
  void shouldRefuseABadSampleDurationBeforeConnectingAnywhere() throws Exception {
    Path spec = Files.writeString(dir.resolve("s.yaml"), "name: s\ntables:\n  - source: public.t\n");
    String[] r = run("plan", "--spec", spec.toString(), "--source", "postgresql://a@127.0.0.1:1/x", "--target",
        "postgresql://a@127.0.0.1:1/y", "--sample-seconds", "-1");
    assertThat(r[0]).as(r[2]).isEqualTo("2");
    assertThat(r[2]).contains("--sample-seconds must be between 0 and 600, not -1");
  }

  @Test
  void shouldStopWithBadInputWhenTheSpecIsMissing() {
    String[] r = run("plan", "--spec", dir.resolve("missing.yaml").toString());
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("missing.yaml does not exist");
  }
}
