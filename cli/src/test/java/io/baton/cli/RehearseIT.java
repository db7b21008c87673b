package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton rehearse} on the shop example: own schema (serial keys, defaults, a foreign key),
 * own spec (a table and a column renamed, a column dropped) and own pgbench script, whose inserts
 * on the target after cutover and on the source after rollback draw ids from sequences that
 * Baton must carry across in each write pause.
 */
class RehearseIT {
  @TempDir
  Path work;

  @Test
  void shouldRehearseTheShopExampleFromTheCommandLine() throws Exception {
    Path examples = Path.of(System.getProperty("user.dir")).getParent().resolve("examples/shop");
    Path json = work.resolve("summary.json");
    int code = BatonCli.execute("rehearse", "--source-sql", examples.resolve("schema.sql").toString(),
        "--spec", examples.resolve("spec.yaml").toString(), "--workload", examples.resolve("workload.sql").toString(),
        "--phase-seconds", "3", "--summary-json", json.toString(), "--work-dir", work.toString());
    JsonNode s = new ObjectMapper().readTree(json.toFile());
    assertThat(s.path("failures").toString()).isEqualTo("[]");
    assertThat(code).isZero();
    assertThat(s.path("status").asText()).isEqualTo("ok");
    assertThat(s.path("snapshot").path("rows").asLong()).isGreaterThanOrEqualTo(60_000);
    assertThat(s.path("workload").path("transactions").asLong()).isGreaterThan(500);
    assertThat(s.path("workload").path("failed_transactions").asLong()).isZero();
    assertThat(s.path("reconcile").path("equal").asBoolean()).isTrue();
    assertThat(s.path("reconcile").path("steps")).hasSize(4);
    assertThat(s.path("reconcile").path("steps").get(2).path("tables").get(1).path("target").asText())
        .isEqualTo("public.purchases");
    assertThat(s.path("cutover").path("runs").asInt()).isEqualTo(1);
    assertThat(s.path("cutover").path("write_pause_ms").path("max").asLong()).isBetween(0L, 4999L);
    assertThat(s.path("rollback").path("write_pause_ms").path("max").asLong()).isBetween(0L, 4999L);
    assertThat(s.path("rollback").path("reconcile_equal").toString()).isEqualTo("[true]");
    assertThat(s.path("cutover").path("final_verification").toString()).isEqualTo("[\"EQUAL\"]");
    assertThat(s.path("rollback").path("final_verification").toString()).isEqualTo("[\"EQUAL\"]");
    assertThat(s.path("slots_left").asInt()).isZero();
  }
}
