package io.baton.cli.plan;

import io.baton.cli.plan.PreflightPlan.Extension;
import io.baton.cli.plan.PreflightPlan.Risk;
import io.baton.cli.plan.PreflightPlan.TableReport;
import java.time.Instant;
import java.util.Map;

/**
 * The plan as Markdown (GitHub flavour: pipe tables), for a change ticket or a runbook: the same
 * sections and words as {@link PlanText}, SQL in code spans. Cells have their {@code |} escaped
 * and line breaks replaced by spaces.
 */
public final class PlanMarkdown {
  private PlanMarkdown() {}

  /**
   * @param plan the plan
   * @return the Markdown document, ending with a line break
   */
  public static String render(PreflightPlan plan) {
    StringBuilder md = new StringBuilder();
    md.append("# Preflight plan: migration ").append(plan.migration()).append("\n\n");
    md.append("Taken ").append(Instant.ofEpochMilli(plan.takenAtMs())).append(" in read-only transactions: nothing was"
        + " written to either database.\n\n");
    md.append("- source: `").append(plan.source().url()).append("`, PostgreSQL ").append(plan.source().version()).append('\n');
    md.append("- target: `").append(plan.target().url()).append("`, PostgreSQL ").append(plan.target().version()).append('\n');
    md.append("- earlier run: ").append(cell(PlanFacts.earlierRun(plan))).append('\n');
    md.append("- **verdict**: ").append(cell(PlanFacts.verdict(plan))).append("\n\n");

    md.append("## 1. Inventory\n\n");
    md.append(plan.tables().size()).append(" table").append(plan.tables().size() == 1 ? "" : "s")
        .append(" in scope, `schema: ").append(plan.schemaMode()).append("`.\n\n");
    md.append("| table | kind | est. rows | total | heap | TOAST | indexes | primary key | replica identity |\n");
    md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
    for (TableReport t : plan.tables()) {
      md.append("| ").append(cell(t.source().toString())).append(" | ").append(t.kind()).append(" | ")
          .append(t.estimatedRows() < 0 ? "unknown" : Units.count(t.estimatedRows())).append(" | ")
          .append(Units.bytes(t.totalBytes())).append(" | ").append(Units.bytes(t.heapBytes())).append(" | ")
          .append(Units.bytes(t.toastBytes())).append(" | ").append(Units.bytes(t.indexBytes())).append(" | ")
          .append(t.primaryKey().isEmpty() ? "none" : cell("(" + String.join(", ", t.primaryKey()) + ")")).append(" | ")
          .append(cell(t.replicaIdentityName())).append(" |\n");
    }
    for (TableReport t : plan.tables()) {
      md.append("\n### ").append(cell(t.source().toString())).append(" → ").append(cell(t.target().toString())).append("\n\n");
      for (Map.Entry<String, String> d : PlanFacts.details(plan, t).entrySet()) {
        md.append("- ").append(d.getKey()).append(": ").append(cell(d.getValue())).append('\n');
      }
    }
    md.append("\n### Load order\n\nParents first: ")
        .append(plan.loadOrder().isEmpty() ? "none" : cell(String.join(", ", plan.loadOrder()))).append(".\n\n");
    md.append("Foreign-key cycles: ").append(plan.cycles().isEmpty() ? "none"
        : cell(String.join("; ", plan.cycles().stream().map(c -> String.join(" ↔ ", c)).toList()))).append(".\n");
    if (!plan.missingTables().isEmpty()) {
      md.append("\nMissing on the source: ").append(cell(String.join(", ", plan.missingTables()))).append(".\n");
    }
    md.append("\n### Extensions in the source database\n\n| extension | source | target | available on target |\n"
        + "| --- | --- | --- | --- |\n");
    for (Extension e : plan.extensions()) {
      md.append("| ").append(cell(e.name())).append(" | ").append(cell(e.sourceVersion())).append(" | ")
          .append(e.targetVersion() == null ? "not installed" : cell(e.targetVersion())).append(" | ")
          .append(e.targetAvailable() == null ? "no" : cell(e.targetAvailable())).append(" |\n");
    }

    md.append("\n## 2. Settings and rights\n\n| | source | target |\n| --- | --- | --- |\n");
    for (String[] row : PlanFacts.settings(plan)) {
      md.append("| ").append(cell(row[0])).append(" | ").append(cell(row[1])).append(" | ").append(cell(row[2])).append(" |\n");
    }

    md.append("\n## 3. Estimates\n\n");
    PlanFacts.estimates(plan.forecast()).forEach((k, v) -> md.append("- ").append(k).append(": ").append(cell(v)).append('\n'));

    md.append("\n## 4. Risks\n\n").append(PlanFacts.riskCounts(plan)).append(".\n\n");
    if (!plan.risks().isEmpty()) {
      md.append("| severity | likelihood | id | what | mitigation | source |\n| --- | --- | --- | --- | --- | --- |\n");
      for (Risk r : plan.risks()) {
        md.append("| ").append(r.severity() == PreflightPlan.Severity.BLOCKING ? "**blocking**" : r.severity().label())
            .append(" | ").append(r.likelihood().label()).append(" | `").append(cell(r.id())).append("` | ")
            .append(cell(r.what())).append(" | ").append(cell(r.mitigation())).append(" | ").append(cell(r.reference()))
            .append(" |\n");
      }
    }

    md.append("\n## 5. Point of no return\n\n").append(PreflightPlan.POINT_OF_NO_RETURN).append('\n');
    return md.toString();
  }

  /** @return the text made safe for one table cell or list item */
  static String cell(String text) {
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
  }
}
