package io.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogFieldsTest {
  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  void shouldSetFieldsWhileOpenAndPutBackWhatWasThere() {
    MDC.put("stage", "sink");
    try (LogFields f = LogFields.of("table", "public.a", "lsn", "0/16B3748", "stage", "transform", "lag_ms", null)) {
      assertThat(MDC.get("table")).isEqualTo("public.a");
      assertThat(MDC.get("lsn")).isEqualTo("0/16B3748");
      assertThat(MDC.get("stage")).isEqualTo("transform");
      assertThat(MDC.get("lag_ms")).as("a null value is left out").isNull();
    }
    assertThat(MDC.get("table")).isNull();
    assertThat(MDC.get("lsn")).isNull();
    assertThat(MDC.get("stage")).isEqualTo("sink");
  }

  @Test
  void shouldRefuseANameWithoutValue() {
    assertThatThrownBy(() -> LogFields.of("table")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pairs");
  }
}
