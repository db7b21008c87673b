package io.baton.cli;

import static io.baton.cli.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.embedded.CertificateAuthority;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.embedded.EmbeddedEnvironmentOptions;
import io.baton.pg.Database;
import io.baton.reconciler.Reconciler;
import io.baton.spec.SpecLoader;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to Kafka: the broker serves TLS only (every listener SSL, the controller's and the
 * inter-broker one included, so no port of it speaks plain text), with a server certificate for
 * 127.0.0.1 signed by a CA made for the test. A {@code baton run} whose spec gives
 * {@code security.protocol: SSL}, that CA as a PEM trust store and the host name check copies and
 * streams while a client writes, and the reconciler finds spec(source) = target, counts and
 * checksums. A plain-text client gets no answer from the broker, whose log shows the failed TLS
 * handshake. With a trust store holding another CA, {@code baton run} stops within seconds, naming
 * the Kafka bootstrap servers, the TLS settings and the fix.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
@EmbeddedEnvironmentOptions(kafkaTls = true, pgbouncer = false)
class KafkaTlsIT {
  private static final Path LOGS = Path.of("target", "kafka-tls-it");
  private static final int ACCOUNTS = 5_000;

  @TempDir
  Path work;

  @Test
  void shouldMigrateThroughABrokerThatSpeaksTlsOnly(EmbeddedEnvironment env) throws Exception {
    assertThat(env.kafka().isTls()).isTrue();
    Properties broker = new Properties();
    broker.load(new StringReader(Files.readString(env.kafka().directory().resolve("server.properties"))));
    assertThat(broker.getProperty("listener.security.protocol.map")).as("every listener of the broker")
        .isEqualTo("SSL:SSL,CONTROLLER:SSL");
    assertThat(broker.getProperty("advertised.listeners")).isEqualTo("SSL://" + env.kafka().bootstrapServers());
    Path ca = env.certificateAuthority().certificate();
    assertThat(handshake(env.kafka().port(), ca)).as("the client port's TLS handshake").startsWith("TLSv1.");
    assertPlainTextClientGetsNoAnswer(env);

    Database source = Environments.source(env);
    Database target = Environments.target(env);
    exec(source, WritingClient.schema(ACCOUNTS, 1_000));
    Path spec = Files.writeString(work.resolve("ktls.yaml"), WritingClient.spec("ktls", kafkaSection(env, ca)));
    Files.createDirectories(LOGS);
    Path log = LOGS.resolve("baton-run.log");
    long seed = System.nanoTime();
    WritingClient writer = new WritingClient(source, ACCOUNTS, new Random(seed));
    writer.start();
    Process baton = BatonProcess.run(env, spec, work.resolve("state"), log, Map.of(), "--metrics", "off");
    try {
      BatonProcess.awaitStreaming(baton, log, target, "ktls");
      Thread.sleep(2_000);
      writer.stop();
      assertThat(writer.failure()).as("the writing client (seed %d)", seed).isNull();
      assertThat(writer.transactions()).isPositive();
      var tables = ReconcileCommand.tables(source, new SpecLoader().load(spec));
      Awaitility.await("target = spec(source)").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> assertThat(Reconciler.compare(source, target, tables)).hasSize(2).allSatisfy(
              c -> assertThat(c.equal()).as("%s (seed %d, log %s)", c, seed, log).isTrue()));
      assertThat(baton.isAlive()).as("the run still streams (log %s)", log).isTrue();
      assertThat(Files.readString(log)).doesNotContainIgnoringCase("handshake");
    } finally {
      writer.stop();
      baton.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      exec(source, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'baton_ktls'");
    }
  }

  @Test
  void shouldStopNamingKafkaAndTlsWhenTheTrustStoreHoldsAnotherCa(EmbeddedEnvironment env) throws Exception {
    exec(Environments.source(env), "CREATE TABLE IF NOT EXISTS tls_probe (id int PRIMARY KEY)");
    Path otherCa = CertificateAuthority.create(work.resolve("other-ca"), "Not the brokers CA").certificate();
    Path spec = Files.writeString(work.resolve("ktlsbad.yaml"), """
        name: ktlsbad
        tables:
          - source: public.tls_probe
        """ + kafkaSection(env, otherCa));
    long started = System.nanoTime();
    CliRun run = CliRun.of("run", "--spec", spec.toString(), "--source", Environments.source(env).toString(), "--target",
        Environments.target(env).toString(), "--work-dir", work.resolve("state").toString(), "--metrics", "off");
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(run.code()).as(run.err()).isEqualTo(BatonCli.ENVIRONMENT);
    assertThat(millis).as("fails fast, no retries").isLessThan(20_000);
    assertThat(run.err()).contains("Kafka at " + env.kafka().bootstrapServers() + ": the TLS handshake with the broker failed")
        .contains("security.protocol=SSL").contains("ssl.truststore.location=" + otherCa)
        .contains("Fix: ssl.truststore.location").contains("CA that signed the broker's certificate");
    assertThat(Db.query(Environments.source(env), "SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'baton_ktlsbad'"))
        .as("nothing was created on the source").isEmpty();
  }

  /** @return a spec's kafka section: the broker, TLS with {@code ca} as a PEM trust store, host name checked */
  private static String kafkaSection(EmbeddedEnvironment env, Path ca) {
    return """
        kafka:
          bootstrapServers: "%s"
          properties:
            security.protocol: SSL
            ssl.truststore.type: PEM
            ssl.truststore.location: "%s"
            ssl.endpoint.identification.algorithm: https
        """.formatted(env.kafka().bootstrapServers(), ca);
  }

  /** A Kafka client without TLS settings gets no answer, and the broker logs the failed TLS handshake. */
  private static void assertPlainTextClientGetsNoAnswer(EmbeddedEnvironment env) {
    Map<String, Object> plain = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafka().bootstrapServers(),
        AdminClientConfig.CLIENT_ID_CONFIG, "plain-text-probe", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4_000);
    try (Admin admin = Admin.create(plain)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS)).as("a plain-text client")
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
    Awaitility.await("the broker logs the plain-text client's failed handshake").atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(Files.readString(env.kafka().logFile()))
            .containsPattern("Failed authentication with /127\\.0\\.0\\.1 \\(.*\\) \\(SSL handshake failed\\)"));
  }

  /**
   * Completes a TLS handshake with the port, trusting only {@code ca} and checking that the
   * certificate names 127.0.0.1 (as Kafka's {@code ssl.endpoint.identification.algorithm=https} does).
   *
   * @return the negotiated protocol, for example TLSv1.3
   */
  private static String handshake(int port, Path ca) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(ca)) {
      trusted.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return socket.getSession().getProtocol();
    }
  }
}
