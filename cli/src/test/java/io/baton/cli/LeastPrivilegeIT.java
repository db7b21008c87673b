package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.query;
import static io.baton.cli.Db.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole migration run as the role README.md describes under "The migration user: least
 * privilege", made on each side with exactly the statements of the README's SQL block (read from
 * the README, only the database names changed) and nothing else: PUBLIC's CONNECT and TEMPORARY on
 * both databases are revoked first, so the README's grants are all the role has beyond the
 * defaults of schema {@code public}. The source tables belong to {@code app_owner}, a role
 * without attributes. Proven, as that role:
 *
 * <ul>
 *   <li>it is no superuser on either side ({@code pg_roles.rolsuper}, {@code is_superuser}), has
 *       neither CREATEROLE, CREATEDB nor BYPASSRLS, and belongs to {@code app_owner} on the source
 *       and to no role on the target;
 *   <li>{@code baton plan} names no missing and no excess right; with any single right of the
 *       README's taken away, it names one (or cannot connect, for CONNECT): none is more than
 *       the migration needs;
 *   <li>{@code baton run} copies and streams pgbench's tables while pgbench writes through
 *       PgBouncer; a cutover, a rollback (reverse replication writing the source as this role, and
 *       the sequences set there) and a second cutover, each with an equal final verification, and
 *       no failed client transaction; the publications on both sides and the target tables are the
 *       role's own;
 *   <li>with the clients stopped, {@code baton reconcile} finds every table equal in row count and
 *       checksum; {@code baton finalize} leaves no slot and no publication on either side;
 *   <li>the README's clean-up statements then hand what the role owns to {@code app_owner} and
 *       drop it on both sides.
 * </ul>
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class LeastPrivilegeIT {
  private static final Logger LOG = LoggerFactory.getLogger(LeastPrivilegeIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROLE = "baton";
  private static final String SECTION = "### The migration user: least privilege";
  /** Ids of the plan's risks about the user's rights, missing or in excess ({@link io.baton.cli.plan.Risks}). */
  private static final Pattern RIGHTS_RISK = Pattern.compile("(replication|select|publication)-privilege|replica-role/.+"
      + "|target-create|target-write/.+|reverse-(replication-privilege|publication-privilege|state/.+)|excess-privilege/.+");
  private static final List<String> TABLES = List.of("pgbench_accounts", "pgbench_branches", "pgbench_tellers",
      "pgbench_history");

  @TempDir
  Path work;

  @Test
  void shouldMigrateCutOverRollBackAndFinalizeAsTheReadmesLeastPrivilegedRole(EmbeddedEnvironment env) throws Exception {
    Database sourceAdmin = Environments.source(env);
    Database targetAdmin = Environments.target(env);
    RoutedPgbench.load(sourceAdmin, work);
    exec(sourceAdmin, "CREATE ROLE app_owner NOLOGIN; " + String.join(" ", TABLES.stream()
        .map(t -> "ALTER TABLE " + t + " OWNER TO app_owner;").toList()));
    List<List<String>> blocks = readmeSqlBlocks();
    String grants = String.join("\n", blocks.get(0));
    int targetPart = grants.indexOf("-- on the target");
    assertThat(targetPart).as("the README's grants, source part then target part:%n%s", grants).isPositive();
    List<String> sourceGrants = statements(grants.substring(0, targetPart), sourceAdmin.database());
    List<String> targetGrants = statements(grants.substring(targetPart), targetAdmin.database());
    assertThat(sourceGrants).contains("GRANT app_owner TO " + ROLE).anyMatch(s -> s.startsWith("CREATE ROLE " + ROLE + " "));
    assertThat(targetGrants).anyMatch(s -> s.startsWith("CREATE ROLE " + ROLE + " "));
    Database source = asRole(sourceAdmin);
    Database target = asRole(targetAdmin);
    createRole(sourceAdmin, sourceGrants);
    createRole(targetAdmin, targetGrants);
    assertThat(query(sourceAdmin, "SELECT rolsuper FROM pg_roles WHERE rolname IN ('baton', 'app_owner')"))
        .containsExactly("f", "f");
    assertThat(value(targetAdmin, "SELECT rolsuper FROM pg_roles WHERE rolname = 'baton'")).isEqualTo("f");
    String attributes = "SELECT current_user, current_setting('is_superuser'), rolcreaterole, rolcreatedb, rolbypassrls,"
        + " (SELECT coalesce(string_agg(roleid::regrole::text, ','), 'none') FROM pg_auth_members WHERE member = r.oid)"
        + " FROM pg_roles r WHERE rolname = current_user";
    assertThat(value(source, attributes)).isEqualTo("baton|off|f|f|f|app_owner");
    assertThat(value(target, attributes)).isEqualTo("baton|off|f|f|f|none");
    assertThat(value(sourceAdmin, "SELECT rolreplication OR rolcreaterole OR rolcreatedb OR rolbypassrls"
        + " OR EXISTS (SELECT 1 FROM pg_auth_members WHERE member = r.oid) FROM pg_roles r WHERE rolname = 'app_owner'"))
        .as("app_owner has no attribute and belongs to no role").isEqualTo("f");

    Path specFile = RunningBaton.writeSpec(env, work, "lp");
    CliRun plan = plan(specFile, source, target);
    assertThat(plan.code()).as(plan.out() + plan.err()).isZero();
    JsonNode report = JSON.readTree(plan.out());
    assertThat(rightsRisks(plan)).as("rights the plan finds missing or in excess").isEmpty();
    for (String side : List.of("source", "target")) {
      assertThat(report.path(side).path("user").asText()).isEqualTo(ROLE);
      assertThat(report.path(side).path("superuser").asBoolean()).as(side).isFalse();
      assertThat(report.path(side).path("replication").asBoolean()).as(side).isTrue();
      assertThat(report.path(side).path("can_set_replica_role").asBoolean()).as(side).isTrue();
      assertThat(report.path(side).path("can_create_in_database").asBoolean()).as(side).isTrue();
    }
    assertThat(report.path("tables")).hasSize(TABLES.size()).allSatisfy(t -> assertThat(t.path("owned_by_user").asBoolean()
        && t.path("can_select").asBoolean()).as(t.path("source").asText()).isTrue());
    withdrawEachRight("source", sourceAdmin, sourceGrants, specFile, source, target);
    withdrawEachRight("target", targetAdmin, targetGrants, specFile, source, target);

    RunningBaton baton = RunningBaton.start(env, work, "lp", "least-token", source, target);
    String api = baton.api();
    try (PgbenchWorkload clients = new PgbenchWorkload(env.pgbouncer().host(), env.pgbouncer().port(),
        env.pgbouncer().alias(), sourceAdmin.user(), 2, 100, null, work.resolve("workload"), 10)) {
      clients.start();
      switchOver(baton, "cutover", "CUT_OVER");
      assertThat(query(targetAdmin, "SELECT pg_get_userbyid(pubowner) FROM pg_publication")).as("reverse publication")
          .containsExactly(ROLE);
      assertThat(query(targetAdmin, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('public', 'baton')"))
          .as("the target tables and Baton's state").containsExactly(ROLE);
      Thread.sleep(3000);
      switchOver(baton, "rollback", "ROLLED_BACK");
      assertThat(query(sourceAdmin, "SELECT pg_get_userbyid(pubowner) FROM pg_publication"))
          .as("the forward publication, made again in the rollback's pause").containsExactly(ROLE);
      Thread.sleep(3000);
      switchOver(baton, "cutover", "CUT_OVER");
      Thread.sleep(3000);
      assertThat(value(sourceAdmin, "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'baton'"))
          .as("the schema of reverse replication's state on the source").isEqualTo(ROLE);

      PgbenchWorkload.Result seen = clients.stop();
      assertThat(seen.failedTransactions()).isZero();
      assertThat(seen.failedRuns()).isZero();
      String transactions = Long.toString(seen.log().committed());
      assertThat(seen.log().committed()).isGreaterThan(500);
      await("the source holds every transaction committed on the target").atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> value(sourceAdmin, "SELECT count(*) FROM pgbench_history").equals(transactions));
      assertThat(value(targetAdmin, "SELECT count(*) FROM pgbench_history")).isEqualTo(transactions);
      CliRun reconcile = CliRun.of("reconcile", "--spec", specFile.toString(), "--source", source.toString(), "--target",
          target.toString(), "--output", "json");
      assertThat(reconcile.code()).as(reconcile.out() + reconcile.err()).isZero();
      JsonNode compared = JSON.readTree(reconcile.out());
      assertThat(compared.path("equal").asBoolean()).isTrue();
      assertThat(compared.path("tables")).hasSize(TABLES.size()).allSatisfy(t -> {
        assertThat(t.path("source_rows").asLong()).as(t.toString()).isEqualTo(t.path("target_rows").asLong());
        assertThat(t.path("source_checksum").asText()).as(t.toString()).isNotEmpty()
            .isEqualTo(t.path("target_checksum").asText());
      });
    }

    CliRun fin = CliRun.of("finalize", "--confirm", "lp", "--api", api, "--api-token-file", baton.tokenFile().toString());
    assertThat(fin.code()).as(fin.out() + fin.err()).isZero();
    baton.thread().join(Duration.ofSeconds(60).toMillis());
    assertThat(baton.exit().get()).isZero();
    for (Database admin : List.of(sourceAdmin, targetAdmin)) {
      assertThat(value(admin, "SELECT count(*) FROM pg_replication_slots")).isEqualTo("0");
      assertThat(value(admin, "SELECT count(*) FROM pg_publication")).isEqualTo("0");
    }
    assertThat(query(targetAdmin, "SELECT from_state || '>' || to_state FROM baton.journal WHERE migration = 'lp'"
        + " AND step IS NULL ORDER BY id")).as("the journal's transitions").containsSubsequence("READY>CUTTING_OVER",
        "CUT_OVER>ROLLING_BACK", "ROLLING_BACK>ROLLED_BACK", "ROLLED_BACK>CUTTING_OVER", "CUT_OVER>FINALIZED");

    List<String> cleanUp = statements(String.join("\n", blocks.get(1)), "");
    exec(targetAdmin, "CREATE ROLE app_owner NOLOGIN");
    for (Database admin : List.of(sourceAdmin, targetAdmin)) {
      for (String s : cleanUp) {
        exec(admin, s);
      }
      assertThat(value(admin, "SELECT count(*) FROM pg_roles WHERE rolname = 'baton'")).isEqualTo("0");
    }
    assertThat(query(targetAdmin, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('public', 'baton')"))
        .containsExactly("app_owner");
  }

  /**
   * Revokes PUBLIC's CONNECT and TEMPORARY on the database, then runs the README's statements for
   * that side as they are.
   */
  private static void createRole(Database admin, List<String> grants) throws Exception {
    exec(admin, "REVOKE CONNECT, TEMPORARY ON DATABASE " + admin.database() + " FROM PUBLIC");
    for (String s : grants) {
      exec(admin, s);
    }
  }

  /**
   * Takes away each right a grant of the README's gives, one at a time, and has {@code baton plan}
   * name what is missing, then gives it back.
   */
  private static void withdrawEachRight(String side, Database admin, List<String> grants, Path specFile, Database source,
      Database target) throws Exception {
    for (String grant : grants) {
      for (String[] change : withdrawals(grant)) {
        exec(admin, change[0]);
        List<String> found = rightsRisks(plan(specFile, source, target));
        LOG.info("after {} on the {}, baton plan finds: {}", change[0], side, found);
        assertThat(found).as("what baton plan finds after %s on the %s", change[0], side).isNotEmpty();
        exec(admin, change[1]);
      }
    }
  }

  /**
   * @param grant a statement of the README's: {@code CREATE ROLE r ATTRIBUTES}, {@code GRANT role TO r}
   *     or {@code GRANT PRIVILEGES ON OBJECT TO r}
   * @return for each attribute but LOGIN, role and privilege it gives, a statement taking it away and
   *     one giving it back
   */
  private static List<String[]> withdrawals(String grant) {
    Matcher role = Pattern.compile("CREATE ROLE (\\w+) (.+)").matcher(grant);
    if (role.matches()) {
      return Arrays.stream(role.group(2).split("\\s+")).filter(a -> !a.equals("LOGIN"))
          .map(a -> new String[] {"ALTER ROLE " + role.group(1) + " NO" + a, "ALTER ROLE " + role.group(1) + " " + a}).toList();
    }
    Matcher m = Pattern.compile("GRANT (.+?) (?:ON (.+) )?TO (\\w+)").matcher(grant);
    assertThat(m.matches()).as("a statement whose rights this test can take away: %s", grant).isTrue();
    String on = m.group(2) == null ? "" : " ON " + m.group(2);
    return Arrays.stream(m.group(1).split("\\s*,\\s*"))
        .map(p -> new String[] {"REVOKE " + p + on + " FROM " + m.group(3), "GRANT " + p + on + " TO " + m.group(3)}).toList();
  }

  /** Commands a switch, waits for its outcome and its final verification, which must find both sides equal. */
  private static void switchOver(RunningBaton baton, String action, String state) {
    String api = baton.api();
    if (action.equals("cutover")) {
      await("every cutover gate passes").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
          .until(() -> CliRun.of("cutover", "--dry-run", "--api", api).code() == 0);
    }
    CliRun run = CliRun.of(action, "--api", api, "--api-token-file", baton.tokenFile().toString(), "--wait-seconds", "120");
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).containsPattern("(?m)^" + action + " done: write pause \\d{1,4} ms");
    assertThat(RoutedPgbench.status(api).path("state").asText()).isEqualTo(state);
    await(action + "'s final verification").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
        .until(() -> !RoutedPgbench.status(api).path("final_verification").path("outcome").asText().equals("RUNNING"));
    assertThat(RoutedPgbench.status(api).path("final_verification").path("outcome").asText())
        .as(RoutedPgbench.status(api).toPrettyString()).isEqualTo("EQUAL");
  }

  private static CliRun plan(Path specFile, Database source, Database target) {
    return CliRun.of("plan", "--spec", specFile.toString(), "--source", source.toString(), "--target", target.toString(),
        "--output", "json", "--sample-seconds", "0");
  }

  /**
   * @return the ids of the plan's risks about rights; when no plan was printed (a database refused
   *     the connection), what the command said instead
   */
  private static List<String> rightsRisks(CliRun plan) throws IOException {
    if (plan.out().isBlank()) {
      return List.of("no plan (exit " + plan.code() + "): " + plan.err());
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode r : JSON.readTree(plan.out()).path("risks")) {
      if (RIGHTS_RISK.matcher(r.path("id").asText()).matches()) {
        ids.add(r.path("id").asText() + ": " + r.path("what").asText());
      }
    }
    return ids;
  }

  /** @return the database as the README's role, through the URL an operator would pass */
  private static Database asRole(Database admin) {
    return Database.parse("postgresql://" + ROLE + "@" + admin.host() + ":" + admin.port() + "/" + admin.database(), null);
  }

  /** @return the lines of each {@code sql} block of the README's section on the migration user, in order */
  private static List<List<String>> readmeSqlBlocks() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
    int from = lines.indexOf(SECTION);
    assertThat(from).as("README.md has the section %s", SECTION).isNotNegative();
    List<List<String>> blocks = new ArrayList<>();
    List<String> block = null;
    for (String line : lines.subList(from + 1, lines.size())) {
      if (block == null && line.startsWith("#")) {
        break;
      } else if (block == null && line.equals("```sql")) {
        block = new ArrayList<>();
      } else if (block != null && line.equals("```")) {
        blocks.add(block);
        block = null;
      } else if (block != null) {
        block.add(line);
      }
    }
    assertThat(blocks).as("the section's SQL blocks: the grants, then the clean-up").hasSize(2);
    return blocks;
  }

  /**
   * @param sql statements with {@code --} comments
   * @param database the database that {@code ON DATABASE} names instead of the README's
   * @return the statements, without comments or the final semicolon
   */
  private static List<String> statements(String sql, String database) {
    String code = sql.lines().map(l -> l.replaceFirst("--.*", "")).reduce("", (a, b) -> a + " " + b);
    return Arrays.stream(code.split(";")).map(s -> s.trim().replaceAll("\\s+", " "))
        .filter(s -> !s.isEmpty()).map(s -> s.replaceAll("ON DATABASE \\w+", "ON DATABASE " + database)).toList();
  }
}
