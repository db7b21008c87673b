package io.baton.spec;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each kind of mistake in a spec gets an error that names the file, the line and column, the key
 * path, what was expected, and for a misspelt key the closest known one; a password written in
 * the spec is refused without being repeated.
 */
class MalformedSpecTest {
  private final SpecLoader loader = new SpecLoader(Map.of("SCHEMA", "app")::get);

  static Stream<Arguments> mistakes() {
    String tables = "tables:\n  - source: public.orders\n";
    return Stream.of(
        Arguments.of("misspelt top-level key", "name: shop\ntabels:\n  - source: t\n",
            new String[] {"shop.yaml line 2 column 1", "unknown key 'tabels'", "did you mean 'tables'?"}),
        Arguments.of("misspelt key in a column rule", "name: shop\n" + tables + "    columns:\n      total: { renam: amount }\n",
            new String[] {"shop.yaml line 5", "unknown key 'renam'", "tables[0].columns.total", "did you mean 'rename'?"}),
        Arguments.of("missing name", tables,
            new String[] {"shop.yaml", "name"}),
        Arguments.of("text where a number belongs", "name: shop\n" + tables + "apply:\n  threads: many\n",
            new String[] {"shop.yaml line 5 column 12", "at apply.threads: expected an integer, got 'many'"}),
        Arguments.of("number out of range", "name: shop\n" + tables + "snapshot:\n  parallelism: 0\n",
            new String[] {"shop.yaml line 5 column 3 at snapshot.parallelism", "snapshot.parallelism must be between 1 and 64, was 0"}),
        Arguments.of("unknown schema mode", "name: shop\nschema: maybe\n" + tables,
            new String[] {"shop.yaml line 2 column 9 at schema: expected one of create, existing, got 'maybe'"}),
        Arguments.of("unset environment variable", "name: shop\n" + tables + "source:\n  url: postgresql://app@${DB_HOST}:5432/shop\n",
            new String[] {"shop.yaml line 5", "environment variable DB_HOST is not set"}),
        Arguments.of("password written in the spec", "name: shop\n" + tables
                + "source:\n  url: postgresql://app@db:5432/shop\n  password: s3cret\n",
            new String[] {"shop.yaml line 6 column 3 at source.password", "a password is never written in the spec", "passwordEnv"}),
        Arguments.of("two password sources", "name: shop\n" + tables
                + "target:\n  url: postgresql://app@db:5432/shop\n  passwordEnv: PW\n  passwordFile: /run/pw\n",
            new String[] {"shop.yaml line 7 column 3 at target.passwordFile", "give passwordEnv or passwordFile, not both"}),
        Arguments.of("not a database URL", "name: shop\n" + tables + "source:\n  url: mysql://db/shop\n",
            new String[] {"shop.yaml line 5 column 3 at source.url", "not a database URL: 'mysql://db/shop'", "postgresql://USER@HOST:PORT/DATABASE"}),
        Arguments.of("table listed twice", "name: shop\n" + tables + "  - source: public.orders\n",
            new String[] {"shop.yaml line 2 column 1 at tables", "table public.orders is listed twice in tables"}),
        Arguments.of("column renamed and dropped", "name: shop\n" + tables + "    columns:\n      total: { rename: amount, drop: true }\n",
            new String[] {"shop.yaml line 5 column 32 at tables[0].columns.total.drop", "a column cannot be both renamed (to 'amount') and dropped"}),
        Arguments.of("bad Kafka address", "name: shop\n" + tables + "kafka:\n  bootstrapServers: broker\n",
            new String[] {"shop.yaml line 5 column 3 at kafka.bootstrapServers", "bootstrapServers must be HOST:PORT[,HOST:PORT...], was 'broker'"}),
        Arguments.of("bad migration name", "name: Shop-1\n" + tables,
            new String[] {"shop.yaml line 1 column 1 at name", "name must be lower-case letters, digits and underscores", "'Shop-1'"}),
        Arguments.of("tables not a list", "name: shop\ntables: public.orders\n",
            new String[] {"shop.yaml line 2 column 9 at tables: expected a list"}),
        Arguments.of("broken YAML", "name: shop\ntables:\n  - source: [public.orders\n",
            new String[] {"shop.yaml line"}),
        Arguments.of("two routers", "name: shop\n" + tables + "cutover:\n  router:\n    pgbouncer: { database: app,"
                + " databasesFile: /etc/db.ini }\n    command: { repoint: /bin/true }\n",
            new String[] {"shop.yaml line 6", "cutover.router needs exactly one of pgbouncer or command"}),
        Arguments.of("window time not a time", "name: shop\n" + tables + "cutover:\n  gates:\n    window: { from: '1am', to: '03:00' }\n",
            new String[] {"shop.yaml line 6 column 15 at cutover.gates.window.from: expected a time of day such as 01:30, got '1am'"}),
        Arguments.of("unknown time zone", "name: shop\n" + tables + "cutover:\n  gates:\n    window: { from: '01:00', to: '03:00',"
                + " zone: Mars/Olympus }\n",
            new String[] {"shop.yaml line 6 column 43 at cutover.gates.window.zone: unknown time zone 'Mars/Olympus'"}),
        Arguments.of("mismatch ratio as a percentage", "name: shop\n" + tables + "rollback:\n  maxMismatchRatio: 5\n",
            new String[] {"shop.yaml line 5 column 3 at rollback.maxMismatchRatio", "must be between 0 and 1, was 5.0"}),
        Arguments.of("date format on an integer cast", "name: shop\n" + tables + "    columns:\n      qty:\n        cast: { to: integer,"
                + " format: dd/MM/yyyy }\n",
            new String[] {"shop.yaml line 6", "tables[0].columns.qty.cast.format", "cast.format applies to date and timestamp casts"}),
        Arguments.of("unknown rounding mode", "name: shop\n" + tables + "    columns:\n      total:\n        cast: { to: 'numeric(10,2)',"
                + " rounding: nearest }\n",
            new String[] {"shop.yaml line 6", "tables[0].columns.total.cast.rounding", "'nearest' is not one of HALF_UP"}),
        Arguments.of("bad date pattern", "name: shop\n" + tables + "    columns:\n      born:\n        cast: { to: date, format: 'dd/MM/yyyy{' }\n",
            new String[] {"shop.yaml line 6", "tables[0].columns.born.cast.format", "is not a date pattern"}),
        Arguments.of("map with nothing to map", "name: shop\n" + tables + "    columns:\n      region:\n        map: { onUnmapped: keep }\n",
            new String[] {"shop.yaml line 6", "tables[0].columns.region.map", "map needs values (inline) or file"}),
        Arguments.of("map default without onUnmapped default", "name: shop\n" + tables + "    columns:\n      region:\n"
                + "        map: { values: { a: b }, default: z }\n",
            new String[] {"shop.yaml line 6", "tables[0].columns.region.map.default", "only with onUnmapped: default (it is reject)"}),
        Arguments.of("map file missing", "name: shop\n" + tables + "    columns:\n      region:\n        map: { file: no-such-codes.csv }\n",
            new String[] {"shop.yaml line 6", "tables[0].columns.region.map.file", "no-such-codes.csv does not exist"}),
        Arguments.of("unknown onUnmapped", "name: shop\n" + tables + "    columns:\n      region:\n        map: { values: { a: b },"
                + " onUnmapped: drop }\n",
            new String[] {"shop.yaml line 6", "tables[0].columns.region.map.onUnmapped", "expected one of keep, default, reject, got 'drop'"}),
        Arguments.of("misspelt map key", "name: shop\n" + tables + "    columns:\n      region:\n        map: { value: { a: b } }\n",
            new String[] {"shop.yaml line 6", "unknown key 'value'", "did you mean 'values'?"}),
        Arguments.of("reverse keep with an operation", "name: shop\n" + tables + "    columns:\n      region:\n        nullFill: x\n"
                + "        reverse: { keep: true, nullFill: y }\n",
            new String[] {"shop.yaml line 7", "tables[0].columns.region.reverse", "reverse: keep: true takes no other operation"}),
        Arguments.of("reverse without an operation to reverse", "name: shop\n" + tables + "    columns:\n      region:\n"
                + "        reverse: { keep: true }\n",
            new String[] {"shop.yaml line 6", "tables[0].columns.region.reverse", "reverse applies to a column with nullFill, map or cast"}),
        Arguments.of("cast of a dropped column", "name: shop\n" + tables + "    columns:\n      region:\n        drop: true\n"
                + "        cast: { to: text }\n",
            new String[] {"shop.yaml line 6", "tables[0].columns.region.drop", "a dropped column has no value to fill, map or cast"}),
        Arguments.of("validation regex that does not compile", "name: shop\n" + tables + "    validate:\n      - { column: email,"
                + " regex: '[a-z' }\n",
            new String[] {"shop.yaml line 5", "tables[0].validate[0].regex", "is not a regular expression"}),
        Arguments.of("validation entry without a rule", "name: shop\n" + tables + "    validate:\n      - { column: email }\n",
            new String[] {"shop.yaml line 5", "tables[0].validate[0]", "has no rule: give notNull, regex, min, max, allowed, lookup or cel"}),
        Arguments.of("validation min above max", "name: shop\n" + tables + "    validate:\n      - { column: age, min: 10, max: 2 }\n",
            new String[] {"shop.yaml line 5", "tables[0].validate[0].min", "validate min 10 is above max 2"}),
        Arguments.of("validation of a dropped column", "name: shop\n" + tables + "    columns:\n      email: { drop: true }\n"
                + "    validate:\n      - { column: email, notNull: true }\n",
            new String[] {"shop.yaml line", "tables[0].validate", "validate checks column email, which the spec drops"}),
        Arguments.of("uuid5 namespace not a UUID", "name: shop\n" + tables + "    derive:\n      order_uuid: { uuid5: { namespace: shop,"
                + " from: [id] } }\n",
            new String[] {"shop.yaml line 5", "tables[0].derive.order_uuid.uuid5.namespace", "must be a UUID"}),
        Arguments.of("uuid5 from a dropped column", "name: shop\n" + tables + "    columns:\n      code: { drop: true }\n"
                + "    derive:\n      order_uuid: { uuid5: { namespace: 6ba7b811-9dad-11d1-80b4-00c04fd430c8, from: [code] } }\n",
            new String[] {"shop.yaml line", "tables[0].derive", "derive.order_uuid reads column code, which the spec drops"}),
        Arguments.of("filter that is not CEL", "name: shop\n" + tables + "    filter: \"row.status = 'test'\"\n",
            new String[] {"shop.yaml line 4", "tables[0].filter", "'row.status = 'test'' is not a valid CEL expression: column 12: token recognition error at: '= '"}),
        Arguments.of("filter that is not a condition", "name: shop\n" + tables + "    filter: \"row.total * 2.0\"\n",
            new String[] {"shop.yaml line 4", "tables[0].filter", "must be a condition (bool), but gives double"}),
        Arguments.of("CEL rule calling an unknown function", "name: shop\n" + tables + "    validate:\n      - { cel: \"isEmail(row.email)\" }\n",
            new String[] {"shop.yaml line 5", "tables[0].validate[0].cel", "undeclared reference to 'isEmail'"}),
        Arguments.of("row rule with a column rule's key", "name: shop\n" + tables + "    validate:\n      - { cel: \"row.a > 1\", notNull: true }\n",
            new String[] {"shop.yaml line 5", "tables[0].validate[0]", "a rule on the whole row has cel only"}),
        Arguments.of("derived column with both uuid5 and cel", "name: shop\n" + tables + "    derive:\n      x: { cel: \"row.a\","
                + " uuid5: { namespace: 6ba7b811-9dad-11d1-80b4-00c04fd430c8, from: [id] } }\n",
            new String[] {"shop.yaml line 5", "tables[0].derive.x", "exactly one of uuid5"}),
        Arguments.of("CEL derived column of type real", "name: shop\n" + tables + "    derive:\n      x: { cel: \"row.a * 2.0\", type: real }\n",
            new String[] {"shop.yaml line 5", "tables[0].derive.x.type", "use double precision"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void shouldNameWhatIsWrongAndWhere(String mistake, String yaml, String[] expected) {
    assertThatThrownBy(() -> loader.parse(yaml, "shop.yaml")).isInstanceOf(SpecException.class)
        .hasMessageContainingAll(expected)
        .hasMessageNotContaining("s3cret");
  }
}
