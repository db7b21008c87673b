package io.baton.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.BatonException;
import org.junit.jupiter.api.Test;

class DatabaseTest {
  @Test
  void shouldParseWhatItPrints() {
    Database db = Database.parse("postgresql://app_user@db.example.org:5433/shop", "s3cret");
    assertThat(db).isEqualTo(new Database("db.example.org", 5433, "shop", "app_user", "s3cret"));
    assertThat(Database.parse(db.toString(), null).toString()).isEqualTo(db.toString()).doesNotContain("s3cret");
  }

  @Test
  void shouldRefuseOtherFormsNamingTheExpectedOne() {
    assertThatThrownBy(() -> Database.parse("postgresql://u:pw@h:5432/d", null)).isInstanceOf(BatonException.class)
        .hasMessageContaining("expected postgresql://USER@HOST:PORT/DATABASE")
        .hasMessageContaining("postgresql://u:***@h").hasMessageNotContaining("pw");
    assertThatThrownBy(() -> Database.parse("postgresql://u@h:99999/d", null)).hasMessageContaining("port 99999");
  }
}
