package io.baton.cli.plan;

import io.baton.cli.plan.PreflightPlan.Extension;
import io.baton.cli.plan.PreflightPlan.Risk;
import io.baton.cli.plan.PreflightPlan.TableReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plan as text for a terminal: sections numbered as the plan is built (inventory, settings
 * and rights, estimates, risks, point of no return), tables aligned in columns, long sentences
 * wrapped at {@link #WIDTH} characters.
 */
public final class PlanText {
  /** Where long lines are wrapped. */
  static final int WIDTH = 110;

  private PlanText() {}

  /**
   * @param plan the plan
   * @return the text, ending with a line break
   */
  public static String render(PreflightPlan plan) {
    StringBuilder out = new StringBuilder();
    out.append("Preflight plan of migration ").append(plan.migration()).append(" (read-only: nothing was written)\n");
    out.append("taken ").append(Instant.ofEpochMilli(plan.takenAtMs())).append('\n');
    out.append("  source  ").append(plan.source().url()).append("  PostgreSQL ").append(plan.source().version()).append('\n');
    out.append("  target  ").append(plan.target().url()).append("  PostgreSQL ").append(plan.target().version()).append('\n');
    out.append("  earlier run ").append(PlanFacts.earlierRun(plan)).append('\n');
    out.append("  verdict ").append(PlanFacts.verdict(plan)).append("\n\n");

    out.append("1. Inventory: ").append(plan.tables().size()).append(" table").append(plan.tables().size() == 1 ? "" : "s")
        .append(" in scope, schema: ").append(plan.schemaMode()).append('\n');
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TABLE", "KIND", "EST. ROWS", "TOTAL", "HEAP", "TOAST", "INDEXES", "PRIMARY KEY", "REPLICA IDENTITY"});
    for (TableReport t : plan.tables()) {
      rows.add(new String[] {t.source().toString(), t.kind(), t.estimatedRows() < 0 ? "unknown" : Units.count(t.estimatedRows()),
          Units.bytes(t.totalBytes()), Units.bytes(t.heapBytes()), Units.bytes(t.toastBytes()), Units.bytes(t.indexBytes()),
          t.primaryKey().isEmpty() ? "none" : "(" + String.join(", ", t.primaryKey()) + ")", t.replicaIdentityName()});
    }
    table(out, rows, "  ", 2, 3, 4, 5, 6);
    for (TableReport t : plan.tables()) {
      out.append('\n').append("  ").append(t.source()).append(" -> ").append(t.target()).append('\n');
      Map<String, String> details = PlanFacts.details(plan, t);
      int w = details.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
      details.forEach((k, v) -> wrap(out, "    " + pad(k + ":", w), v));
    }
    out.append('\n');
    wrap(out, "  load order (parents first): ", plan.loadOrder().isEmpty() ? "none" : String.join(", ", plan.loadOrder()));
    wrap(out, "  foreign-key cycles: ", plan.cycles().isEmpty() ? "none"
        : String.join("; ", plan.cycles().stream().map(c -> String.join(" <-> ", c)).toList()));
    if (!plan.missingTables().isEmpty()) {
      wrap(out, "  missing on the source: ", String.join(", ", plan.missingTables()));
    }
    if (plan.extensions().isEmpty()) {
      out.append("  extensions in the source database: none\n");
    } else {
      out.append("  extensions in the source database:\n");
      List<String[]> ext = new ArrayList<>();
      ext.add(new String[] {"NAME", "SOURCE", "TARGET", "AVAILABLE ON TARGET"});
      for (Extension e : plan.extensions()) {
        ext.add(new String[] {e.name(), e.sourceVersion(), e.targetVersion() == null ? "not installed" : e.targetVersion(),
            e.targetAvailable() == null ? "no" : e.targetAvailable()});
      }
      table(out, ext, "    ");
    }

    out.append("\n2. Settings and rights\n");
    List<String[]> settings = new ArrayList<>();
    settings.add(new String[] {"", "SOURCE", "TARGET"});
    settings.addAll(PlanFacts.settings(plan));
    table(out, settings, "  ");

    out.append("\n3. Estimates\n");
    Map<String, String> estimates = PlanFacts.estimates(plan.forecast());
    int ew = estimates.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
    estimates.forEach((k, v) -> wrap(out, "  " + pad(k, ew), v));

    out.append("\n4. Risks: ").append(PlanFacts.riskCounts(plan)).append('\n');
    for (Risk r : plan.risks()) {
      out.append("  ").append(pad(r.severity().label(), 9)).append(pad(r.likelihood().label(), 9)).append(r.id()).append('\n');
      wrap(out, "      what: ", r.what());
      wrap(out, "      fix:  ", r.mitigation());
      wrap(out, "      see:  ", r.reference());
    }

    out.append("\n5. Point of no return\n");
    wrap(out, "  ", PreflightPlan.POINT_OF_NO_RETURN);
    return out.toString();
  }

  /** Appends rows in aligned columns; the columns listed in {@code right} are right-aligned. */
  static void table(StringBuilder out, List<String[]> rows, String indent, int... right) {
    int cols = rows.get(0).length;
    int[] w = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < cols; i++) {
        boolean alignRight = false;
        for (int x : right) {
          alignRight |= x == i;
        }
        String cell = alignRight ? " ".repeat(w[i] - r[i].length()) + r[i] : pad(r[i], w[i]);
        line.append(cell).append(i == cols - 1 ? "" : "  ");
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }

  /** Appends {@code text} after {@code lead}, wrapped at {@link #WIDTH}, continuation lines indented under the text. */
  static void wrap(StringBuilder out, String lead, String text) {
    String indent = " ".repeat(lead.length());
    StringBuilder line = new StringBuilder(lead);
    boolean first = true;
    for (String word : text.split(" ")) {
      if (!first && line.length() + 1 + word.length() > WIDTH && line.length() > indent.length()) {
        out.append(line.toString().stripTrailing()).append('\n');
        line = new StringBuilder(indent);
        first = true;
      }
      if (!first) {
        line.append(' ');
      }
      line.append(word);
      first = false;
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}
