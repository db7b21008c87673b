package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.query;
import static io.baton.cli.Db.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import io.baton.cutover.TrafficRouters;
import io.baton.embedded.CertificateAuthority;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.embedded.EmbeddedEnvironmentOptions;
import io.baton.embedded.PostgresServer;
import io.baton.pg.Database;
import io.baton.pg.Tls;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to both databases: both clusters serve TLS only (a {@code pg_hba.conf} of {@code hostssl}
 * lines and {@code hostnossl ... reject}, so a connection that falls back to plain text fails), with
 * a server certificate for 127.0.0.1 signed by a CA made for the test. A migration whose spec says
 * {@code sslmode=verify-full} with that CA copies, streams and reconciles; while it streams, every
 * session of Baton's user on both servers, the source's walsender included, is encrypted
 * ({@code pg_stat_ssl}), and the server logs show that every connection Baton opened, the exported
 * snapshot's replication connection included, was authorized over TLS and none was tried without.
 * With a CA that did not sign the servers' certificate, {@code baton run} stops at once, naming the
 * database and the TLS settings.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
@EmbeddedEnvironmentOptions(tls = true, pgbouncer = false)
class TlsIT {
  private static final String TABLES = """
      name: tlsx
      schema: create
      tables:
        - source: shop.orders
          columns:
            note: { rename: remark }
      verify: { continuous: false }
      """;
  private static final String ROWS = "SELECT concat_ws('|', id, customer, total, %s) FROM shop.orders ORDER BY id";

  @TempDir
  Path work;

  @Test
  void shouldMigrateOverVerifiedTlsOnly(EmbeddedEnvironment env) throws Exception {
    Database adminSource = Environments.source(env);
    Database adminTarget = Environments.target(env);
    exec(adminSource, """
        CREATE ROLE baton LOGIN SUPERUSER REPLICATION;
        CREATE SCHEMA shop;
        CREATE TABLE shop.orders (id int PRIMARY KEY, customer text NOT NULL, total numeric(10,2) NOT NULL, note text);
        INSERT INTO shop.orders SELECT g, 'c' || (g % 97), g * 1.25, CASE WHEN g % 3 = 0 THEN 'n' || g END
          FROM generate_series(1, 3000) g;
        """);
    exec(adminTarget, "CREATE ROLE baton LOGIN SUPERUSER REPLICATION");
    String ca = env.certificateAuthority().certificate().toString();
    Path specFile = Files.writeString(work.resolve("tlsx.yaml"), TABLES + """
        source: { url: "postgresql://baton@127.0.0.1:%d/app?sslmode=verify-full&sslrootcert=%s" }
        target: { url: "postgresql://baton@127.0.0.1:%d/app?sslmode=verify-full&sslrootcert=%s" }
        """.formatted(env.source().port(), ca, env.target().port(), ca));
    MigrationSpec spec = new SpecLoader().load(specFile);
    Database source = spec.source().database(name -> null, null);
    Database target = spec.target().database(name -> null, null);
    assertThat(List.of(source.tls().mode(), target.tls().mode())).containsOnly(Tls.Mode.VERIFY_FULL);

    try (Migration migration = Migration.prepare(spec, source, target, env.kafka().bootstrapServers(), work.resolve("state"),
        TrafficRouters.from(null, source))) {
      migration.start();
      assertThat(query(target, ROWS.formatted("remark"))).as("the bulk copy").isEqualTo(query(source, ROWS.formatted("note")));
      exec(adminSource, """
          INSERT INTO shop.orders SELECT g, 'new', g, 'late' FROM generate_series(3001, 3100) g;
          UPDATE shop.orders SET total = total + 1, note = 'changed' WHERE id % 50 = 0;
          DELETE FROM shop.orders WHERE id BETWEEN 10 AND 19;
          """);
      migration.catchUp();
      assertThat(query(target, ROWS.formatted("remark"))).as("the stream").isEqualTo(query(source, ROWS.formatted("note")));

      String sessions = "SELECT a.backend_type || ' ssl=' || s.ssl || coalesce(' ' || s.version, '')"
          + " FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.usename = 'baton' ORDER BY 1";
      List<String> onSource = query(adminSource, sessions);
      List<String> onTarget = query(adminTarget, sessions);
      assertThat(onSource).as("Baton's sessions on the source while it streams").isNotEmpty()
          .anySatisfy(s -> assertThat(s).startsWith("walsender ssl=true TLSv1."))
          .allSatisfy(s -> assertThat(s).contains(" ssl=true TLSv1."));
      assertThat(onTarget).as("Baton's sessions on the target while it streams (the sink's)").isNotEmpty()
          .allSatisfy(s -> assertThat(s).contains(" ssl=true TLSv1."));

      assertThat(migration.verify()).singleElement().satisfies(c -> assertThat(c.equal()).as(c.toString()).isTrue());
    }

    assertOnlyTlsConnectionsFromBaton(env.source(), 2);
    assertOnlyTlsConnectionsFromBaton(env.target(), 0);
    Database plain = Database.parse("postgresql://baton@127.0.0.1:" + env.source().port() + "/app?sslmode=disable", null);
    assertThatThrownBy(plain::connect).as("the servers refuse a connection without TLS").isInstanceOf(BatonException.class)
        .hasMessageContaining("no encryption");
    assertThat(value(adminSource, "SELECT count(*) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)"
        + " WHERE a.usename = 'baton' AND a.backend_type = 'walsender'")).as("the walsender stopped with the migration")
        .isEqualTo("0");
  }

