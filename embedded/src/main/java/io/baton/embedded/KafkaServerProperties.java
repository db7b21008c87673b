package io.baton.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The configuration files of the single-node KRaft broker that {@link KafkaBroker} runs. */
final class KafkaServerProperties {

    private KafkaServerProperties() {
    }

    /**
     * The broker's TLS material, as PEM text. The key goes inline ({@code ssl.keystore.key}) because
     * Kafka's PEM key store read from a file ({@code ssl.keystore.location} with
     * {@code ssl.keystore.type=PEM}) requires an encrypted key and {@code ssl.key.password}, while
     * {@link CertificateAuthority} writes unencrypted PKCS#8 keys; inline PEM takes those as they are
     * (KIP-651, Kafka's {@code DefaultSslEngineFactory}).
     *
     * @param certificateChain the server certificate, PEM, optionally followed by intermediate CAs; not null
     * @param privateKey its unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}), PEM; not null
     * @param caCertificate the CA certificate file (PEM) the broker trusts when it connects to itself
     *     (controller and inter-broker channels); not null
     */
    record Tls(String certificateChain, String privateKey, Path caCertificate) {
        Tls {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(caCertificate, "caCertificate");
        }

        @Override
        public String toString() {
            return "Tls[caCertificate=" + caCertificate + "]";
        }
    }

    /** As {@link #render(int, int, Path, Tls)} without TLS: every listener PLAINTEXT. */
    static String render(int port, int controllerPort, Path logDir) {
        return render(port, controllerPort, logDir, null);
    }

    /**
     * Renders server.properties: combined broker and controller, node id 1, a static single-voter quorum,
     * the client listener on 127.0.0.1:{@code port}, CONTROLLER on 127.0.0.1:{@code controllerPort}, data
     * in {@code logDir}, and replication factor 1 for every internal topic.
     *
     * <p>Without {@code tls} both listeners are PLAINTEXT (the client listener is named PLAINTEXT). With
     * it, no listener speaks plain text: the client listener is named SSL and is also the inter-broker
     * listener, CONTROLLER uses SSL as well, the key store is the inline PEM of {@code tls}, the trust
     * store the PEM file {@link Tls#caCertificate()}, clients are not asked for a certificate, and the
     * broker checks its own host name when it connects to itself ({@code https}).
     *
     * @param tls the broker's certificate, key and CA, or null for plain text
     */
    static String render(int port, int controllerPort, Path logDir, Tls tls) {
        String protocol = tls == null ? "PLAINTEXT" : "SSL";
        List<String> lines = new ArrayList<>(List.of(
                "# Written by Baton's KafkaBroker: single-node KRaft broker on loopback.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + Ports.LOOPBACK + ":" + controllerPort,
                "listeners=" + protocol + "://" + Ports.LOOPBACK + ":" + port + ",CONTROLLER://" + Ports.LOOPBACK + ":"
                        + controllerPort,
                "advertised.listeners=" + protocol + "://" + Ports.LOOPBACK + ":" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=" + protocol,
                "listener.security.protocol.map=" + protocol + ":" + protocol + ",CONTROLLER:" + protocol));
        if (tls != null) {
            lines.addAll(List.of(
                    "ssl.keystore.type=PEM",
                    "ssl.keystore.certificate.chain=" + escape(tls.certificateChain().strip()),
                    "ssl.keystore.key=" + escape(tls.privateKey().strip()),
                    "ssl.truststore.type=PEM",
                    "ssl.truststore.location=" + escape(tls.caCertificate().toString()),
                    "ssl.client.auth=none",
                    "ssl.endpoint.identification.algorithm=https"));
        }
        lines.addAll(List.of(
                "log.dirs=" + escape(logDir.toString()),
                "num.partitions=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=10",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "# Keep the compacted internal topics small, so that a restarted broker loads its group and",
                "# transaction coordinators in milliseconds: exactly-once commits write a few records to",
                "# __consumer_offsets many times a second, and nothing is compacted until its segment rolls",
                "# (at 100 MiB by default). Kafka 4.3.1's group coordinator mishandles a load still running",
                "# when the partition's leadership flaps, as it does once after every SIGKILL of this single",
                "# node (leader, leaderless, leader again within a second): the older load's completion",
                "# activates the newer one half read, its members get no session timer, and writes into it",
                "# can put the coordinator in FAILED state until the next restart.",
                "log.roll.ms=20000",
                "log.cleaner.backoff.ms=5000",
                "log.cleaner.delete.retention.ms=5000",
                "# After a SIGKILL the restarted broker cannot register until the old session expires (default 9 s).",
                "broker.heartbeat.interval.ms=500",
                "broker.session.timeout.ms=3000",
                "num.network.threads=2",
                "num.io.threads=4",
                ""));
        return String.join("\n", lines) + "\n";
    }

    /** Escapes a value for a Java properties file: backslashes doubled, line breaks as {@code \n}. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\r", "").replace("\n", "\\n");
    }

    /** Renders the logback configuration of the broker JVM: INFO and above to stdout (the log file). */
    static String logbackXml() {
        return String.join("\n",
                "<configuration>",
                "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
                "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>",
                "  </appender>",
                "  <logger name=\"org.apache.kafka.clients\" level=\"WARN\"/>",
                "  <logger name=\"kafka.request.logger\" level=\"WARN\"/>",
                "  <root level=\"INFO\"><appender-ref ref=\"OUT\"/></root>",
                "</configuration>",
                "");
    }
}
