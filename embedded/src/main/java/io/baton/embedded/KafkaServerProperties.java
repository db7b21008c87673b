package io.baton.embedded;

import java.nio.file.Path;

/** The configuration files of the single-node KRaft broker that {@link KafkaBroker} runs. */
final class KafkaServerProperties {

    private KafkaServerProperties() {
    }

    /**
     * Renders server.properties: combined broker and controller, node id 1, a static single-voter quorum,
     * PLAINTEXT on 127.0.0.1:{@code port}, CONTROLLER on 127.0.0.1:{@code controllerPort}, data in
     * {@code logDir}, and replication factor 1 for every internal topic.
     */
    static String render(int port, int controllerPort, Path logDir) {
        String dir = logDir.toString().replace("\\", "\\\\");
        return String.join("\n",
                "# Written by Baton's KafkaBroker: single-node KRaft broker on loopback.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + Ports.LOOPBACK + ":" + controllerPort,
                "listeners=PLAINTEXT://" + Ports.LOOPBACK + ":" + port + ",CONTROLLER://" + Ports.LOOPBACK + ":"
                        + controllerPort,
                "advertised.listeners=PLAINTEXT://" + Ports.LOOPBACK + ":" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir,
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
                "# After a SIGKILL the restarted broker cannot register until the old session expires (default 9 s).",
                "broker.heartbeat.interval.ms=500",
                "broker.session.timeout.ms=3000",
                "num.network.threads=2",
                "num.io.threads=4",
                "")
                + "\n";
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
