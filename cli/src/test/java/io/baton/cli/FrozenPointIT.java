package io.baton.cli;

import static io.baton.cli.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.pg.Lsn;
import io.baton.pg.TableInfo;
import io.baton.reconciler.FrozenPoint;
import io.baton.spec.RowTransform;
import io.baton.spec.SpecLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The final verification reads both databases as they stood when the snapshots were exported:
 * writes after the freeze on either side do not change its answer, and a real difference at the
 * freeze is reported with the table and both counts.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class FrozenPointIT {
  private static final String TABLE = """
      DROP TABLE IF EXISTS frozen_point;
      CREATE TABLE frozen_point (id int PRIMARY KEY, v text);
      INSERT INTO frozen_point SELECT g, 'v' || g FROM generate_series(1, 300000) g;
      """;

  @Test
  void shouldCompareBothSidesAsTheyStoodAtTheFreeze(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, TABLE);
    exec(target, TABLE);
    try {
      Map<TableInfo, RowTransform> tables = Migration.check(new SpecLoader().parse("""
          name: fp
          tables:
            - source: public.frozen_point
          """, "fp.yaml"), source, target, env.kafka().bootstrapServers());

      FrozenPoint before = FrozenPoint.open(source, target);
      before.export(new Lsn(0x1000), 1000);
      exec(source, "DELETE FROM frozen_point WHERE id = 1");
      exec(target, "INSERT INTO frozen_point VALUES (300001, 'written after the freeze')");
      FrozenPoint.Result equal = before.verify(tables);
      assertThat(equal.equal()).as(equal.summary()).isTrue();
      assertThat(equal.summary()).isEqualTo("at freeze LSN 0/1000: 1 table equal, 300,000 rows (" + equal.millis() + " ms)");

      FrozenPoint after = FrozenPoint.open(source, target);
      after.export(new Lsn(0x2000), 1000);
      FrozenPoint.Result different = after.verify(tables);
      assertThat(different.equal()).isFalse();
      assertThat(different.summary()).isEqualTo("at freeze LSN 0/2000: 1 of 1 tables differ: public.frozen_point"
          + " (299999 rows on the source, 300001 on the target)");

      exec(target, "DELETE FROM frozen_point WHERE id IN (1, 300001); UPDATE frozen_point SET v = 'changed' WHERE id = 7");
      FrozenPoint changed = FrozenPoint.open(source, target);
      changed.export(new Lsn(0x3000), 1000);
      assertThat(changed.verify(tables).summary()).endsWith("(299999 rows on the source, 299999 on the target, checksums differ)");
    } finally {
      exec(source, "DROP TABLE frozen_point");
      exec(target, "DROP TABLE frozen_point");
    }
  }
}
