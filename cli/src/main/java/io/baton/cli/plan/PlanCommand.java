package io.baton.cli.plan;

import io.baton.BatonException;
import io.baton.capture.SourceCheck;
import io.baton.cli.plan.PreflightPlan.CopySample;
import io.baton.cli.plan.PreflightPlan.Risk;
import io.baton.cli.plan.PreflightPlan.ServerReport;
import io.baton.cli.plan.PreflightPlan.TableReport;
import io.baton.pg.Database;
import io.baton.pg.TableInfo;
import io.baton.sink.TargetCheck;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RowTransform;
import io.baton.spec.SchemaMode;
import io.baton.spec.SpecException;
import io.baton.spec.TableMapping;
import io.baton.state.JournalEntry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code baton plan}: the preflight plan of a migration, taken before anything is written.
 *
 * <p>It opens one read-only session on each database ({@link ReadOnlySession}) and, in this order:
 * reads the source's WAL position; runs {@code baton run}'s own source checks
 * ({@link SourceCheck}, and {@link TargetCheck} with {@code schema: existing}) and keeps what they
 * refuse; reads the inventory ({@link Inventory}), where an earlier run of the migration stands (its
 * journal on the target, {@link JournalEntry#read}), and the settings and rights of both sides
 * ({@link Rights}); waits until the WAL sample's seconds have passed and reads the WAL position
 * again; times a COPY of the largest table ({@link Estimates#measureCopy}); derives the forecast;
 * and judges the risks ({@link Risks}). No schema, table, slot or publication is created on either
 * side, and no row changes: every transaction is read-only.
 */
public final class PlanCommand {
  /** The longest WAL sample allowed, in seconds. */
  public static final int MAX_SAMPLE_SECONDS = 600;
  private static final String SOURCE_CHECK_PREFIX = "the source cannot be migrated with this spec:";

  /** What standard output gets. */
  public enum Output {
    /** Aligned text ({@link PlanText}). */
    text,
    /** Markdown ({@link PlanMarkdown}). */
    markdown,
    /** JSON ({@link PlanJson}). */
    json
  }

  private PlanCommand() {}

  /**
   * Takes the plan, prints it in the chosen form, writes the files asked for, and prints every
   * blocking risk with its fix on {@code err}.
   *
   * @param spec the loaded spec
   * @param source the source database
   * @param target the target database
   * @param sampleSeconds how long to sample the source's WAL rate, 0 to skip; at most {@link #MAX_SAMPLE_SECONDS}
   * @param output the form for {@code out}
   * @param markdown where to write the Markdown form too, or null
   * @param json where to write the JSON form too, or null
   * @param out standard output
   * @param err standard error
   * @return the plan; it blocks the migration when {@link PreflightPlan#blocking()} is not empty
   * @throws SpecException when {@code sampleSeconds} is out of range
   * @throws BatonException when a database cannot be reached or read (retriable when the
   *     connection failed), or a file cannot be written
   */
  public static PreflightPlan run(MigrationSpec spec, Database source, Database target, int sampleSeconds, Output output,
      Path markdown, Path json, PrintStream out, PrintStream err) {
    PreflightPlan plan = take(spec, source, target, sampleSeconds);
    write(markdown, PlanMarkdown.render(plan));
    write(json, PlanJson.render(plan));
    out.print(switch (output) {
      case text -> PlanText.render(plan);
      case markdown -> PlanMarkdown.render(plan);
      case json -> PlanJson.render(plan);
    });
    out.flush();
    List<Risk> blocking = plan.blocking();
    if (!blocking.isEmpty()) {
      StringBuilder sb = new StringBuilder("baton: " + blocking.size() + " blocking risk" + (blocking.size() == 1 ? "" : "s")
          + "; fix " + (blocking.size() == 1 ? "it" : "them") + " before baton run:\n");
      for (Risk r : blocking) {
        sb.append("  - ").append(r.id()).append(": ").append(r.what()).append("\n    Fix: ").append(r.mitigation()).append('\n');
      }
      err.print(sb);
      err.flush();
    }
    return plan;
  }

  /**
   * Takes the plan without printing anything.
   *
   * @param spec the loaded spec
   * @param source the source database
   * @param target the target database
   * @param sampleSeconds how long to sample the source's WAL rate, 0 to skip
   * @return the plan, its risks judged
   * @throws SpecException when {@code sampleSeconds} is out of range
   * @throws BatonException when a database cannot be reached or read
   */
  public static PreflightPlan take(MigrationSpec spec, Database source, Database target, int sampleSeconds) {
    if (sampleSeconds < 0 || sampleSeconds > MAX_SAMPLE_SECONDS) {
      throw new SpecException("--sample-seconds must be between 0 and " + MAX_SAMPLE_SECONDS + ", not " + sampleSeconds);
    }
    try (Connection s = ReadOnlySession.open(source); Connection t = ReadOnlySession.open(target)) {
      long takenAt = System.currentTimeMillis();
      Estimates.WalPoint first = sampleSeconds > 0 ? Estimates.walPoint(s) : null;
      List<String> problems = new ArrayList<>(sourceCheck(s, spec));
      ReadOnlySession.end(s);
      Inventory.Tables inventory = Inventory.read(s, t, spec);
      List<JournalEntry> journal = JournalEntry.read(t, spec.name());
      String earlierRun = journal.isEmpty() ? null : journal.get(journal.size() - 1).to();
      List<PreflightPlan.Extension> extensions = Inventory.extensions(s, t);
      Map<String, String> targetSchemas = new LinkedHashMap<>();
      for (TableMapping m : spec.tables()) {
        targetSchemas.putIfAbsent(m.target().schema(), "tables");
      }
      targetSchemas.putIfAbsent("baton", "state");
      ServerReport sourceServer = Rights.read(s, source, Map.of("baton", "state"));
      ServerReport targetServer = Rights.read(t, target, targetSchemas);
      if (spec.schema() == SchemaMode.EXISTING) {
        Map<TableInfo, RowTransform> forward = new LinkedHashMap<>();
        for (TableMapping m : spec.tables()) {
          TableInfo info = inventory.described().get(m.source());
          if (info != null) {
            forward.put(info, m.transform(info));
          }
        }
        problems.addAll(TargetCheck.problems(t, forward));
      }
      ReadOnlySession.end(s);
      ReadOnlySession.end(t);
      Double walRate = null;
      if (first != null) {
        sleepUntil(first.nanos() + sampleSeconds * 1_000_000_000L);
        walRate = Estimates.walRate(first, Estimates.walPoint(s));
      }
      TableReport largest = Estimates.sampleTable(inventory.tables());
      CopySample sample = largest == null ? null : Estimates.measureCopy(s, largest);
      PreflightPlan.Forecast forecast = Estimates.forecast(inventory.tables(), spec.snapshot(),
          first == null ? 0 : sampleSeconds, walRate, sample);
      PreflightPlan plan = new PreflightPlan(spec.name(), takenAt, spec.schema().name().toLowerCase(java.util.Locale.ROOT),
          earlierRun, inventory.tables(), inventory.missing(), inventory.loadOrder().order(), inventory.loadOrder().cycles(),
          extensions, sourceServer, targetServer, forecast, Risks.uncovered(problems), List.of());
      return plan.withRisks(Risks.assess(plan));
    } catch (SQLException e) {
      throw new BatonException("closing the plan's sessions failed: " + e.getMessage(), e);
    }
  }

  /** @return what {@link SourceCheck} refuses, one message each; empty when it accepts the spec */
  private static List<String> sourceCheck(Connection source, MigrationSpec spec) {
    try {
      SourceCheck.check(source, spec);
      return List.of();
    } catch (BatonException e) {
      String message = e.getMessage();
      if (message == null || !message.startsWith(SOURCE_CHECK_PREFIX)) {
        throw e;
      }
      List<String> problems = new ArrayList<>();
      for (String line : message.substring(SOURCE_CHECK_PREFIX.length()).split("\n  - ")) {
        if (!line.isBlank()) {
          problems.add(line.strip());
        }
      }
      return problems;
    }
  }

  private static void sleepUntil(long nanoTime) {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      try {
        Thread.sleep(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        throw new BatonException("interrupted while sampling the source's WAL rate", e);
      }
    }
  }

  private static void write(Path file, String text) {
    if (file == null) {
      return;
    }
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BatonException("cannot write the plan to " + file + ": " + e.getMessage(), e);
    }
  }
}
