package io.baton.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SpecReferenceTest {
  /** The committed page, relative to this module. */
  private static final Path PAGE = Path.of("..", "docs", "spec-reference.md");

  @Test
  void shouldDocumentEveryKeyTheLoaderKnows() {
    String md = SpecReference.markdown();
    assertThat(md)
        .contains("| `name` | text | required |")
        .contains("| `schema` | create or existing | `create` |")
        .contains("| `tables[].columns.<name>.rename` | text | the source name |")
        .contains("| `tables[].checks.aggregates[].groupBy` | list of text |")
        .contains("| `source.passwordEnv` | text |")
        .contains("| `verify.rowsPerSecond` | integer | `200000` |");
  }

  @Test
  void shouldMatchTheCommittedPage() throws Exception {
    String md = SpecReference.markdown();
    String committed = Files.exists(PAGE) ? Files.readString(PAGE, StandardCharsets.UTF_8) : "";
    if (!committed.equals(md)) {
      Path fresh = Path.of("target", "spec-reference.md");
      Files.writeString(fresh, md, StandardCharsets.UTF_8);
      assertThat(committed).as("docs/spec-reference.md is out of date: copy spec/" + fresh + " over it"
          + " (or run ./baton spec-reference > docs/spec-reference.md)").isEqualTo(md);
    }
  }
}
