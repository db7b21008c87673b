package io.baton.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.event.ChangeEvent;
import io.baton.event.ChangeEventJson;
import io.baton.event.Rows;
import io.baton.event.Topics;
import io.baton.pg.ColumnInfo;
import io.baton.pg.Lsn;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import io.baton.spec.MigrationSpec;
import io.baton.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every mapping operation and validation rule of the spec, each on its own, through the Kafka
 * Streams topology: one change in, and out either the transformed change, a delete (a row the
 * filter leaves out), or a delete followed by the quarantine record naming the rule.
 */
class EveryOperationTopologyTest {
  private static final TableName T = TableName.parse("public.t");
  private static final TableInfo INFO = new TableInfo(T, List.of(new ColumnInfo("id", "integer", true, null, "", null),
      new ColumnInfo("v", "text", false, null, "", null), new ColumnInfo("n", "numeric(10,3)", false, null, "", null),
      new ColumnInfo("k", "integer", false, null, "", null)), List.of("id"), 'd');

  @TempDir
  static Path dir;

  /** @return name, the table's spec lines, v, n, k, and what comes out: {@code col=value...}, {@code delete} or {@code quarantine RULE} */
  static Stream<Arguments> operations() {
    return Stream.of(
        Arguments.of("rename", "columns: { v: { rename: w } }", "a", "1", "1", "w=a"),
        Arguments.of("drop", "columns: { v: { drop: true } }", "a", "1", "1", "id=1 n=1 k=1"),
        Arguments.of("nullFill", "columns: { v: { nullFill: none } }", null, "1", "1", "v=none"),
        Arguments.of("map inline", "columns: { v: { map: { values: { a: A } } } }", "a", "1", "1", "v=A"),
        Arguments.of("map unmapped rejected", "columns: { v: { map: { values: { a: A } } } }", "b", "1", "1",
            "quarantine map"),
        Arguments.of("map unmapped to a default", "columns: { v: { map: { values: { a: A }, onUnmapped: default, default: Z } } }",
            "b", "1", "1", "v=Z"),
        Arguments.of("map from a CSV file", "columns: { v: { map: { file: FILE } } }", "1001", "1", "1", "v=GB-LND"),
        Arguments.of("cast text to date", "columns: { v: { cast: { to: date, format: dd/MM/yyyy } } }", "31/12/2020", "1", "1",
            "v=2020-12-31"),
        Arguments.of("cast of an impossible date", "columns: { v: { cast: { to: date, format: dd/MM/yyyy } } }", "31/02/2020",
            "1", "1", "quarantine cast to date from dd/MM/yyyy"),
        Arguments.of("integer widening", "columns: { k: { cast: { to: bigint } } }", "a", "1", "2147483647", "k=2147483647"),
        Arguments.of("integer out of range", "columns: { k: { cast: { to: smallint } } }", "a", "1", "70000",
            "quarantine cast to smallint"),
        Arguments.of("numeric scale change with rounding", "columns: { n: { cast: { to: \"numeric(10,2)\", rounding: HALF_UP } } }",
            "a", "1.005", "1", "n=1.01"),
        Arguments.of("numeric scale change without rounding", "columns: { n: { cast: { to: \"numeric(10,2)\" } } }", "a",
            "1.005", "1", "quarantine cast to numeric(10,2)"),
        Arguments.of("text to enum", "columns: { v: { cast: { to: mood } } }", "happy", "1", "1", "v=happy"),
        Arguments.of("varchar too long", "columns: { v: { cast: { to: varchar(3) } } }", "abcd", "1", "1",
            "quarantine cast to varchar(3)"),
        Arguments.of("uuid5 surrogate key", "derive: { u: { uuid5: { namespace: 6ba7b811-9dad-11d1-80b4-00c04fd430c8, from: [id] } } }",
            "a", "1", "1", "u=b80c8fef-a677-5340-85fb-2c162d75df03"),
        Arguments.of("CEL derived column", "derive: { d: { cel: \"row.v + string(row.k * 2)\" } }", "a", "1", "21", "d=a42"),
        Arguments.of("CEL filter", "filter: \"row.k > 1\"", "a", "1", "1", "delete"),
        Arguments.of("notNull", "validate: [ { column: v, notNull: true } ]", null, "1", "1", "quarantine validate notNull"),
        Arguments.of("regex", "validate: [ { column: v, regex: \"[a-z]+\" } ]", "A1", "1", "1", "quarantine validate regex [a-z]+"),
        Arguments.of("min", "validate: [ { column: n, min: 0 } ]", "a", "-0.5", "1", "quarantine validate min 0"),
        Arguments.of("max", "validate: [ { column: k, max: 10 } ]", "a", "1", "11", "quarantine validate max 10"),
        Arguments.of("allowed", "validate: [ { column: v, allowed: [a, b] } ]", "c", "1", "1",
            "quarantine validate allowed [a, b]"),
        Arguments.of("lookup", "validate: [ { column: v, lookup: FILE } ]", "9999", "1", "1", "quarantine validate lookup codes.csv"),
        Arguments.of("lookup passes", "validate: [ { column: v, lookup: FILE } ]", "1001", "1", "1", "v=1001"),
        Arguments.of("CEL predicate on a column", "validate: [ { column: k, cel: \"value % 2 == 0\" } ]", "a", "1", "3",
            "quarantine validate cel 'value % 2 == 0'"),
        Arguments.of("CEL predicate on the row", "validate: [ { cel: \"row.k > 0 || row.v == 'refund'\" } ]", "a", "1", "0",
            "quarantine validate cel 'row.k > 0 || row.v == 'refund''"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void shouldApplyEachOperationAndRule(String name, String table, String v, String n, String k, String expected)
      throws Exception {
    Path csv = dir.resolve("codes.csv");
    Files.writeString(csv, "legacy,iso\n1001,GB-LND\n");
    MigrationSpec spec = new SpecLoader().parse("name: ops\ntables:\n  - source: public.t\n    onInvalid: quarantine\n    "
        + table.replace("FILE", csv.toString()) + "\n", "ops.yaml");
    Properties p = new Properties();
    p.put("application.id", "test");
    p.put("bootstrap.servers", "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(TransformStage.topology("ops",
        List.of(spec.tables().get(0).transform(INFO))), p)) {
      TestInputTopic<byte[], byte[]> in = driver.createInputTopic(Topics.source("ops", T), new ByteArraySerializer(),
          new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(Topics.target("ops", T), new ByteArrayDeserializer(),
          new ByteArrayDeserializer());
      ChangeEvent e = new ChangeEvent(ChangeEvent.Op.UPDATE, T, Rows.of("id", "1"), null,
          Rows.of("id", "1", "v", v, "n", n, "k", k), Lsn.parse("0/AB"), 7);
      in.pipeInput(ChangeEventJson.key(e.key()), ChangeEventJson.value(e));
      List<ChangeEvent> got = out.readValuesToList().stream().map(ChangeEventJson::parse).toList();
      if (expected.equals("delete")) {
        assertThat(got).singleElement().satisfies(d -> assertThat(d.op()).isEqualTo(ChangeEvent.Op.DELETE));
      } else if (expected.startsWith("quarantine ")) {
        assertThat(got).extracting(ChangeEvent::op).containsExactly(ChangeEvent.Op.DELETE, ChangeEvent.Op.CREATE);
        assertThat(got.get(1).after().get("rule")).startsWith(expected.substring("quarantine ".length()));
      } else {
        assertThat(got).singleElement().satisfies(u -> {
          assertThat(u.op()).isEqualTo(ChangeEvent.Op.UPDATE);
          for (String pair : expected.split(" ")) {
            String[] kv = pair.split("=", 2);
            assertThat(u.after()).containsEntry(kv[0], kv[1]);
          }
          if (name.equals("drop")) {
            assertThat(u.after()).doesNotContainKey("v");
          }
        });
      }
    }
  }
}
