package io.baton.cli;

import static io.baton.cli.Db.exec;
import static io.baton.cli.Db.query;
import static io.baton.cli.Db.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A beneficiaries table migrated the way a consultancy migration is: registration dates kept as
 * dd/MM/yyyy text become a date column; legacy 4-digit location codes become ISO 3166-2 codes
 * through a CSV lookup, and a code the lookup lacks sets the row aside for review; three legacy
 * programme ids become one; rows without a name are quarantined; the target gets a deterministic
 * UUID key. A writer inserts, updates (names, codes, programmes) and deletes rows during the bulk
 * copy and after it. At the end the target holds exactly the rows the spec accepts, checked
 * independently of the reconciler, and the quarantine holds every row that is invalid now.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class BeneficiariesIT {
  private static final String NAMESPACE = "9f1c6d2e-4b7a-4c1e-9a55-2f0d3c7b8e61";
  private static final String SPEC = """
      name: benef
      schema: create
      tables:
        - source: legacy.beneficiaries
          target: public.beneficiaries
          columns:
            registered: { rename: registered_on, cast: { to: date, format: dd/MM/yyyy } }
            location_code:
              rename: region
              map: { file: locations.csv, onUnmapped: reject }
              cast: { to: text }
            programme_id:
              map: { values: { "11": "10", "12": "10", "13": "10" }, onUnmapped: keep }
              reverse: { keep: true }
          derive:
            beneficiary_uuid: { uuid5: { namespace: %s, from: [id] } }
          validate:
            - { column: full_name, notNull: true }
          onInvalid: quarantine
      verify: { continuous: false }
      """.formatted(NAMESPACE);
  private static final String[] CODES = {"0101", "0102", "0203", "0304", "9999"};

  @TempDir
  Path work;

  @Test
  void shouldHoldExactlyWhatTheSpecSaysInTargetAndQuarantine(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, """
        CREATE SCHEMA legacy;
        CREATE TABLE legacy.beneficiaries (id int PRIMARY KEY, full_name text, registered text NOT NULL,
          location_code char(4) NOT NULL, programme_id int NOT NULL);
        INSERT INTO legacy.beneficiaries SELECT g, CASE WHEN g % 97 = 0 THEN NULL ELSE 'beneficiary ' || g END,
          to_char(DATE '2015-01-01' + g % 3000, 'DD/MM/YYYY'),
          (ARRAY['0101', '0102', '0203', '0304', '9999'])[1 + g % 5], 10 + g % 5
          FROM generate_series(1, 20000) g;
        """);
    Files.writeString(work.resolve("locations.csv"), "legacy_code,iso_3166_2\n0101,GB-LND\n0102,GB-MAN\n0203,FR-75\n"
        + "0304,DE-BE\n");
    Path specFile = Files.writeString(work.resolve("benef.yaml"), SPEC);
    MigrationSpec spec = new SpecLoader().load(specFile);

    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong changes = new AtomicLong();
    AtomicReference<Throwable> writerFailed = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      Random random = new Random(7);
      int next = 20001;
      try (Connection c = source.connect()) {
        while (writing.get()) {
          int id = 1 + random.nextInt(next - 1);
          switch (random.nextInt(5)) {
            case 0 -> run(c, "INSERT INTO legacy.beneficiaries VALUES (?, ?, '01/02/2024', ?, 11)", next++,
                random.nextInt(10) == 0 ? null : "new " + next, CODES[random.nextInt(CODES.length)]);
            case 1 -> run(c, "UPDATE legacy.beneficiaries SET full_name = ? WHERE id = ?",
                random.nextInt(4) == 0 ? null : "renamed " + id, id);
            case 2 -> run(c, "UPDATE legacy.beneficiaries SET location_code = ? WHERE id = ?",
                CODES[random.nextInt(CODES.length)], id);
            case 3 -> run(c, "UPDATE legacy.beneficiaries SET programme_id = ?, registered = '29/02/2020' WHERE id = ?",
                10 + random.nextInt(5), id);
            default -> run(c, "DELETE FROM legacy.beneficiaries WHERE id = ?", id);
          }
          changes.incrementAndGet();
          Thread.sleep(2);
        }
      } catch (Throwable e) {
        writerFailed.set(e);
      }
    }, "beneficiaries-writer");

    try (Migration migration = Migration.prepare(spec, source, target, env.kafka().bootstrapServers(), work.resolve("state"),
        Environments.router(env))) {
      writer.start();
      migration.start();
      long byCopyEnd = changes.get();
      Thread.sleep(5000);
      writing.set(false);
      writer.join();
      assertThat(writerFailed.get()).isNull();
      assertThat(byCopyEnd).as("changes written by the end of the bulk copy").isPositive();
      assertThat(changes.get()).as("changes in all").isGreaterThan(byCopyEnd);
      migration.catchUp();

      String accepted = "full_name IS NOT NULL AND location_code IN ('0101', '0102', '0203', '0304')";
      String expected = "SELECT id || '|' || full_name || '|' || to_date(registered, 'DD/MM/YYYY') || '|' || CASE location_code"
          + " WHEN '0101' THEN 'GB-LND' WHEN '0102' THEN 'GB-MAN' WHEN '0203' THEN 'FR-75' ELSE 'DE-BE' END || '|'"
          + " || CASE WHEN programme_id IN (11, 12, 13) THEN 10 ELSE programme_id END FROM legacy.beneficiaries WHERE "
          + accepted + " ORDER BY id";
      List<String> want = query(source, expected);
      List<String> got = query(target, "SELECT id || '|' || full_name || '|' || registered_on || '|' || region || '|'"
          + " || programme_id FROM public.beneficiaries ORDER BY id");
      assertThat(got).as("the target holds exactly the accepted rows, transformed").isEqualTo(want);
      assertThat(want.size()).isGreaterThan(10_000);
      String someId = want.get(want.size() / 2).split("\\|")[0];
      assertThat(value(target, "SELECT beneficiary_uuid FROM public.beneficiaries WHERE id = " + someId)).as("deterministic")
          .isEqualTo(io.baton.spec.value.Uuid5.of(java.util.UUID.fromString(NAMESPACE), someId).toString());
      assertThat(value(target, "SELECT count(DISTINCT beneficiary_uuid) FROM public.beneficiaries"))
          .isEqualTo(Integer.toString(want.size()));

      List<String> invalidNow = query(source, "SELECT '{\"id\":\"' || id || '\"}' FROM legacy.beneficiaries WHERE NOT ("
          + accepted + ") ORDER BY 1");
      List<String> quarantined = query(target, "SELECT DISTINCT source_key FROM baton.quarantine WHERE migration = 'benef'"
          + " ORDER BY 1");
      assertThat(quarantined).as("every row that is invalid now was set aside").containsAll(invalidNow);
      assertThat(query(target, "SELECT DISTINCT rule FROM baton.quarantine WHERE migration = 'benef' ORDER BY 1"))
          .containsExactly("map 4 values (locations.csv), unmapped: reject", "validate notNull");
      assertThat(migration.verify()).singleElement().satisfies(c -> {
        assertThat(c.sourceRows()).isEqualTo(want.size());
        assertThat(c.targetRows()).isEqualTo(want.size());
      });
    }
  }

  private static void run(Connection c, String sql, Object... args) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }
}