  @Test
  void shouldStopAtOnceNamingTheDatabaseAndTlsWhenTheCaDidNotSignTheServersCertificate(EmbeddedEnvironment env)
      throws Exception {
    Path otherCa = CertificateAuthority.create(work.resolve("other-ca"), "Not the servers CA").certificate();
    Path specFile = Files.writeString(work.resolve("tlsx.yaml"), TABLES);
    String sourceUrl = "postgresql://baton@127.0.0.1:" + env.source().port() + "/app?sslmode=verify-full&sslrootcert=" + otherCa;
    String targetUrl = "postgresql://baton@127.0.0.1:" + env.target().port() + "/app?sslmode=verify-full&sslrootcert="
        + env.certificateAuthority().certificate();
    long started = System.nanoTime();
    CliRun run = CliRun.of("run", "--spec", specFile.toString(), "--source", sourceUrl, "--target", targetUrl, "--kafka",
        env.kafka().bootstrapServers(), "--work-dir", work.resolve("state").toString(), "--listen", "off");
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(run.code()).as(run.err()).isEqualTo(BatonCli.ENVIRONMENT);
    assertThat(millis).as("fails fast, no retries").isLessThan(20_000);
    assertThat(run.err()).contains("cannot connect to " + sourceUrl).contains("the TLS connection failed")
        .contains("TLS sslmode=verify-full, sslrootcert=" + otherCa).contains("signed by the CA in sslrootcert");
  }

  /**
   * Reads the server log ({@code log_connections}): every connection of Baton's user was authorized
   * over TLS, at least {@code replication} of them replication connections, and none was refused
   * for want of TLS (Baton never tried plain text).
   */
  private static void assertOnlyTlsConnectionsFromBaton(PostgresServer server, int replication) throws Exception {
    List<String> log = Files.readAllLines(server.logFile(), StandardCharsets.UTF_8);
    List<String> authorized = log.stream().filter(l -> l.contains("connection authorized: user=baton")).toList();
    assertThat(authorized).as(server.name() + ": Baton's connections").isNotEmpty()
        .allSatisfy(l -> assertThat(l).contains("SSL enabled (protocol=TLSv1."));
    assertThat(authorized.stream().filter(l -> l.contains("replication connection authorized"))).as(server.name()
        + ": the exported snapshot's and Debezium's replication connections").hasSizeGreaterThanOrEqualTo(replication);
    assertThat(log).as(server.name() + ": no connection of Baton's without TLS")
        .noneMatch(l -> l.contains("user \"baton\"") && l.contains("no encryption"));
  }
}
