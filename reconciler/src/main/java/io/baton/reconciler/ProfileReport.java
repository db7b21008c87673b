package io.baton.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Collectors;

/** The profiles of a spec's source tables ({@link SourceProfiler}) as Markdown and as JSON. */
public final class ProfileReport {
  private ProfileReport() {}

  /**
   * @param migration the migration's name
   * @param tables the profiles, in spec order
   * @return a Markdown document: per table, a line on the rows profiled and a table of its columns
   */
  public static String markdown(String migration, List<SourceProfiler.TableProfile> tables) {
    return markdown(migration, tables, List.of());
  }

  /**
   * @param migration the migration's name
   * @param tables the profiles, in spec order
   * @param dryRuns the spec's dry runs, for the tables whose spec changes values or validates rows
   * @return the profiles, then a section on the dry run: per table, rows read and rows the spec
   *     rejects, and per rule broken its count and first examples
   */
  public static String markdown(String migration, List<SourceProfiler.TableProfile> tables, List<SpecDryRun.Result> dryRuns) {
    StringBuilder md = new StringBuilder("# Source profile: migration ").append(migration).append('\n');
    for (SourceProfiler.TableProfile t : tables) {
      md.append("\n## ").append(t.table()).append("\n\n");
      md.append(String.format("%,d rows profiled%s.%n%n", t.profiledRows(), t.sampled()
          ? String.format(", a random sample of about %,d estimated rows", t.estimatedRows()) : " (every row)"));
      md.append("| column | type | nulls | distinct | min | max | length | most common values | patterns |\n");
      md.append("| --- | --- | ---: | ---: | --- | --- | --- | --- | --- |\n");
      for (SourceProfiler.ColumnProfile c : t.columns()) {
        md.append("| ").append(c.column()).append(" | ").append(c.type()).append(" | ")
            .append(String.format("%,d (%s)", c.nulls(), percent(c.nulls(), t.profiledRows()))).append(" | ")
            .append(String.format("%,d", c.distinct())).append(" | ").append(cell(c.min())).append(" | ")
            .append(cell(c.max())).append(" | ").append(c.minLength()).append('-').append(c.maxLength()).append(" | ")
            .append(counts(c.common())).append(" | ").append(counts(c.patterns())).append(" |\n");
      }
    }
    if (!dryRuns.isEmpty()) {
      md.append("\n# Dry run of the spec (every row, nothing written)\n");
    }
    for (SpecDryRun.Result d : dryRuns) {
      md.append("\n## ").append(d.table()).append("\n\n");
      md.append(String.format("%,d rows read; ", d.rows()));
      if (d.filtered() > 0) {
        md.append(String.format("%,d (%s) left out by the filter; ", d.filtered(), percent(d.filtered(), d.rows())));
      }
      md.append(String.format("%,d (%s) break at least one rule, and would %s.%n", d.rejected(),
          percent(d.rejected(), d.rows()), d.onInvalid().equals("quarantine") ? "be quarantined" : "halt the migration"));
      if (!d.rules().isEmpty()) {
        md.append("\n| column | rule | rows | examples |\n| --- | --- | ---: | --- |\n");
        for (SpecDryRun.RuleCount r : d.rules()) {
          md.append("| ").append(r.column()).append(" | ").append(cell(r.rule())).append(" | ")
              .append(String.format("%,d", r.rows())).append(" | ")
              .append(String.join("<br>", r.examples().stream().map(ProfileReport::cell).toList())).append(" |\n");
        }
      }
    }
    return md.toString();
  }

  private static String percent(long part, long whole) {
    return whole == 0 ? "0%" : String.format("%.1f%%", 100.0 * part / whole);
  }

  private static String cell(String v) {
    return v == null ? "" : "`" + v.replace("|", "\\|").replace("`", "'") + "`";
  }

  private static String counts(List<SourceProfiler.ValueCount> values) {
    return values.stream().map(v -> cell(v.value()) + " " + String.format("%,d", v.rows())).collect(Collectors.joining(", "));
  }

  /**
   * @param migration the migration's name
   * @param tables the profiles
   * @return indented JSON: {@code migration}, {@code tables: [{"table", "estimated_rows",
   *     "profiled_rows", "sampled", "columns": [{"column", "type", "nulls", "distinct", "min", "max",
   *     "min_length", "max_length", "common": [{"value", "rows"}], "patterns": [...]}]}]}
   */
  public static String json(String migration, List<SourceProfiler.TableProfile> tables) {
    return json(migration, tables, List.of());
  }

  /**
   * @param migration the migration's name
   * @param tables the profiles
   * @param dryRuns the spec's dry runs
   * @return as {@link #json(String, List)}, and {@code dry_run: [{"table", "rows", "rejected",
   *     "on_invalid", "rules": [{"column", "rule", "rows", "examples": []}]}]}
   */
  public static String json(String migration, List<SourceProfiler.TableProfile> tables, List<SpecDryRun.Result> dryRuns) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode().put("migration", migration);
    ArrayNode out = root.putArray("tables");
    for (SourceProfiler.TableProfile t : tables) {
      ObjectNode tn = out.addObject().put("table", t.table()).put("estimated_rows", t.estimatedRows())
          .put("profiled_rows", t.profiledRows()).put("sampled", t.sampled());
      ArrayNode cols = tn.putArray("columns");
      for (SourceProfiler.ColumnProfile c : t.columns()) {
        ObjectNode cn = cols.addObject().put("column", c.column()).put("type", c.type()).put("nulls", c.nulls())
            .put("distinct", c.distinct()).put("min", c.min()).put("max", c.max()).put("min_length", c.minLength())
            .put("max_length", c.maxLength());
        c.common().forEach(v -> cn.withArray("common").addObject().put("value", v.value()).put("rows", v.rows()));
        c.patterns().forEach(v -> cn.withArray("patterns").addObject().put("value", v.value()).put("rows", v.rows()));
      }
    }
    ArrayNode dry = root.putArray("dry_run");
    for (SpecDryRun.Result d : dryRuns) {
      ObjectNode dn = dry.addObject().put("table", d.table()).put("rows", d.rows()).put("filtered", d.filtered())
          .put("rejected", d.rejected())
          .put("on_invalid", d.onInvalid());
      ArrayNode rules = dn.putArray("rules");
      for (SpecDryRun.RuleCount r : d.rules()) {
        ObjectNode rn = rules.addObject().put("column", r.column()).put("rule", r.rule()).put("rows", r.rows());
        r.examples().forEach(rn.putArray("examples")::add);
      }
    }
    try {
      return mapper.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the profile as JSON", e);
    }
  }
}
