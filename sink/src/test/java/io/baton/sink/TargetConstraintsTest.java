package io.baton.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.spec.RowTransform;
import io.baton.spec.SpecLoader;
import org.junit.jupiter.api.Test;

class TargetConstraintsTest {
  private static final RowTransform T = new SpecLoader().parse("""
      name: x
      tables:
        - source: public.people
          target: public.persons
          columns:
            name: { rename: full_name }
            Mixed: { rename: plain }
            lower: { rename: lowered }
      """, "x.yaml").tables().get(0).transform();

  @Test
  void shouldRenameColumnsButNotFunctionsOrLiterals() {
    assertThat(TargetConstraints.renameColumns(" USING btree (lower(name), \"Mixed\") WHERE (name <> 'name')", T))
        .isEqualTo(" USING btree (lower(\"full_name\"), \"plain\") WHERE (\"full_name\" <> 'name')");
    assertThat(TargetConstraints.renameColumns("CHECK ((lower > 0) AND (note = 'it''s name'))", T))
        .isEqualTo("CHECK ((\"lowered\" > 0) AND (note = 'it''s name'))");
    assertThat(TargetConstraints.renameColumns("UNIQUE (email, name)", T)).isEqualTo("UNIQUE (email, \"full_name\")");
  }
}
