package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A custom row plugin (found by ServiceLoader) runs in the bulk copy, the stream and the
 * reconciler alike; one that cannot be undone needs {@code reverse: keep} before anything starts.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class PluginIT {
  private static final String SPEC = """
      name: plug
      schema: create
      tables:
        - source: pl.people
          plugin: { name: trimmed-names%s }
      verify: { continuous: false }
      """;

  @TempDir
  Path work;

  @Test
  void shouldRunTheSamePluginInEveryPath(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, """
        CREATE SCHEMA pl;
        CREATE TABLE pl.people (id int PRIMARY KEY, name text);
        INSERT INTO pl.people SELECT g, '  person   ' || g || '  ' FROM generate_series(1, 1000) g;
        """);
    MigrationSpec lossy = new SpecLoader().parse(SPEC.formatted(""), "plug.yaml");
    assertThatThrownBy(() -> Migration.prepare(lossy, source, target, env.kafka().bootstrapServers(), work.resolve("state"),
        Environments.router(env))).isInstanceOf(BatonException.class)
        .hasMessageContaining("plugin trimmed-names cannot be undone");

    MigrationSpec spec = new SpecLoader().parse(SPEC.formatted(", reverse: keep"), "plug.yaml");
    try (Migration migration = Migration.prepare(spec, source, target, env.kafka().bootstrapServers(), work.resolve("state"),
        Environments.router(env))) {
      migration.start();
      assertThat(value(target, "SELECT name FROM pl.people WHERE id = 7")).isEqualTo("person 7");
      exec(source, "INSERT INTO pl.people VALUES (1001, ' late   comer '); UPDATE pl.people SET name = 'a    b' WHERE id = 8");
      migration.catchUp();
      assertThat(value(target, "SELECT name FROM pl.people WHERE id = 1001")).isEqualTo("late comer");
      assertThat(value(target, "SELECT name FROM pl.people WHERE id = 8")).isEqualTo("a b");
      assertThat(migration.verify()).singleElement().satisfies(c -> {
        assertThat(c.equal()).isTrue();
        assertThat(c.targetRows()).isEqualTo(1001);
      });
    }
  }
}
