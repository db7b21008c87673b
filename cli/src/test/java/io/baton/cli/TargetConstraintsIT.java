package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secondary indexes, unique and check constraints and foreign keys are built on the target after
 * the bulk snapshot, through the spec's renames; then a transaction that inserts a parent and its
 * child, and one that deletes them, stream through although the two tables travel on different
 * partitions (the sink writes in the replica role). {@code baton reconcile} then finds every
 * foreign key holding, and after a parent is deleted without its children (on the source, and so
 * on the target), reports the orphans although the tables are equal.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class TargetConstraintsIT {
  @TempDir
  Path work;

  @Test
  void shouldBuildIndexesAndForeignKeysAfterTheCopyAndStreamAcrossThem(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, """
        CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE, name text, secret text);
        CREATE INDEX parent_name_idx ON parent (lower(name)) WHERE name <> '';
        CREATE INDEX parent_secret_idx ON parent (secret);
        CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent ON DELETE CASCADE,
          qty int CHECK (qty > 0), note text);
        CREATE INDEX child_parent_idx ON child (parent_id);
        INSERT INTO parent SELECT g, 'c' || g, 'name ' || g, 's' FROM generate_series(1, 50) g;
        INSERT INTO child SELECT g, 1 + g % 50, 1 + g % 9, 'n' FROM generate_series(1, 500) g;
        """);
    MigrationSpec spec = new SpecLoader().parse("""
        name: fk
        tables:
          - source: public.parent
            target: public.families
            columns:
              name: { rename: title }
              secret: { drop: true }
          - source: public.child
        """, "fk.yaml");
    Migration m = Migration.prepare(spec, source, target, env.kafka().bootstrapServers(), work, Environments.router(env));
    try {
      m.start();
      assertThat(query(target, "SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public'"
          + " AND indexname NOT LIKE '%pkey' ORDER BY 1")).containsExactly(
          "child_parent_idx: CREATE INDEX child_parent_idx ON public.child USING btree (parent_id)",
          "parent_code_key: CREATE UNIQUE INDEX parent_code_key ON public.families USING btree (code)",
          "parent_name_idx: CREATE INDEX parent_name_idx ON public.families USING btree (lower(title)) WHERE (title <> ''::text)");
      assertThat(query(target, "SELECT conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint"
          + " WHERE contype IN ('c', 'f') AND connamespace = 'public'::regnamespace ORDER BY 1")).containsExactly(
          "child_parent_id_fkey: FOREIGN KEY (parent_id) REFERENCES families(id) ON DELETE CASCADE",
          "child_qty_check: CHECK ((qty > 0))");

      exec(source, """
          BEGIN;
          INSERT INTO parent VALUES (100, 'c100', 'new', 's');
          INSERT INTO child VALUES (1000, 100, 3, 'new child');
          COMMIT;
          DELETE FROM parent WHERE id = 1;
          """);
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        assertThat(query(target, "SELECT count(*) FROM child WHERE parent_id = 100")).containsExactly("1");
        assertThat(query(target, "SELECT count(*) FROM families WHERE id = 1")).containsExactly("0");
        assertThat(query(target, "SELECT count(*) FROM child WHERE parent_id = 1")).containsExactly("0");
      });
      assertThat(m.verify()).allSatisfy(c -> assertThat(c.equal()).as(c.toString()).isTrue());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(ReconcileCommand.run(spec, source, target, ReconcileCommand.Output.text, false, new PrintStream(out, true)))
          .isZero();
      assertThat(out.toString()).contains("foreign key child_parent_id_fkey of public.child: every row has its parent");

      // a parent removed without its children (triggers off on the source too): both sides equal, keys broken
      exec(source, "SET session_replication_role = replica; DELETE FROM parent WHERE id = 2");
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertThat(query(target, "SELECT count(*) FROM families WHERE id = 2")).containsExactly("0"));
      out.reset();
      assertThat(ReconcileCommand.run(spec, source, target, ReconcileCommand.Output.json, false, new PrintStream(out, true)))
          .as(out.toString()).isEqualTo(BatonCli.CHECK_FAILED);
      JsonNode json = new ObjectMapper().readTree(out.toString());
      assertThat(json.get("equal").asBoolean()).as("the tables themselves").isTrue();
      assertThat(json.get("foreign_keys").toString()).isEqualTo("[{\"constraint\":\"child_parent_id_fkey\","
          + "\"child\":\"public.child\",\"parent\":\"public.families\",\"orphan_rows\":10,\"columns\":[\"parent_id\"],"
          + "\"sample\":[\"(2)\",\"(2)\",\"(2)\",\"(2)\",\"(2)\"]}]");
    } finally {
      m.close();
    }
  }
}
