package io.baton.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.cli.plan.PreflightPlan.ForeignKey;
import io.baton.cli.plan.PreflightPlan.Trigger;
import io.baton.pg.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanRenderTest {
  private static PreflightPlan sample() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    PlanFixtures.Table child = p.table("public.line");
    child.keys.add(new ForeignKey("line_order_fk", child.source, List.of("order_id"), TableName.parse("public.orders"),
        List.of("id"), true));
    child.triggers.add(new Trigger("audit", 'O', "CREATE TRIGGER audit ..."));
    PlanFixtures.Table parent = p.table("public.orders");
    parent.primaryKey.clear();
    parent.toastable.add("note | memo");
    p.order = List.of("public.orders", "public.line");
    return p.judged();
  }

  @Test
  void shouldWriteTheTextInAlignedColumnsWithEverySection() {
    String text = PlanText.render(sample());
    assertThat(text).startsWith("Preflight plan of migration shop (read-only: nothing was written)\n")
        .contains("  verdict 1 blocking risk: baton run would refuse to start or fail; fix it first (see Risks)")
        .contains("\n1. Inventory: 2 tables in scope, schema: create\n")
        .contains("\n2. Settings and rights\n")
        .contains("\n3. Estimates\n")
        .contains("\n4. Risks: 1 blocking, 2 medium, 2 low\n")
        .contains("\n5. Point of no return\n  baton finalize is the point of no return")
        .contains("load order (parents first): public.orders, public.line")
        .contains("foreign keys: line_order_fk (order_id) -> public.orders (id)")
        .contains("fix:  ALTER TABLE \"public\".\"orders\" REPLICA IDENTITY FULL;");
    List<String> lines = text.lines().toList();
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("  TABLE ")).findFirst().orElseThrow());
    int column = lines.get(header).indexOf("REPLICA IDENTITY");
    assertThat(lines.get(header + 1).substring(column)).isEqualTo("default");
    assertThat(lines.get(header + 2).substring(column)).isEqualTo("default");
    assertThat(lines.get(header + 1).indexOf("(id)")).isEqualTo(lines.get(header).indexOf("PRIMARY KEY"));
    assertThat(lines.stream().filter(l -> l.startsWith("      ")).toList()).as("wrapped risk lines")
        .isNotEmpty().allMatch(l -> l.length() <= PlanText.WIDTH);
  }

  @Test
  void shouldWriteMarkdownWithEscapedCells() {
    String md = PlanMarkdown.render(sample());
    assertThat(md).startsWith("# Preflight plan: migration shop\n")
        .contains("## 1. Inventory").contains("## 2. Settings and rights").contains("## 3. Estimates")
        .contains("## 4. Risks").contains("## 5. Point of no return")
        .contains("| public.orders | table | 100,000 | 10.0 MiB | 8.0 MiB | 0 B | 2.0 MiB | none | default |")
        .contains("- toastable: note \\| memo (TOAST 0 B)")
        .contains("| **blocking** | certain | `replica-identity/public.orders` |");
    assertThat(md.lines().filter(l -> l.startsWith("| **blocking**")).findFirst().orElseThrow().split("(?<!\\\\)\\|"))
        .as("six cells between the pipes").hasSize(7);
  }

  @Test
  void shouldWriteJsonOfTheDocumentedShape() throws Exception {
    JsonNode json = new ObjectMapper().readTree(PlanJson.render(sample()));
    assertThat(json.get("verdict").asText()).isEqualTo("blocked");
    assertThat(json.get("blocking").asInt()).isEqualTo(1);
    assertThat(json.get("load_order").toString()).isEqualTo("[\"public.orders\",\"public.line\"]");
    JsonNode line = json.get("tables").get(0);
    assertThat(line.get("foreign_keys").get(0).get("references").asText()).isEqualTo("public.orders");
    assertThat(line.get("triggers").get(0).get("state").asText()).isEqualTo("enabled");
    assertThat(line.get("target_table").isNull()).isTrue();
    assertThat(json.get("source").get("free_replication_slots").asInt()).isEqualTo(10);
    assertThat(json.get("estimates").get("copy_sample").get("bytes_per_second").asDouble()).isEqualTo(100.0 * 1024 * 1024);
    assertThat(json.get("estimates").get("target_free_bytes").isNull()).isTrue();
    JsonNode first = json.get("risks").get(0);
    assertThat(first.get("id").asText()).isEqualTo("replica-identity/public.orders");
    assertThat(first.get("severity").asText()).isEqualTo("blocking");
    assertThat(first.get("likelihood").asText()).isEqualTo("certain");
    assertThat(first.get("reference").asText()).contains("REPLICA IDENTITY");
    assertThat(json.get("point_of_no_return").asText()).contains("baton finalize").contains("rollback");
  }

  @Test
  void shouldSayWhatWasNotMeasured() {
    PlanFixtures.Plan p = new PlanFixtures.Plan();
    p.table("public.orders");
    p.walRate = null;
    p.sample = null;
    PreflightPlan plan = p.judged();
    String text = PlanText.render(plan).replaceAll("\\s+", " ");
    assertThat(text).contains("not sampled (--sample-seconds 0)")
        .contains("not measured (no table the user may read)").contains("unknown (no copy rate)")
        .contains("free disk on the target: not readable through SQL, not compared: check it")
        .contains("verdict no blocking risk")
        .contains("extensions in the source database: none");
  }

  @Test
  void shouldWriteSizesAndDurationsForPeople() {
    assertThat(Units.bytes(512)).isEqualTo("512 B");
    assertThat(Units.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Units.bytes(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GiB");
    assertThat(Units.duration(0.035)).isEqualTo("35 ms");
    assertThat(Units.duration(4.25)).isEqualTo("4.3 s");
    assertThat(Units.duration(725)).isEqualTo("12 min 5 s");
    assertThat(Units.duration(12_000)).isEqualTo("3 h 20 min");
    assertThat(Units.count(1_000_000)).isEqualTo("1,000,000");
  }
}
