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

  @Test
  void shouldReadTlsSettingsFromTheQueryAndPrintThemBack() {
    Database db = Database.parse("postgresql://baton@db1:5432/shop?sslmode=verify-full&sslrootcert=/etc/baton/ca%20dir/ca.pem",
        "pw");
    assertThat(db.tls().mode()).isEqualTo(Tls.Mode.VERIFY_FULL);
    assertThat(db.tls().rootCert()).isEqualTo("/etc/baton/ca dir/ca.pem");
    assertThat(db.toString()).isEqualTo("postgresql://baton@db1:5432/shop?sslmode=verify-full&sslrootcert=/etc/baton/ca+dir/ca.pem");
    assertThat(Database.parse(db.toString(), "pw")).isEqualTo(db);
    assertThat(db.withDatabase("other").tls()).isEqualTo(db.tls());
    assertThat(db.properties()).containsEntry("sslmode", "verify-full").containsEntry("sslrootcert", "/etc/baton/ca dir/ca.pem")
        .containsEntry("user", "baton").containsEntry("password", "pw");
  }

  @Test
  void shouldKeepTheDriversDefaultWithoutTlsSettings() {
    Database db = Database.parse("postgresql://baton@db1:5432/shop", null);
    assertThat(db.tls()).isEqualTo(Tls.NONE);
    assertThat(db.properties().stringPropertyNames()).containsExactly("user");
    assertThat(db.toString()).isEqualTo("postgresql://baton@db1:5432/shop");
  }

  @Test
  void shouldNeverPrintTheKeyPassword() {
    Database db = Database.parse("postgresql://baton@db1:5432/shop?sslmode=verify-full&sslkey=/k.pk8&sslcert=/c.pem",
        "pw", "Key-s3cret");
    assertThat(db.properties()).containsEntry("sslpassword", "Key-s3cret").containsEntry("sslkey", "/k.pk8");
    assertThat(db.toString()).doesNotContain("Key-s3cret");
    assertThat(db.tls().toString()).doesNotContain("Key-s3cret").contains("sslpassword=***");
  }

  @Test
  void shouldRefuseSecretsUnknownParametersAndBadModesInTheQuery() {
    assertThatThrownBy(() -> Database.parse("postgresql://u@h:5432/d?sslmode=verify-full&sslpassword=Key-s3cret", null))
        .hasMessageContaining("'sslpassword' is never written in a database URL").hasMessageNotContaining("Key-s3cret");
    assertThatThrownBy(() -> Database.parse("postgresql://u@h:5432/d?password=pw", null))
        .hasMessageContaining("passwordEnv").hasMessageNotContaining("=pw");
    assertThatThrownBy(() -> Database.parse("postgresql://u@h:5432/d?sslmod=require", null))
        .hasMessageContaining("unknown parameter 'sslmod'").hasMessageContaining("sslmode, sslrootcert, sslcert, sslkey");
    assertThatThrownBy(() -> Database.parse("postgresql://u@h:5432/d?sslmode=strict", null))
        .hasMessageContaining("sslmode 'strict' is not one of");
    assertThatThrownBy(() -> Database.parse("postgresql://u@h:5432/d?sslmode=require&sslmode=disable", null))
        .hasMessageContaining("appears twice");
  }

  @Test
  void shouldTreatACertificateFailureAsPermanentAndNameTls() {
    Database db = Database.parse("postgresql://baton@127.0.0.1:5432/shop?sslmode=verify-full&sslrootcert=/ca.pem", null);
    java.sql.SQLException pkix = new java.sql.SQLException("SSL error: PKIX path building failed", "08006",
        new javax.net.ssl.SSLHandshakeException("PKIX path building failed"));
    assertThat(PgErrors.isRetriable(pkix)).isFalse();
    assertThat(db.connectFailure(pkix).isRetriable()).isFalse();
    assertThat(db.connectFailure(pkix).getMessage()).contains("postgresql://baton@127.0.0.1:5432/shop")
        .contains("TLS connection failed").contains("sslmode=verify-full").contains("sslrootcert=/ca.pem");
    java.sql.SQLException refused = new java.sql.SQLException("Connection refused", "08001", new java.net.ConnectException());
    assertThat(db.connectFailure(refused).isRetriable()).isTrue();
    java.sql.SQLException cut = new java.sql.SQLException("SSL error: Remote host terminated the handshake", "08006",
        new javax.net.ssl.SSLHandshakeException("closed") {{ initCause(new java.io.EOFException()); }});
    assertThat(PgErrors.isTlsFailure(cut)).as("a connection cut during the handshake is a lost connection").isFalse();
    assertThat(PgErrors.isTlsFailure(new java.sql.SQLException("The hostname db1 could not be verified by hostnameverifier"
        + " PgjdbcHostnameVerifier.", "08006"))).isTrue();
  }
}
