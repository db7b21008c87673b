package io.baton.spec.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class Uuid5Test {
  @Test
  void shouldMatchTheRfcExampleAndPython() {
    // RFC 9562, appendix A.4: namespace DNS, name www.example.com
    assertThat(Uuid5.of(UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com"))
        .hasToString("2ed6657d-e927-568b-95e1-2665a8aea6a2");
    // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, '5'))"
    assertThat(Uuid5.of(UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "5"))
        .hasToString("afca48e9-59ea-5a28-b8a4-88e0cc6eda1c");
  }

  @Test
  void shouldNameOneColumnByItsValueAndSeveralByTheirRecordText() {
    assertThat(Uuid5.name(List.of("7"))).isEqualTo("7");
    assertThat(Uuid5.name(List.of("7", "EU, north"))).isEqualTo("(7,\"EU, north\")");
    assertThat(Uuid5.name(Arrays.asList((String) null))).isEqualTo("()");
  }
}
