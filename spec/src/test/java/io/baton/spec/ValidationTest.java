package io.baton.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.event.ChangeEvent;
import io.baton.event.Rows;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationTest {
  private final MigrationSpec spec = new SpecLoader().parse("""
      name: people
      tables:
        - source: public.people
          columns:
            name: { nullFill: "" }
            born: { cast: { to: date, format: dd/MM/yyyy } }
          validate:
            - { column: name, regex: "[A-Z][a-z]+" }
            - { column: born, min: "1900-01-01", max: "2026-12-31" }
            - { column: status, notNull: true, allowed: [active, closed] }
            - { column: score, min: 0, max: 100 }
      """, "people.yaml");
  private final RowTransform t = spec.tables().get(0).transform();

  private ChangeEvent insert(String name, String born, String status, String score) {
    return new ChangeEvent(ChangeEvent.Op.CREATE, TableName.parse("public.people"), Rows.of("id", "1"), null,
        Rows.of("id", "1", "name", name, "born", born, "status", status, "score", score), new Lsn(0x2A), 0, null, 7L);
  }

  @Test
  void shouldPassARowThatKeepsEveryRule() {
    assertThat(t.apply(insert("Ada", "10/12/1915", "active", "99.5")).after())
        .containsEntry("born", "1915-12-10").containsEntry("score", "99.5");
  }

  @Test
  void shouldNameTheColumnTheRuleAndTheValueThatBreaksIt() {
    assertThatThrownBy(() -> t.apply(insert("ada", "10/12/1915", "active", "1"))).isInstanceOf(RowRejected.class)
        .hasMessage("table public.people column name: 'ada' breaks a validation rule (validate regex [A-Z][a-z]+)");
    assertThatThrownBy(() -> t.apply(insert(null, "10/12/1915", "active", "1")))
        .as("checked after nullFill").hasMessageContaining("column name: '' breaks");
    assertThatThrownBy(() -> t.apply(insert("Ada", "10/12/1899", "active", "1")))
        .as("dates compared after the cast, as ISO text").hasMessageContaining("(validate min 1900-01-01)");
    assertThatThrownBy(() -> t.apply(insert("Ada", "10/12/1915", null, "1"))).hasMessageContaining("column status: NULL breaks")
        .hasMessageContaining("(validate notNull)");
    assertThatThrownBy(() -> t.apply(insert("Ada", "10/12/1915", "frozen", "1")))
        .hasMessageContaining("(validate allowed [active, closed])");
    assertThatThrownBy(() -> t.apply(insert("Ada", "10/12/1915", "active", "100.01")))
        .as("numbers compared as numbers").hasMessageContaining("(validate max 100)");
    assertThat(t.apply(insert("Ada", "10/12/1915", "active", "9")).after()).as("9 < 100 as numbers, not as text")
        .containsEntry("score", "9");
  }

  @Test
  void shouldNotValidateDeletesNorColumnsARowDoesNotCarry() {
    ChangeEvent delete = new ChangeEvent(ChangeEvent.Op.DELETE, TableName.parse("public.people"), Rows.of("id", "1"),
        Rows.of("id", "1", "status", ""), null, new Lsn(0x2B), 0, null, 8L);
    assertThat(t.apply(delete).key()).containsEntry("id", "1");
    ChangeEvent partial = new ChangeEvent(ChangeEvent.Op.UPDATE, TableName.parse("public.people"), Rows.of("id", "1"), null,
        Rows.of("id", "1", "name", "Bea", "status", "closed"), new Lsn(0x2C), 0, null, 9L);
    assertThat(t.apply(partial).after()).containsEntry("name", "Bea");
  }

  @Test
  void shouldValidateRowsOfTheBulkSnapshotToo() {
    RowTransform.Compiled c = t.compile(List.of("id", "name", "born", "status", "score"));
    assertThat(c.projection()).as("rows must be decoded to be checked").isNull();
    assertThat(c.apply(new String[] {"1", "Ada", "10/12/1915", "active", "5"})).containsExactly("1", "Ada", "1915-12-10",
        "active", "5");
    assertThatThrownBy(() -> c.apply(new String[] {"1", "Ada", "10/12/1915", "active", "-1"}))
        .hasMessageContaining("column score: '-1' breaks a validation rule (validate min 0)");
  }

  @Test
  void shouldDeriveADeterministicUuidKeyThatStaysOutOfTheKeyAndGoesNoFurtherBack() {
    MigrationSpec keyed = new SpecLoader().parse("""
        name: keyed
        tables:
          - source: public.people
            derive:
              person_uuid: { uuid5: { namespace: 6ba7b811-9dad-11d1-80b4-00c04fd430c8, from: [id] } }
        """, "keyed.yaml");
    RowTransform k = keyed.tables().get(0).transform();
    ChangeEvent e = new ChangeEvent(ChangeEvent.Op.UPDATE, TableName.parse("public.people"), Rows.of("id", "5"), null,
        Rows.of("id", "5", "name", "Ada"), new Lsn(0x2A), 0, null, 7L);
    ChangeEvent out = k.apply(e);
    assertThat(out.key()).containsExactly(java.util.Map.entry("id", "5"));
    assertThat(out.after()).containsEntry("person_uuid", "afca48e9-59ea-5a28-b8a4-88e0cc6eda1c");
    RowTransform.Compiled c = k.compile(List.of("id", "name"));
    assertThat(c.targetColumns()).containsExactly("id", "name", "person_uuid");
    assertThat(c.projection()).isNull();
    assertThat(c.apply(new String[] {"5", "Ada"})).containsExactly("5", "Ada", "afca48e9-59ea-5a28-b8a4-88e0cc6eda1c");
    io.baton.pg.TableInfo people = new io.baton.pg.TableInfo(TableName.parse("public.people"), List.of(
        new io.baton.pg.ColumnInfo("id", "integer", true, null, "", null),
        new io.baton.pg.ColumnInfo("name", "text", false, null, "", null)), List.of("id"), 'd');
    assertThat(k.inverse(people).transform().apply(Rows.of("id", "5", "name", "Ada", "person_uuid", "afca48e9")))
        .as("the source has no such column").containsExactly(java.util.Map.entry("id", "5"), java.util.Map.entry("name", "Ada"));
  }

  @Test
  void shouldNameAMapWhoseValuesTheColumnCannotHold() {
    MigrationSpec codes = new SpecLoader().parse("""
        name: codes
        tables:
          - source: public.sites
            columns:
              code: { map: { values: { "0101": GB-LND }, onUnmapped: reject } }
              other: { map: { values: { "0101": GB-LND }, onUnmapped: reject }, cast: { to: text } }
        """, "codes.yaml");
    io.baton.pg.TableInfo sites = new io.baton.pg.TableInfo(TableName.parse("public.sites"), List.of(
        new io.baton.pg.ColumnInfo("id", "integer", true, null, "", null),
        new io.baton.pg.ColumnInfo("code", "character(4)", true, null, "", null),
        new io.baton.pg.ColumnInfo("other", "character(4)", true, null, "", null)), List.of("id"), 'd');
    assertThat(codes.tables().get(0).transform().typeProblems(sites)).containsExactly("column code: map 1 values (inline),"
        + " unmapped: reject gives values of up to 6 characters, but the column is character(4); add cast: { to: text }"
        + " (or a longer varchar)");
  }

  @Test
  void shouldCheckThatAValueExistsInALookupFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("programmes.csv"), "programme,name\n10,Food\n20,Shelter\n");
    MigrationSpec looked = new SpecLoader().load(java.nio.file.Files.writeString(dir.resolve("l.yaml"), """
        name: looked
        tables:
          - source: public.grants
            validate:
              - { column: programme, lookup: programmes.csv }
        """));
    RowTransform g = looked.tables().get(0).transform();
    ChangeEvent ok = new ChangeEvent(ChangeEvent.Op.CREATE, TableName.parse("public.grants"), Rows.of("id", "1"), null,
        Rows.of("id", "1", "programme", "20"), new Lsn(0x2A), 0, null, 7L);
    assertThat(g.apply(ok).after()).containsEntry("programme", "20");
    ChangeEvent unknown = new ChangeEvent(ChangeEvent.Op.CREATE, TableName.parse("public.grants"), Rows.of("id", "2"), null,
        Rows.of("id", "2", "programme", "30"), new Lsn(0x2B), 0, null, 8L);
    assertThatThrownBy(() -> g.apply(unknown)).hasMessageContaining("column programme: '30' breaks a validation rule"
        + " (validate lookup programmes.csv)");
  }
}
