package io.baton.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaServerPropertiesTest {

    @Test
    void shouldDescribeASingleNodeKraftBrokerOnLoopback() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(KafkaServerProperties.render(19092, 19093, Path.of("/w/kafka/data"))));

        assertThat(properties)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("node.id", "1")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:19092")
                .containsEntry("log.dirs", "/w/kafka/data")
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("num.partitions", "1")
                .containsEntry("auto.create.topics.enable", "true");
    }

    @Test
    void shouldRollAndCompactTheCoordinatorsTopicsWithinSeconds() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(KafkaServerProperties.render(19092, 19093, Path.of("/w/kafka/data"))));

        // a restarted broker reads __consumer_offsets and __transaction_state back: minutes of
        // exactly-once commits must not stay in one uncompacted 100 MiB segment
        assertThat(Long.parseLong(properties.getProperty("log.roll.ms"))).isLessThanOrEqualTo(60_000);
        assertThat(Long.parseLong(properties.getProperty("log.cleaner.backoff.ms"))).isLessThanOrEqualTo(15_000);
        assertThat(Long.parseLong(properties.getProperty("log.cleaner.delete.retention.ms"))).isLessThanOrEqualTo(60_000);
    }

    @Test
    void shouldLeaveNoPlainTextListenerWithTls() throws IOException {
        String chain = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        String key = "-----BEGIN PRIVATE KEY-----\r\nMIGH\r\n-----END PRIVATE KEY-----\r\n";
        String rendered = KafkaServerProperties.render(19092, 19093, Path.of("/w/kafka/data"),
                new KafkaServerProperties.Tls(chain, key, Path.of("/w/tls/ca.pem")));
        Properties properties = new Properties();
        properties.load(new StringReader(rendered));

        assertThat(rendered).doesNotContain("PLAINTEXT");
        assertThat(properties)
                .containsEntry("listeners", "SSL://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .containsEntry("advertised.listeners", "SSL://127.0.0.1:19092")
                .containsEntry("inter.broker.listener.name", "SSL")
                .containsEntry("listener.security.protocol.map", "SSL:SSL,CONTROLLER:SSL")
                .containsEntry("ssl.keystore.type", "PEM")
                .containsEntry("ssl.keystore.certificate.chain", chain.strip())
                .containsEntry("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", "/w/tls/ca.pem")
                .containsEntry("ssl.endpoint.identification.algorithm", "https")
                .containsEntry("log.dirs", "/w/kafka/data")
                .doesNotContainKey("ssl.key.password");
    }

    @Test
    void shouldRenderThePlainTextBrokerWithoutTlsSettings() {
        assertThat(KafkaServerProperties.render(19092, 19093, Path.of("/w/kafka/data")))
                .isEqualTo(KafkaServerProperties.render(19092, 19093, Path.of("/w/kafka/data"), null))
                .contains("inter.broker.listener.name=PLAINTEXT\n")
                .contains("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\nlog.dirs=")
                .doesNotContain("ssl.");
    }
}
