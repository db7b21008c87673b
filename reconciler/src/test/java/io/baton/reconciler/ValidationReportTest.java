package io.baton.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.pg.TableName;
import io.baton.state.JournalEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidationReportTest {
  private static final long NOW = 1_795_000_000_000L;
  private static final TableComparison EQUAL = new TableComparison("public.orders", "public.sales", 500, 500, "77", "77", 0,
      12, List.of(), List.of(new CheckResult("sample of 100 rows", true, 100, 0, List.of())));
  private static final VerifyResults.TableResult LIVE = new VerifyResults.TableResult("public.orders", "public.sales", 3,
      NOW - 5000, NOW - 1000, 500, 500, 0, NOW - 1000);

  private static ValidationReport report(ValidationReport.TableReport... tables) {
    return new ValidationReport("shop", NOW, List.of(tables), List.of(
        new JournalEntry(NOW - 9000, "operator", "PLANNED", "SNAPSHOTTING", "4 tables"),
        new JournalEntry(NOW - 5000, "operator", "STREAMING", "CUT_OVER", "write pause 183 ms | drain 90 ms")));
  }

  @Test
  void shouldValidateOnlyWhenEveryTablePasses() {
    ValidationReport.TableReport good = new ValidationReport.TableReport(EQUAL, EQUAL.sourceRows(), 0, 0, List.of(), LIVE);
    assertThat(report(good).status()).isEqualTo(ValidationReport.Status.VALIDATED);

    TableComparison failedCheck = new TableComparison("public.items", "public.items", 10, 10, "5", "5", 0, 1, List.of(),
        List.of(new CheckResult("count of the whole table", false, 1, 1, List.of("group (): count 10 on the source, 9"))));
    assertThat(report(good, new ValidationReport.TableReport(failedCheck, failedCheck.sourceRows(), 0, 0, List.of(), null)).status())
        .isEqualTo(ValidationReport.Status.FAILED);

    ReferentialCheck.ForeignKey orphans = new ReferentialCheck.ForeignKey("sales_customer_fkey", TableName.parse("public.sales"),
        List.of("customer_id"), TableName.parse("public.customers"), 2, List.of("(7)", "(9)"));
    assertThat(report(new ValidationReport.TableReport(EQUAL, EQUAL.sourceRows(), 0, 0, List.of(orphans), LIVE)).status())
        .isEqualTo(ValidationReport.Status.FAILED);

    TableComparison fewer = new TableComparison("public.orders", "public.sales", 500, 498, "77", "70", 2, 12, List.of());
    assertThat(report(new ValidationReport.TableReport(fewer, fewer.sourceRows(), 0, 0, List.of(), LIVE)).tables().get(0).actualVariance())
        .isEqualTo(2);
    assertThat(report(new ValidationReport.TableReport(fewer, fewer.sourceRows(), 0, 0, List.of(), LIVE)).status())
        .isEqualTo(ValidationReport.Status.FAILED);
  }

  @Test
  void shouldWriteMarkdownWithATableRowAndDetailsPerTable() {
    ReferentialCheck.ForeignKey orphans = new ReferentialCheck.ForeignKey("sales_customer_fkey", TableName.parse("public.sales"),
        List.of("customer_id"), TableName.parse("public.customers"), 2, List.of("(7)", "(9)"));
    String md = report(new ValidationReport.TableReport(EQUAL, EQUAL.sourceRows(), 0, 0, List.of(orphans), LIVE)).markdown();
    assertThat(md).startsWith("# Validation report: migration shop\n\nGenerated 2026-11-18T")
        .contains("Status: **FAILED**")
        .contains("| public.orders → public.sales | 500 | 500 | 0 | 0 | equal | 0 | 1 of 1 passed | 2 | 2026-11-18T")
        .contains("- Check sample of 100 rows: passed, 100 compared, 0 differ.")
        .contains("- Foreign key sales_customer_fkey [customer_id] → public.customers: **2 rows without parent**, such as [(7), (9)].")
        .contains("- Live verification: 3 passes; the last, finished 2026-11-18T")
        .contains("## Journal")
        .contains("| operator | STREAMING | CUT_OVER | write pause 183 ms \\| drain 90 ms |");
  }

  @Test
  void shouldWriteJsonWithVarianceAndVerdicts() throws Exception {
    JsonNode json = new ObjectMapper().readTree(report(new ValidationReport.TableReport(EQUAL, EQUAL.sourceRows(), 0, 0, List.of(), null)).json());
    assertThat(json.get("status").asText()).isEqualTo("VALIDATED");
    JsonNode t = json.get("tables").get(0);
    assertThat(t.get("expected_variance").toString()).isEqualTo("{\"quarantined\":0,\"filtered\":0,\"total\":0}");
    assertThat(t.get("actual_variance").asLong()).isZero();
    assertThat(t.get("checks").get(0).get("name").asText()).isEqualTo("sample of 100 rows");
    assertThat(t.get("live").isNull()).isTrue();
    assertThat(t.get("result").asText()).isEqualTo("passed");
    assertThat(json.get("journal").get(0).get("to").asText()).isEqualTo("SNAPSHOTTING");
    assertThat(json.get("journal").get(0).get("from").isNull()).isFalse();
    assertThat(Map.of("source", t.get("source").asText())).containsEntry("source", "public.orders");
  }
}
