package io.baton.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.event.ChangeEvent;
import io.baton.event.Rows;
import io.baton.pg.ColumnInfo;
import io.baton.pg.Lsn;
import io.baton.pg.TableInfo;
import io.baton.pg.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowPluginTest {
  private static final TableInfo PEOPLE = new TableInfo(TableName.parse("public.people"), List.of(
      new ColumnInfo("id", "integer", true, null, "", null), new ColumnInfo("name", "text", false, null, "", null),
      new ColumnInfo("secret", "text", false, null, "", null)), List.of("id"), 'd');

  private static RowTransform transform(String plugin) {
    return new SpecLoader().parse("""
        name: plugged
        tables:
          - source: public.people
            columns:
              name: { rename: full_name }
            plugin: %s
        """.formatted(plugin), "plugged.yaml").tables().get(0).transform();
  }

  private static ChangeEvent insert(String name) {
    return new ChangeEvent(ChangeEvent.Op.CREATE, TableName.parse("public.people"), Rows.of("id", "1"), null,
        Rows.of("id", "1", "name", name, "secret", "s"), new Lsn(0x2A), 0, null, 7L);
  }

  @Test
  void shouldRunThePluginInTheStreamAndTheBulkCopyAlike() {
    RowTransform t = transform("{ name: upper-case-names }");
    assertThat(t.apply(insert("ada")).after()).containsEntry("full_name", "ADA");
    RowTransform.Compiled c = t.compile(List.of("id", "name", "secret"));
    assertThat(c.projection()).isNull();
    assertThat(c.apply(new String[] {"1", "ada", "s"})).containsExactly("1", "ADA", "s");
    assertThatThrownBy(() -> t.apply(insert("reject me"))).isInstanceOf(RowRejected.class)
        .hasMessage("table public.people column (row): 'reject me': asked to be rejected (plugin upper-case-names)");
  }

  @Test
  void shouldUndoThePluginAfterTheInverseOperations() {
    RowTransform t = transform("{ name: upper-case-names }");
    RowTransform back = t.inverse(PEOPLE).transform();
    ChangeEvent onTarget = new ChangeEvent(ChangeEvent.Op.UPDATE, TableName.parse("public.people"), Rows.of("id", "1"), null,
        Rows.of("id", "1", "full_name", "BEA", "secret", "s"), new Lsn(0x2B), 0, null, 8L);
    assertThat(back.apply(onTarget).after()).containsEntry("name", "bea");
    assertThat(back.compile(List.of("id", "full_name", "secret")).apply(new String[] {"1", "BEA", "s"}))
        .containsExactly("1", "bea", "s");
  }

  @Test
  void shouldRequireKeepForAPluginWithoutInverseAndNameUnknownPlugins() {
    assertThat(transform("{ name: blank-secrets }").lossyColumns(PEOPLE)).singleElement().asString()
        .startsWith("plugin blank-secrets cannot be undone");
    assertThat(transform("{ name: blank-secrets, reverse: keep }").lossyColumns(PEOPLE)).isEmpty();
    assertThatThrownBy(() -> transform("{ name: nope }")).isInstanceOf(SpecException.class)
        .hasMessageContaining("at tables[0].plugin.name: no row plugin named 'nope' on the classpath (found: ")
        .hasMessageContaining("upper-case-names");
    assertThat(transform("{ name: blank-secrets, reverse: keep }").reverseRules(PEOPLE))
        .containsExactly("plugin blank-secrets: the target's rows go back as they are");
  }
}
