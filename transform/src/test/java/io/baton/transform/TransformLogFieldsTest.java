package io.baton.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.event.ChangeEvent;
import io.baton.event.ChangeEventJson;
import io.baton.event.Rows;
import io.baton.event.Topics;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import io.baton.spec.SpecLoader;
import io.baton.spec.TableMapping;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The transform's lines about one change (a row quarantined, the stage halted at a row) carry the
 * change's table and LSN, with the migration and the stage, as fields of a structured log line:
 * logback's {@link JsonEncoder}, as {@code BATON_LOG_FORMAT=json} writes them, puts them in {@code mdc}.
 */
class TransformLogFieldsTest {
  private static final TableName PEOPLE = TableName.parse("public.people");
  private final Logger logger = (Logger) LoggerFactory.getLogger(TransformStage.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  @Test
  void shouldLogTheTableAndLsnOfAQuarantinedRowAsJsonFields() throws Exception {
    run("quarantine");
    JsonNode line = json(appender.list.stream().filter(e -> e.getFormattedMessage().contains("quarantined")).findFirst()
        .orElseThrow());
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("mdc").path("migration").asText()).isEqualTo("lf");
    assertThat(line.path("mdc").path("stage").asText()).isEqualTo("transform");
    assertThat(line.path("mdc").path("table").asText()).isEqualTo("public.people");
    assertThat(line.path("mdc").path("lsn").asText()).isEqualTo("0/102");
    assertThat(MDC.get("table")).as("the fields end with the line").isNull();
  }

  @Test
  void shouldLogTheTableAndLsnOfTheRowAStageHaltsAt() throws Exception {
    assertThatThrownBy(() -> run("halt")).hasStackTraceContaining("halted at the row");
    JsonNode line = json(appender.list.stream().filter(e -> e.getFormattedMessage().contains("halted")).findFirst()
        .orElseThrow());
    assertThat(line.path("level").asText()).isEqualTo("ERROR");
    assertThat(line.path("mdc").path("table").asText()).isEqualTo("public.people");
    assertThat(line.path("mdc").path("lsn").asText()).isEqualTo("0/102");
    assertThat(MDC.get("lsn")).isNull();
  }

  private static void run(String onInvalid) {
    var transforms = new SpecLoader().parse("""
        name: lf
        tables:
          - source: public.people
            validate:
              - { column: name, notNull: true }
            onInvalid: %s
        """.formatted(onInvalid), "spec.yaml").tables().stream().map(TableMapping::transform).toList();
    Properties p = new Properties();
    p.put("application.id", "test");
    p.put("bootstrap.servers", "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(TransformStage.topology("lf", transforms), p)) {
      TestInputTopic<byte[], byte[]> in = driver.createInputTopic(Topics.source("lf", PEOPLE), new ByteArraySerializer(),
          new ByteArraySerializer());
      for (String[] row : List.of(new String[] {"1", "Ada"}, new String[] {"2", null})) {
        ChangeEvent e = new ChangeEvent(ChangeEvent.Op.CREATE, PEOPLE, Rows.of("id", row[0]), null,
            Rows.of("id", row[0], "name", row[1]), Lsn.parse("0/10" + row[0]), 7);
        in.pipeInput(ChangeEventJson.key(e.key()), ChangeEventJson.value(e));
      }
    }
  }

  private static JsonNode json(ILoggingEvent event) throws Exception {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setWithFormattedMessage(true);
    encoder.start();
    return new ObjectMapper().readTree(new String(encoder.encode(event), StandardCharsets.UTF_8));
  }
}
