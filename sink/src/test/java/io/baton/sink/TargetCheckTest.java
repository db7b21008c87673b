package io.baton.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetCheckTest {
  @Test
  void shouldAcceptTheSameTypeAndWideningsThatPrintTheSame() {
    assertThat(TargetCheck.fits("integer", "integer")).isTrue();
    assertThat(TargetCheck.fits("smallint", "bigint")).isTrue();
    assertThat(TargetCheck.fits("integer", "numeric")).isTrue();
    assertThat(TargetCheck.fits("character varying(20)", "character varying(40)")).isTrue();
    assertThat(TargetCheck.fits("character varying(20)", "text")).isTrue();
    assertThat(TargetCheck.fits("text", "character varying")).isTrue();
    assertThat(TargetCheck.fits("numeric(10,2)", "numeric(12,2)")).isTrue();
    assertThat(TargetCheck.fits("numeric(10,2)", "numeric")).isTrue();
  }

  @Test
  void shouldRefuseNarrowingsAndWideningsThatPrintDifferently() {
    assertThat(TargetCheck.fits("bigint", "integer")).isFalse();
    assertThat(TargetCheck.fits("character varying(40)", "character varying(20)")).isFalse();
    assertThat(TargetCheck.fits("text", "character varying(100)")).isFalse();
    assertThat(TargetCheck.fits("numeric(10,2)", "numeric(10,3)")).as("1.25 would print as 1.250").isFalse();
    assertThat(TargetCheck.fits("numeric", "numeric(20,4)")).isFalse();
    assertThat(TargetCheck.fits("real", "double precision")).as("1.1 would print as 1.10000002384186").isFalse();
    assertThat(TargetCheck.fits("date", "timestamp without time zone")).isFalse();
    assertThat(TargetCheck.fits("integer", "text")).isFalse();
  }
}
