package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatonCliTest {
  @TempDir
  Path dir;

  private String stderrOf(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString();
  }

  @Test
  void shouldStopWithBadInputWhenTheSpecIsMissing() throws Exception {
    Path sql = Files.writeString(dir.resolve("s.sql"), "SELECT 1;");
    int[] code = new int[1];
    String err = stderrOf(() -> code[0] = BatonCli.execute("rehearse", "--source-sql", sql.toString(),
        "--spec", dir.resolve("missing.yaml").toString()));
    assertThat(code[0]).isEqualTo(BatonCli.BAD_INPUT);
    assertThat(err).contains("missing.yaml does not exist");
  }

  @Test
  void shouldStopWithBadInputWhenTheSpecIsInvalid() throws Exception {
    Path sql = Files.writeString(dir.resolve("s.sql"), "SELECT 1;");
    Path spec = Files.writeString(dir.resolve("spec.yaml"), "name: x\ntables:\n  - sorce: t\n");
    int[] code = new int[1];
    String err = stderrOf(() -> code[0] = BatonCli.execute("rehearse", "--source-sql", sql.toString(), "--spec", spec.toString(),
        "--work-dir", dir.resolve("work").toString()));
    assertThat(code[0]).isEqualTo(BatonCli.BAD_INPUT);
    assertThat(err).contains("unknown key 'sorce'").contains("did you mean 'source'?");
  }

  @Test
  void shouldRefuseAMissingSqlFile() {
    int[] code = new int[1];
    String err = stderrOf(() -> code[0] = BatonCli.execute("rehearse", "--source-sql", dir.resolve("nope.sql").toString(),
        "--spec", "x.yaml"));
    assertThat(code[0]).isEqualTo(BatonCli.BAD_INPUT);
    assertThat(err).contains("nope.sql does not exist");
  }

  @Test
  void shouldReadTheMetricsAddressOrOff() {
    assertThat(BatonCli.Run.metricsAddress("off")).isNull();
    assertThat(BatonCli.Run.metricsAddress("127.0.0.1:9464").getPort()).isEqualTo(9464);
    assertThat(BatonCli.Run.metricsAddress("0.0.0.0:0").getHostString()).isEqualTo("0.0.0.0");
    for (String bad : new String[] {"9464", ":9464", "host:", "host:70000", "host:x"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatonCli.Run.metricsAddress(bad))
          .as(bad).hasMessageContaining("--metrics must be HOST:PORT (port 0-65535) or off, not '" + bad + "'");
    }
  }

  @Test
  void shouldAskForTheDatabasesWhenNeitherTheCommandLineNorTheSpecNamesThem() throws Exception {
    Path spec = Files.writeString(dir.resolve("shop.yaml"), "name: shop\ntables:\n  - source: public.orders\n");
    int[] code = new int[1];
    String err = stderrOf(() -> code[0] = BatonCli.execute("reconcile", "--spec", spec.toString()));
    assertThat(code[0]).isEqualTo(BatonCli.BAD_INPUT);
    assertThat(err).contains("no source database: pass --source postgresql://USER@HOST:PORT/DB, or give source.url in the spec");
  }

  @Test
  void shouldNameAnUnsetPasswordVariableOfTheSpec() throws Exception {
    Path spec = Files.writeString(dir.resolve("shop.yaml"), "name: shop\ntables:\n  - source: public.orders\n"
        + "source: { url: 'postgresql://app@127.0.0.1:1/shop', passwordEnv: BATON_TEST_UNSET_PASSWORD }\n");
    int[] code = new int[1];
    String err = stderrOf(() -> code[0] = BatonCli.execute("reconcile", "--spec", spec.toString()));
    assertThat(code[0]).isEqualTo(BatonCli.BAD_INPUT);
    assertThat(err).contains("environment variable BATON_TEST_UNSET_PASSWORD (passwordEnv of postgresql://app@127.0.0.1:1/shop)"
        + " is not set");
  }

  @Test
  void shouldPrintTheSpecReference() {
    CliRun run = CliRun.of("spec-reference");
    assertThat(run.code()).isEqualTo(BatonCli.OK);
    assertThat(run.out()).startsWith("# Migration spec reference").contains("| `verify.rechecks` | integer | `3` |");
  }
}
