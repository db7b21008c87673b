package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.spec.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {
  @TempDir
  Path dir;

  @Test
  void shouldAdmitOnlyTheBearerOfTheToken() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "  s3cret \n");
    ApiToken token = ApiToken.given(file);
    assertThat(token.admits("Bearer s3cret")).isTrue();
    assertThat(token.admits("Bearer s3cret2")).isFalse();
    assertThat(token.admits("Bearer s3cre")).isFalse();
    assertThat(token.admits("s3cret")).isFalse();
    assertThat(token.admits("Basic s3cret")).isFalse();
    assertThat(token.admits(null)).isFalse();
    assertThat(token.toString()).doesNotContain("s3cret");
  }

  @Test
  void shouldWriteAGeneratedTokenReadableByItsOwnerOnly() throws Exception {
    ApiToken made = ApiToken.generate(dir);
    Path file = dir.resolve(ApiToken.FILE_NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.readString(file).strip()).hasSize(64);
    assertThat(ApiToken.given(file).admits(made.header())).isTrue();
    assertThat(ApiToken.generate(dir).admits(made.header())).isFalse();
  }

  @Test
  void shouldRefuseAnEmptyOrMissingTokenFile() throws Exception {
    Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> ApiToken.given(dir.resolve("empty"))).isInstanceOf(SpecException.class).hasMessageContaining("is empty");
    assertThatThrownBy(() -> ApiToken.given(dir.resolve("none"))).isInstanceOf(SpecException.class)
        .hasMessageContaining("cannot read the API token file");
  }
}
