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
import io.baton.pg.Sql;
import io.baton.pg.TableName;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecException;
import io.baton.spec.SpecLoader;
import io.baton.state.QuarantineTable;
import io.baton.state.QuarantinedRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Production schemas as operators hand them over, end to end (target schema created from the
 * spec, bulk copy, changes streamed after the copy, reconciler): identifiers with mixed case,
 * spaces, double quotes, dots, reserved words and non-Latin letters, up to PostgreSQL's 63 bytes;
 * table names, column names and spec values that try SQL injection; multi-megabyte values, a table
 * of 320 columns, bytea holding every byte value, text holding every kind of Unicode; and invalid
 * UTF-8 from a SQL_ASCII source database, which must stop the copy rather than be replaced.
 * Every table ends with the same rows on both sides, compared as text or digests in SQL on each
 * database and by the reconciler, and the sentinel table the injection attempts name still exists.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class HostileInputIT {
  private static final String DROP = "DROP TABLE sentinel; --";
  /** A schema with a space, double quotes, a dot and upper case. */
  private static final String SALES = "Sales \"Q1\".EU";
  /** 31 two-byte letters and one ASCII letter: 63 bytes, PostgreSQL's limit, in 32 characters. */
  private static final String LONG_COLUMN = "ş".repeat(31) + "x";
  private static final String LONG_TARGET_COLUMN = "ğ".repeat(31) + "y";
  private static final String LONG_TABLE = "ı".repeat(31) + "t";
  private static final String TARGET_SCHEMA = "Ziel.Şema \"2\"";
  private static final String EVIL_USER_COLUMN = "x\"); " + DROP;
  private static final String EVIL_TABLE = "x', y'; " + DROP;
  private static final String EVIL_COLUMN = "\"); " + DROP;
  private static final String FILL = "'; " + DROP;
  private static final String MAPPED = "$$ \\ \"); " + DROP;
  private static final String DEFAULT = "'); " + DROP + " \\";
  private static final String FILTERED_USER = "x'; " + DROP;
  private static final String WIDE_COLUMN = "Wide \"Col\" ☃";
  /** Text with emoji (a ZWJ family and a flag), combining marks, right-to-left scripts and controls. */
  private static final String UNICODE = "👩‍👩‍👧‍👦 🇹🇷 e\u0301 n\u0303\u0323 שלום مرحبا \u202Eevil\u202C \uFEFF \uFFFD 𝄞 ı İ ß "
      + "tab\there nl\nhere cr\rhere back\\slash \"quote\" 'apos' $$ \u0007";

  private static final String SPEC = """
      name: hostile
      schema: create
      tables:
        - source: '"Sales ""Q1"".EU"."order"'
          target: '"Ziel.Şema ""2""\".%1$s'
          filter: 'row["user"] != "x''; DROP TABLE sentinel; --"'
          onInvalid: quarantine
          columns:
            select: { rename: order }
            Mixed Case: { rename: 'Kısa "Ad"' }
            user: { rename: 'x"); DROP TABLE sentinel; --' }
            'a"b.c':
              nullFill: '''; DROP TABLE sentinel; --'
              map: { values: { m1: '$$ \\ "); DROP TABLE sentinel; --' }, onUnmapped: keep }
              reverse: { keep: true }
            %2$s: { rename: %3$s, cast: { to: varchar(100) } }
          derive:
            'Ünï "der"': { cel: 'row["Mixed Case"] + "$$\\\\" + row["user"]' }
          validate:
            - { cel: 'row["müşterı"] != "bad"' }
        - source: 'public."x'', y''; DROP TABLE sentinel; --"'
          target: '"inj$$".\"""); DROP TABLE sentinel; --"'
          columns:
            '$$': { rename: '''; DROP TABLE sentinel; --' }
            'c\\d':
              map: { values: { keep: keep }, onUnmapped: default, default: '''); DROP TABLE sentinel; -- \\' }
              reverse: { keep: true }
        - source: public.vals
        - source: public.uni
          derive:
            n: { cel: 'row.t == null ? -1 : size(row.t)', type: integer }
        - source: hx.a_b
        - source: hx_a.b
        - source: public.wide
          columns:
            c001: { rename: 'Wide "Col" ☃' }
      verify: { continuous: false }
      """.formatted(LONG_TABLE, LONG_COLUMN, LONG_TARGET_COLUMN);

  private static final TableName ORDER = new TableName(SALES, "order");
  private static final TableName ORDER_TARGET = new TableName(TARGET_SCHEMA, LONG_TABLE);
  private static final TableName INJ_TARGET = new TableName("inj$$", EVIL_COLUMN);

  /** Spec(source) of the first table in SQL, rows as text. */
  private static final String ORDER_EXPECTED = "SELECT concat_ws('|', \"select\", \"Mixed Case\", \"user\","
      + " CASE WHEN \"a\"\"b.c\" = 'm1' THEN " + Sql.literal(MAPPED) + " ELSE coalesce(\"a\"\"b.c\", " + Sql.literal(FILL)
      + ") END, \"müşterı\", " + Sql.ident(LONG_COLUMN) + ", \"Mixed Case\" || '$$\\' || \"user\")"
      + " FROM " + ORDER.quoted() + " WHERE \"user\" <> " + Sql.literal(FILTERED_USER) + " AND \"müşterı\" <> 'bad'"
      + " ORDER BY \"select\", \"Mixed Case\" COLLATE \"C\"";
  private static final String ORDER_ACTUAL = "SELECT concat_ws('|', \"order\", \"Kısa \"\"Ad\"\"\", "
      + Sql.ident(EVIL_USER_COLUMN) + ", \"a\"\"b.c\", \"müşterı\", " + Sql.ident(LONG_TARGET_COLUMN) + ", \"Ünï \"\"der\"\"\")"
      + " FROM " + ORDER_TARGET.quoted() + " ORDER BY \"order\", \"Kısa \"\"Ad\"\"\" COLLATE \"C\"";
  private static final String INJ_EXPECTED = "SELECT concat_ws('|', id, " + Sql.ident(EVIL_COLUMN) + ", \"$$\","
      + " CASE WHEN \"c\\d\" = 'keep' THEN 'keep' ELSE " + Sql.literal(DEFAULT) + " END) FROM public." + Sql.ident(EVIL_TABLE)
      + " ORDER BY id";
  private static final String INJ_ACTUAL = "SELECT concat_ws('|', id, " + Sql.ident(EVIL_COLUMN) + ", " + Sql.ident(FILL)
      + ", \"c\\d\") FROM " + INJ_TARGET.quoted() + " ORDER BY id";
  private static final String VALS = "SELECT id, length(t), md5(t), length(b), md5(b) FROM public.vals ORDER BY id";
  private static final String UNI = "SELECT id, md5(t), length(t) FROM public.uni ORDER BY id";
  private static final String WIDE_ROWS = "SELECT md5(w::text) FROM public.wide w ORDER BY id";

  @TempDir
  Path work;

  @Test
  void shouldMigrateHostileNamesValuesAndInjectionAttemptsVerbatim(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    Database target = Environments.target(env);
    assertThat(LONG_COLUMN.getBytes(StandardCharsets.UTF_8)).hasSize(63);
    assertThat(LONG_TABLE.getBytes(StandardCharsets.UTF_8)).hasSize(63);
    for (Database db : List.of(source, target)) {
      exec(db, "CREATE TABLE sentinel (id int); INSERT INTO sentinel VALUES (1)");
    }
    exec(source, "CREATE SCHEMA " + Sql.ident(SALES) + ";"
        + "CREATE TABLE " + ORDER.quoted() + " (\"select\" int NOT NULL, \"Mixed Case\" text NOT NULL, \"user\" text NOT NULL,"
        + " \"a\"\"b.c\" text, \"müşterı\" text NOT NULL, " + Sql.ident(LONG_COLUMN) + " text,"
        + " PRIMARY KEY (\"select\", \"Mixed Case\"));"
        + "INSERT INTO " + ORDER.quoted() + " SELECT g, CASE WHEN g % 2 = 0 THEN 'İstanbul ' ELSE 'Ωmega \"' END || g,"
        + " CASE WHEN g % 17 = 0 THEN " + Sql.literal(FILTERED_USER) + " ELSE 'u' || g || ' $$ \\' END,"
        + " CASE WHEN g % 3 = 0 THEN NULL WHEN g % 3 = 1 THEN 'm1' ELSE 'plain ' || g END,"
        + " CASE WHEN g % 23 = 0 THEN 'bad' ELSE 'müşterı ' || g END, repeat('ş', g % 50)"
        + " FROM generate_series(1, 600) g;"
        + "CREATE TABLE public." + Sql.ident(EVIL_TABLE) + " (id int PRIMARY KEY, " + Sql.ident(EVIL_COLUMN) + " text,"
        + " \"$$\" text, \"c\\d\" text);"
        + "INSERT INTO public." + Sql.ident(EVIL_TABLE) + " SELECT g, " + Sql.literal(FILL) + " || g, '$$' || g || '$$',"
        + " CASE WHEN g % 2 = 0 THEN 'keep' ELSE 'c\\d' || g END FROM generate_series(1, 50) g;"
        + "CREATE TABLE public.vals (id int PRIMARY KEY, t text, b bytea);"
        // 5 MiB of text, 5 MiB of bytea, every byte value, random garbage without NUL
        + "INSERT INTO public.vals SELECT 1, string_agg(md5(g::text) || 'ğ👩‍👩‍👧', '' ORDER BY g), NULL"
        + " FROM generate_series(1, 120000) g;"
        + "INSERT INTO public.vals SELECT 2, NULL, decode(string_agg(md5(g::text), '' ORDER BY g), 'hex')"
        + " FROM generate_series(1, 327680) g;"
        + "INSERT INTO public.vals SELECT 3, '', decode(string_agg(lpad(to_hex(g), 2, '0'), '' ORDER BY g), 'hex')"
        + " FROM generate_series(0, 255) g;"
        + "INSERT INTO public.vals SELECT 4, 'garbage', decode(string_agg(lpad(to_hex(1 + (g * 7919 + g / 13) % 255), 2, '0'),"
        + " '' ORDER BY g), 'hex') FROM generate_series(1, 200000) g;"
        + "CREATE TABLE public.uni (id int PRIMARY KEY, t text);"
        + "INSERT INTO public.uni VALUES (1, " + Sql.literal(UNICODE) + "), (2, ''), (3, NULL), (4, "
        + Sql.literal(UNICODE.repeat(3)) + ");"
        + "INSERT INTO public.uni SELECT 5, string_agg(" + Sql.literal(UNICODE) + " || g, '' ORDER BY g)"
        + " FROM generate_series(1, 15000) g;"
        // Kafka refuses two topics whose names differ only in '.' against '_'
        + "CREATE SCHEMA hx; CREATE SCHEMA hx_a; CREATE TABLE hx.a_b (id int PRIMARY KEY, v text);"
        + "CREATE TABLE hx_a.b (id int PRIMARY KEY, v text);"
        + "INSERT INTO hx.a_b SELECT g, 'hx.a_b ' || g FROM generate_series(1, 10) g;"
        + "INSERT INTO hx_a.b SELECT g, 'hx_a.b ' || g FROM generate_series(1, 20) g;"
        + "CREATE TABLE public.wide (id int PRIMARY KEY, "
        + IntStream.rangeClosed(1, 320).mapToObj(i -> String.format("c%03d %s", i, i % 3 == 0 ? "int" : "text"))
            .collect(Collectors.joining(", ")) + ");"
        + "INSERT INTO public.wide SELECT g, "
        + IntStream.rangeClosed(1, 320).mapToObj(i -> i % 3 == 0 ? "g * " + i : "'v" + i + "-' || g")
            .collect(Collectors.joining(", ")) + " FROM generate_series(1, 200) g;");

    MigrationSpec spec = new SpecLoader().parse(SPEC, "hostile.yaml");
    try (Migration migration = Migration.prepare(spec, source, target, env.kafka().bootstrapServers(), work.resolve("state"),
        Environments.router(env))) {
      migration.start();
      assertThat(query(target, ORDER_ACTUAL)).as("the bulk copy wrote spec(source)").hasSize(540)
          .isEqualTo(query(source, ORDER_EXPECTED));
      assertThat(query(target, INJ_ACTUAL)).hasSize(50).isEqualTo(query(source, INJ_EXPECTED));
      assertThat(query(target, VALS)).isEqualTo(query(source, VALS));
      assertThat(query(target, UNI)).isEqualTo(query(source, UNI));
      assertThat(query(target, WIDE_ROWS)).hasSize(200).isEqualTo(query(source, WIDE_ROWS));

      exec(source, "INSERT INTO " + ORDER.quoted() + " VALUES (1000, 'Straße \"\\', 'u1000', 'm1', 'ok', 'x'),"
          + " (1001, 'skip', " + Sql.literal(FILTERED_USER) + ", NULL, 'ok', NULL), (1002, 'q', 'u', NULL, 'bad', NULL);"
          + "UPDATE " + ORDER.quoted() + " SET \"Mixed Case\" = 'İ renamed \"key\"' WHERE \"select\" = 2;"
          + "UPDATE " + ORDER.quoted() + " SET \"user\" = " + Sql.literal(FILTERED_USER) + " WHERE \"select\" = 3;"
          + "UPDATE " + ORDER.quoted() + " SET \"a\"\"b.c\" = NULL, " + Sql.ident(LONG_COLUMN) + " = 'ş' WHERE \"select\" = 4;"
          + "DELETE FROM " + ORDER.quoted() + " WHERE \"select\" BETWEEN 10 AND 14;"
          + "INSERT INTO public." + Sql.ident(EVIL_TABLE) + " VALUES (51, " + Sql.literal(FILL) + ", '$$', 'x\\y');"
          + "UPDATE public." + Sql.ident(EVIL_TABLE) + " SET \"$$\" = " + Sql.literal(MAPPED) + " WHERE id = 1;"
          + "DELETE FROM public." + Sql.ident(EVIL_TABLE) + " WHERE id = 2;"
          + "UPDATE public.vals SET t = (SELECT string_agg(md5((g + 1)::text) || 'ü🇹🇷', '' ORDER BY g)"
          + " FROM generate_series(1, 120000) g) WHERE id = 1;"
          + "INSERT INTO public.vals SELECT 5, 'b', decode(string_agg(md5((g * 3)::text), '' ORDER BY g), 'hex')"
          + " FROM generate_series(1, 327680) g;"
          + "INSERT INTO public.vals SELECT 6, NULL, decode(string_agg(lpad(to_hex(255 - g), 2, '0'), '' ORDER BY g), 'hex')"
          + " FROM generate_series(0, 255) g;"
          + "INSERT INTO public.uni VALUES (6, " + Sql.literal("new " + UNICODE) + ");"
          + "UPDATE public.uni SET t = reverse(t) WHERE id = 1;"
          + "UPDATE public.wide SET c160 = 'changed ☃', c320 = NULL WHERE id % 10 = 0;"
          + "INSERT INTO public.wide (id, c001, c319) VALUES (201, 'first', 'last');"
          + "INSERT INTO hx.a_b VALUES (11, 'streamed a_b'); INSERT INTO hx_a.b VALUES (21, 'streamed b');");
      migration.catchUp();

      assertThat(query(target, ORDER_ACTUAL)).as("the stream wrote spec(source)").hasSize(535)
          .isEqualTo(query(source, ORDER_EXPECTED));
      assertThat(value(target, "SELECT " + Sql.ident(EVIL_USER_COLUMN) + " || '|' || \"a\"\"b.c\" FROM " + ORDER_TARGET.quoted()
          + " WHERE \"order\" = 1000")).isEqualTo("u1000|" + MAPPED);
      assertThat(query(target, INJ_ACTUAL)).hasSize(50).isEqualTo(query(source, INJ_EXPECTED));
      assertThat(value(target, "SELECT " + Sql.ident(FILL) + " || '|' || \"c\\d\" FROM " + INJ_TARGET.quoted() + " WHERE id = 51"))
          .isEqualTo("$$|" + DEFAULT);
      assertThat(query(target, VALS)).hasSize(6).isEqualTo(query(source, VALS));
      assertThat(value(target, "SELECT encode(b, 'hex') FROM public.vals WHERE id = 3"))
          .isEqualTo(IntStream.range(0, 256).mapToObj(i -> String.format("%02x", i)).collect(Collectors.joining()));
      assertThat(value(target, "SELECT count(DISTINCT get_byte(b, g)) FROM public.vals, generate_series(0, 199999) g"
          + " WHERE id = 4")).isEqualTo("255");
      assertThat(query(target, UNI)).hasSize(6).isEqualTo(query(source, UNI));
      assertThat(value(target, "SELECT t FROM public.uni WHERE id = 6")).isEqualTo("new " + UNICODE);
      assertThat(value(target, "SELECT count(*) FROM public.uni WHERE n IS DISTINCT FROM coalesce(length(t), -1)")).isEqualTo("0");
      assertThat(query(target, WIDE_ROWS)).hasSize(201).isEqualTo(query(source, WIDE_ROWS));
      for (String t : List.of("hx.a_b", "hx_a.b")) {
        assertThat(query(target, "SELECT id, v FROM " + t + " ORDER BY id")).hasSize(t.equals("hx.a_b") ? 11 : 21)
            .isEqualTo(query(source, "SELECT id, v FROM " + t + " ORDER BY id"));
      }
      assertThat(value(target, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'wide'")).isEqualTo("321");
      assertThat(value(target, "SELECT count(*) FROM information_schema.columns WHERE column_name = "
          + Sql.literal(WIDE_COLUMN))).isEqualTo("1");

      // quarantined rows name their table in a form that reads back as the same table
      long bad = Long.parseLong(value(source, "SELECT count(*) FROM " + ORDER.quoted() + " WHERE \"müşterı\" = 'bad'"
          + " AND \"user\" <> " + Sql.literal(FILTERED_USER)));
      assertThat(bad).isEqualTo(26);
      assertThat(value(target, "SELECT count(*) FROM baton.quarantine WHERE migration = 'hostile'")).isEqualTo(Long.toString(bad));
      try (Connection c = target.connect()) {
        List<QuarantinedRow> rows = QuarantineTable.list(c, "hostile", 100);
        assertThat(rows).hasSize((int) bad).allSatisfy(r -> assertThat(r.sourceTable()).isEqualTo(ORDER));
      }
      assertThat(value(target, "SELECT source_key FROM baton.quarantine WHERE migration = 'hostile' AND lsn <> 'snapshot'"))
          .isEqualTo("{\"select\":\"1002\",\"Mixed Case\":\"q\"}");

      assertThat(migration.verify()).hasSize(7).allSatisfy(c -> assertThat(c.equal()).as(c.toString()).isTrue());
      exec(target, "SET session_replication_role = replica; UPDATE " + INJ_TARGET.quoted() + " SET \"c\\d\" = 'tampered'"
          + " WHERE id = 3");
      assertThat(migration.verify()).filteredOn(c -> !c.equal()).singleElement()
          .satisfies(c -> assertThat(c.mismatchedRows()).isEqualTo(1));
    }
    for (Database db : List.of(source, target)) {
      assertThat(value(db, "SELECT count(*) FROM sentinel")).as("the sentinel table survived on " + db).isEqualTo("1");
    }
  }

  @Test
  void shouldRefuseATypeThatIsNotATypeName() {
    String yaml = "name: badcast\ntables:\n  - source: public.t\n    columns:\n      c: { cast: { to: 'text); " + DROP + "' } }\n";
    assertThatThrownBy(() -> new SpecLoader().parse(yaml, "badcast.yaml")).isInstanceOf(SpecException.class)
        .hasMessageContaining("cast.to");
  }

  @Test
  void shouldStopOnInvalidUtf8InsteadOfReplacingIt(EmbeddedEnvironment env) throws Exception {
    Database postgres = Environments.source(env);
    exec(postgres, "CREATE DATABASE ascii_src ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
    Database source = new Database(postgres.host(), postgres.port(), "ascii_src", postgres.user(), null);
    Database target = Environments.target(env);
    // 0xE9 is é in Latin-1 and no UTF-8 at all; a SQL_ASCII database stores whatever bytes it is given
    exec(source, "CREATE SCHEMA latin; CREATE TABLE latin.names (id int PRIMARY KEY, name text);"
        + "INSERT INTO latin.names VALUES (1, 'plain'), (2, E'caf\\xe9'), (3, 'ok')");
    MigrationSpec spec = new SpecLoader().parse("""
        name: latin
        tables:
          - source: latin.names
            derive:
              shout: { cel: 'row.name.upperAscii()' }
        verify: { continuous: false }
        """, "latin.yaml");
    try (Migration migration = Migration.prepare(spec, source, target, env.kafka().bootstrapServers(), work.resolve("latin"),
        Environments.router(env))) {
      // the source server itself refuses to send the bytes as UTF-8 (SQLSTATE 22021); should any reach
      // Baton's decoder, it refuses them too, naming the column and key (CopyTextTest)
      assertThatThrownBy(migration::start).isInstanceOf(BatonException.class).hasMessageContaining("latin.names")
          .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("invalid byte sequence for encoding \"UTF8\": 0xe9",
              "column name of the row with key {id=2} is not valid UTF-8"));
    }
    assertThat(value(target, "SELECT count(*) FROM latin.names WHERE name LIKE '%\uFFFD%'")).isEqualTo("0");
  }
}
