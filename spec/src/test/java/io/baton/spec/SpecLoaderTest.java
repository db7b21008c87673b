package io.baton.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.pg.TableName;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecLoaderTest {
  private final SpecLoader loader = new SpecLoader(Map.of("TARGET_SCHEMA", "app")::get);

  @Test
  void shouldLoadMappingsWithDefaults() {
    MigrationSpec spec = loader.parse("""
        name: demo
        tables:
          - source: pgbench_accounts
            target: public.accounts
            columns:
              abalance: { rename: balance }
              filler: { drop: true }
          - source: public.pgbench_branches
        """, "demo.yaml");
    assertThat(spec.name()).isEqualTo("demo");
    assertThat(spec.schema()).isEqualTo(SchemaMode.CREATE);
    assertThat(spec.cutover()).isEqualTo(CutoverSettings.DEFAULTS);
    assertThat(spec.tables().get(0).source()).isEqualTo(new TableName("public", "pgbench_accounts"));
    assertThat(spec.tables().get(0).target()).isEqualTo(new TableName("public", "accounts"));
    assertThat(spec.tables().get(1).target()).isEqualTo(spec.tables().get(1).source());
    assertThat(spec.slotName()).isEqualTo("baton_demo");
  }

  @Test
  void shouldReadApplyThreadsWithDefaultAndRange() {
    assertThat(loader.parse("name: demo\ntables:\n  - source: t\n", "s.yaml").apply().threads()).isEqualTo(4);
    assertThat(loader.parse("name: demo\ntables:\n  - source: t\napply: { threads: 1 }\n", "s.yaml").apply().threads())
        .isEqualTo(1);
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: t\napply:\n  threads: 0\n", "a.yaml"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("a.yaml")
        .hasMessageContaining("apply.threads must be between 1 and 64, was 0");
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: t\napply:\n  thread: 2\n", "a.yaml"))
        .hasMessageContaining("a.yaml line 5")
        .hasMessageContaining("did you mean 'threads'?");
  }

  @Test
  void shouldReadVerifySettingsWithDefaultsAndRanges() {
    VerifySettings d = loader.parse("name: demo\ntables:\n  - source: t\n", "s.yaml").verify();
    assertThat(d).isEqualTo(VerifySettings.DEFAULTS);
    assertThat(d.continuous()).isTrue();
    VerifySettings v = loader.parse("name: demo\ntables:\n  - source: t\nverify: { continuous: false, chunkMegabytes: 2,"
        + " rowsPerSecond: 0 }\n", "s.yaml").verify();
    assertThat(v).isEqualTo(new VerifySettings(false, 2, 3, 0, 5000));
    assertThat(v.chunkBytes()).isEqualTo(2L << 20);
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: t\nverify:\n  rechecks: 11\n", "v.yaml"))
        .hasMessageContaining("v.yaml").hasMessageContaining("verify.rechecks must be between 0 and 10, was 11");
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: t\nverify:\n  rowPerSecond: 5\n", "v.yaml"))
        .hasMessageContaining("v.yaml line 5").hasMessageContaining("did you mean 'rowsPerSecond'?");
  }

  @Test
  void shouldReadDeclaredChecksAndRefuseOnesOnDroppedColumns() {
    String table = "name: demo\ntables:\n  - source: t\n    columns:\n      secret: { drop: true }\n    checks:\n";
    TableChecks checks = loader.parse(table + "      aggregates:\n        - groupBy: [region]\n          sum: [total]\n"
        + "      sampleRows: 100\n", "c.yaml").tables().get(0).checks();
    assertThat(checks.sampleRows()).isEqualTo(100);
    assertThat(checks.aggregates()).singleElement()
        .satisfies(a -> assertThat(a.describe()).isEqualTo("count, sum(total) by region"));
    assertThat(loader.parse("name: demo\ntables:\n  - source: t\n", "c.yaml").tables().get(0).checks().isEmpty()).isTrue();
    assertThatThrownBy(() -> loader.parse(table + "      aggregates:\n        - max: [secret]\n", "c.yaml"))
        .hasMessageContaining("c.yaml")
        .hasMessageContaining("checks.aggregates (count, max(secret) of the whole table) reads column secret, which the spec drops");
    assertThatThrownBy(() -> loader.parse(table + "      sampleRows: 20000\n", "c.yaml"))
        .hasMessageContaining("checks.sampleRows must be between 0 and 10000, was 20000");
  }

  @Test
  void shouldReadConnectionsWithPasswordsFromTheEnvironmentOrAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path secret = java.nio.file.Files.writeString(dir.resolve("pw"), "from-file\nignored\n");
    MigrationSpec spec = loader.parse("name: demo\ntables:\n  - source: t\n"
        + "source: { url: 'postgresql://app@db1:5432/shop', passwordEnv: SOURCE_PW }\n"
        + "target: { url: 'postgresql://app@db2:5432/shop', passwordFile: '" + secret + "' }\n"
        + "kafka: { bootstrapServers: 'k1:9092,k2:9092' }\n", "c.yaml");
    assertThat(spec.source().database(java.util.Map.of("SOURCE_PW", "from-env")::get, null).password()).isEqualTo("from-env");
    assertThat(spec.target().database(name -> null, null).password()).isEqualTo("from-file");
    assertThat(spec.target().database(name -> null, null).host()).isEqualTo("db2");
    assertThat(spec.kafka().bootstrapServers()).isEqualTo("k1:9092,k2:9092");
    assertThat(spec.source().toString()).isEqualTo("postgresql://app@db1:5432/shop (password from $SOURCE_PW)");
    assertThatThrownBy(() -> spec.source().database(name -> null, null))
        .hasMessage("environment variable SOURCE_PW (passwordEnv of postgresql://app@db1:5432/shop) is not set");
    MigrationSpec bare = loader.parse("name: demo\ntables:\n  - source: t\nsource: { url: 'postgresql://app@db1:5432/shop' }\n",
        "c.yaml");
    assertThat(bare.source().database(java.util.Map.of("BATON_SOURCE_PASSWORD", "fallback")::get, "BATON_SOURCE_PASSWORD")
        .password()).isEqualTo("fallback");
    assertThat(bare.target()).isNull();
  }

  @Test
  void shouldReadTlsFromTheUrlAndTheKeyPasswordFromTheEnvironmentOrAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path secret = java.nio.file.Files.writeString(dir.resolve("kpw"), "key-from-file\n");
    MigrationSpec spec = loader.parse("name: demo\ntables:\n  - source: t\n"
        + "source: { url: 'postgresql://app@db1:5432/shop?sslmode=verify-full&sslrootcert=/etc/baton/ca.pem' }\n"
        + "target: { url: 'postgresql://app@db2:5432/shop?sslmode=verify-full&sslrootcert=/etc/baton/ca.pem&sslcert=/c.pem"
        + "&sslkey=/k.pk8', sslPasswordFile: '" + secret + "' }\n", "c.yaml");
    io.baton.pg.Database source = spec.source().database(name -> null, "BATON_SOURCE_PASSWORD", "BATON_SOURCE_SSL_PASSWORD");
    assertThat(source.tls().mode()).isEqualTo(io.baton.pg.Tls.Mode.VERIFY_FULL);
    assertThat(source.tls().rootCert()).isEqualTo("/etc/baton/ca.pem");
    assertThat(source.tls().keyPassword()).as("no key, so no key password is read").isNull();
    io.baton.pg.Database target = spec.target().database(java.util.Map.of("BATON_TARGET_SSL_PASSWORD", "other")::get,
        "BATON_TARGET_PASSWORD", "BATON_TARGET_SSL_PASSWORD");
    assertThat(target.tls().keyPassword()).isEqualTo("key-from-file");
    assertThat(target.properties()).containsEntry("sslpassword", "key-from-file").containsEntry("sslkey", "/k.pk8");
    assertThat(spec.target().toString()).doesNotContain("key-from-file").contains("key password from " + secret);
    MigrationSpec fallback = loader.parse("name: demo\ntables:\n  - source: t\n"
        + "source: { url: 'postgresql://app@db1:5432/shop?sslmode=require&sslkey=/k.pk8', sslPasswordEnv: KEY_PW }\n", "c.yaml");
    assertThat(fallback.source().database(java.util.Map.of("KEY_PW", "env-key")::get, null, null).tls().keyPassword())
        .isEqualTo("env-key");
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: t\n"
        + "source: { url: 'postgresql://app@db1:5432/shop?sslmode=require', sslPasswordEnv: KEY_PW }\n", "c.yaml"))
        .hasMessageContaining("source.sslPasswordEnv").hasMessageContaining("a TLS key password without a key");
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: t\n"
        + "source: { url: 'postgresql://app@db1:5432/shop?sslmode=sure' }\n", "c.yaml"))
        .hasMessageContaining("source.url").hasMessageContaining("sslmode 'sure' is not one of");
  }

  @Test
  void shouldReadKafkaClientSettingsAndKeepSecretsOutOfTheSpec(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("kafka.properties"),
        "ssl.keystore.password=Ks-s3cret\nsecurity.protocol=SSL\n");
    MigrationSpec spec = loader.parse("name: demo\ntables:\n  - source: t\n"
        + "kafka: { bootstrapServers: 'k1:9093', properties: { security.protocol: PLAINTEXT, ssl.truststore.type: PEM },"
        + " propertiesFile: '" + file + "' }\n", "c.yaml");
    io.baton.event.KafkaCluster cluster = spec.kafka().cluster(null);
    assertThat(cluster.settings()).containsEntry("security.protocol", "SSL").containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.keystore.password", "Ks-s3cret");
    assertThat(spec.kafka().toString()).doesNotContain("Ks-s3cret");
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: t\n"
        + "kafka: { bootstrapServers: 'k1:9093', properties: { ssl.truststore.password: Ts-s3cret } }\n", "c.yaml"))
        .hasMessageContaining("kafka.properties").hasMessageContaining("ssl.truststore.password holds a secret")
        .hasMessageContaining("propertiesFile").hasMessageNotContaining("Ts-s3cret");
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: t\n"
        + "kafka: { bootstrapServers: 'k1:9093', properties: { bootstrap.servers: 'k2:9093' } }\n", "c.yaml"))
        .hasMessageContaining("bootstrap.servers is Baton's own");
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: t\n"
        + "kafka: { bootstrapServers: 'k1:9093', propertiesFile: '" + dir.resolve("missing") + "' }\n", "c.yaml")
        .kafka().cluster(null)).hasMessageContaining("cannot be read");
  }

  @Test
  void shouldSubstituteEnvironmentVariables() {
    MigrationSpec spec = loader.parse("name: demo\ntables:\n  - source: public.t\n    target: ${TARGET_SCHEMA}.t\n", "s.yaml");
    assertThat(spec.tables().get(0).target().schema()).isEqualTo("app");
  }

  @Test
  void shouldNameFileLineAndSuggestionForMisspeltKey() {
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: t\n    columns:\n      a: { renam: b }\n", "m.yaml"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("m.yaml line 5")
        .hasMessageContaining("unknown key 'renam'")
        .hasMessageContaining("did you mean 'rename'?");
  }

  @Test
  void shouldNameAMisspeltTableKeyRatherThanTheMissingOne() {
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - sorce: t\n", "m.yaml"))
        .hasMessageContaining("m.yaml line 3")
        .hasMessageContaining("unknown key 'sorce'")
        .hasMessageContaining("did you mean 'source'?");
  }

  @Test
  void shouldRejectUnsetEnvironmentVariableWithItsLine() {
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: ${NOPE}\n", "m.yaml"))
        .hasMessageContaining("m.yaml line 3: environment variable NOPE is not set");
  }

  @Test
  void shouldRejectInvalidNameWithTheRule() {
    assertThatThrownBy(() -> loader.parse("name: Demo-1\ntables:\n  - source: t\n", "m.yaml"))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("m.yaml line ")
        .hasMessageContaining("name must be lower-case letters")
        .hasMessageContaining("was 'Demo-1'");
  }

  @Test
  void shouldRejectMissingTables() {
    assertThatThrownBy(() -> loader.parse("name: demo\n", "m.yaml"))
        .isInstanceOf(SpecException.class).hasMessageContaining("tables");
  }

  @Test
  void shouldRejectDuplicateSourceTable() {
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: t\n  - source: public.t\n    target: u\n", "m.yaml"))
        .hasMessageContaining("table public.t is listed twice");
  }

  @Test
  void shouldRejectRenameAndDropTogether() {
    assertThatThrownBy(() -> loader.parse("name: demo\ntables:\n  - source: t\n    columns:\n      a: {rename: b, drop: true}\n", "m.yaml"))
        .hasMessageContaining("both renamed").hasMessageContaining("tables[0].columns.a");
  }

  @Test
  void shouldReportMissingFileClearly() {
    assertThatThrownBy(() -> loader.load(java.nio.file.Path.of("/nonexistent/spec.yaml")))
        .isInstanceOf(SpecException.class).hasMessageContaining("/nonexistent/spec.yaml does not exist");
  }
}
