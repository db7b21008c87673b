package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.query;
import static io.baton.cli.Db.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.reconciler.TableComparison;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk snapshot in chunks, stopped twice by a failing chunk and continued each time while the
 * source keeps changing: chunks that committed are not copied again, a keyed table finishes under
 * a newer snapshot, a keyless table is copied again as a whole without doubling a row, and the
 * target ends equal to the source. The failures are real: a target trigger rejects one row (an
 * ALWAYS trigger, since Baton loads in the replica role, where ordinary triggers do not fire).
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class SnapshotResumeIT {
  private static final String SPEC = """
      name: resume
      schema: existing
      snapshot: { parallelism: 1, chunkMegabytes: 1 }
      tables:
        - source: public.accounts
        - source: public.audit
        - source: public.ledger
        - source: public.tricky
      """;
  private static final String DDL = """
      CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(12,2), note text);
      CREATE TABLE audit (who text, what text);
      CREATE TABLE ledger (region text, seq int, amount int, PRIMARY KEY (region, seq));
      CREATE TABLE tricky (id int PRIMARY KEY, t text, arr text[], j jsonb, ts timestamptz, f float8, b bytea);
      CREATE FUNCTION reject_boom() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW::text LIKE '%boom%' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
      """;

  @TempDir
  Path work;

  @Test
  void shouldFinishAnInterruptedSnapshotWithoutCopyingDoneChunksAgainOrDoublingKeylessRows(EmbeddedEnvironment env)
      throws SQLException {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, DDL + """
        ALTER TABLE audit REPLICA IDENTITY FULL;
        INSERT INTO accounts SELECT g, 'owner ' || g, g * 0.5, repeat('n', 120) FROM generate_series(1, 60000) g;
        UPDATE accounts SET note = 'boom' WHERE id = 30000;
        INSERT INTO audit SELECT 'user ' || (g % 50), repeat('w', 80) FROM generate_series(1, 40000) g;
        UPDATE audit SET what = 'boom' WHERE ctid = (SELECT ctid FROM audit OFFSET 20000 LIMIT 1);
        INSERT INTO ledger SELECT 'region ' || (g % 7), g, g % 1000 FROM generate_series(1, 30000) g;
        INSERT INTO tricky VALUES
          (1, '', '{}', '{"a": "b,c"}', '2024-02-29 12:00:00+05:30', 'NaN', '\\x00ff'),
          (2, NULL, ARRAY[NULL, 'x y', 'q"uote', 'back\\slash'], 'null', 'infinity', '-Infinity', ''),
          (3, 'tab\tnew
        line (paren), comma', '{{a,b},{c,d}}', '[1, 2.50]', NULL, 1e-300, NULL),
          (4, 'ünïcødé 😀 עברית', ARRAY['é'], '{}', '1999-12-31 23:59:59.999999+00', 0.1, '\\x5c');
        ANALYZE;
        """);
    exec(target, DDL + "CREATE TRIGGER boom BEFORE INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION reject_boom();"
        + " ALTER TABLE accounts ENABLE ALWAYS TRIGGER boom;");
    MigrationSpec spec = new SpecLoader().parse(SPEC, "resume.yaml");

    // run 1: accounts (largest, copied first) fails in a middle chunk
    assertThatThrownBy(() -> prepare(env, spec).start())
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("of public.accounts")
        .hasMessageContaining("injected failure");
    int accountChunks = Integer.parseInt(value(target, chunks("accounts", "true")));
    String doneAfterRun1 = value(target, chunks("accounts", "done_at IS NOT NULL"));
    assertThat(accountChunks).isGreaterThan(4);
    assertThat(Integer.parseInt(doneAfterRun1)).isBetween(1, accountChunks - 1);
    assertThat(value(target, "SELECT count(*) FROM accounts"))
        .as("the target holds exactly the rows of the chunks journaled as done")
        .isEqualTo(value(target, "SELECT sum(rows) FROM baton.snapshot_chunks WHERE source_table = '\"public\".\"accounts\"'"));
    String firstChunkDoneAt = value(target, "SELECT done_at FROM baton.snapshot_chunks WHERE chunk = 0 AND source_table LIKE '%accounts%'");

    exec(source, """
        UPDATE accounts SET balance = balance + 1000 WHERE id IN (10, 30000, 59000);
        DELETE FROM accounts WHERE id IN (20, 45000);
        INSERT INTO accounts VALUES (70000, 'new owner', 1, 'after the first stop');
        INSERT INTO audit SELECT 'late', 'x' || g FROM generate_series(1, 100) g;
        UPDATE ledger SET amount = -1 WHERE seq % 1000 = 0;
        """);

    // run 2: accounts finishes under a new snapshot; audit (keyless) fails half-way
    exec(target, "DROP TRIGGER boom ON accounts; CREATE TRIGGER boom BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION reject_boom();"
        + " ALTER TABLE audit ENABLE ALWAYS TRIGGER boom;");
    assertThatThrownBy(() -> prepare(env, spec).start())
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("of public.audit");
    assertThat(value(target, chunks("accounts", "done_at IS NOT NULL"))).isEqualTo(Integer.toString(accountChunks));
    assertThat(value(target, "SELECT done_at FROM baton.snapshot_chunks WHERE chunk = 0 AND source_table LIKE '%accounts%'"))
        .as("a chunk done before the stop is not copied again").isEqualTo(firstChunkDoneAt);
    assertThat(Integer.parseInt(value(target, chunks("audit", "true")))).isGreaterThan(1);

    exec(source, """
        DELETE FROM audit WHERE who = 'user 7';
        INSERT INTO audit SELECT 'later', 'y' || g FROM generate_series(1, 50) g;
        UPDATE audit SET what = 'changed' WHERE who = 'user 8';
        UPDATE accounts SET owner = 'renamed' WHERE id BETWEEN 100 AND 110;
        """);

    // run 3: audit is copied again as a whole, then streaming applies only what its copy did not see
    exec(target, "DROP TRIGGER boom ON audit");
    Migration m = prepare(env, spec);
    try {
      m.start();
      assertThat(value(target, "SELECT count(*) FROM baton.snapshot_tables WHERE filter_snapshot IS NOT NULL"))
          .as("only the keyless table that was copied again filters its stream").isEqualTo("1");
      exec(source, """
          INSERT INTO audit VALUES ('streamed', 'z');
          DELETE FROM accounts WHERE id = 30000;
          """);
      List<TableComparison> result = m.verify();
      assertThat(result).allSatisfy(c -> assertThat(c.equal()).as(c.source() + " " + c).isTrue());
      for (TableComparison c : result.subList(2, 4)) {
        assertThat(value(target, "SELECT sum(checksum) FROM baton.snapshot_chunks WHERE source_table = '\"public\".\""
            + c.source().substring("public.".length()) + "\"'"))
            .as("checksum computed while copying %s equals the one PostgreSQL computes", c.source())
            .isEqualTo(c.targetChecksum());
      }
      assertThat(query(target, "SELECT count(*) FROM audit WHERE who IN ('late', 'later', 'streamed')"))
          .containsExactly("151");
    } finally {
      m.close();
    }
  }

  private static String chunks(String table, String where) {
    return "SELECT count(*) FROM baton.snapshot_chunks WHERE source_table = '\"public\".\"" + table + "\"' AND " + where;
  }

  private Migration prepare(EmbeddedEnvironment env, MigrationSpec spec) {
    return Migration.prepare(spec, Environments.source(env), Environments.target(env), env.kafka().bootstrapServers(),
        work, Environments.router(env));
  }
}
