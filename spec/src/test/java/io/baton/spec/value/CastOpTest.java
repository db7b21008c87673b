package io.baton.spec.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.spec.SpecException;
import org.junit.jupiter.api.Test;

class CastOpTest {
  @Test
  void shouldReadADayFirstDateStrictlyAndPrintItAsPostgresDoes() {
    CastOp date = CastOp.of("date", "dd/MM/yyyy", null);
    assertThat(date.apply("01/03/2024")).isEqualTo("2024-03-01");
    assertThat(date.apply(null)).isNull();
    assertThatThrownBy(() -> date.apply("31/02/2024")).isInstanceOf(RejectedValue.class)
        .hasMessage("'31/02/2024': not a date in format dd/MM/yyyy");
    assertThatThrownBy(() -> date.apply("1/3/2024")).hasMessageContaining("not a date in format dd/MM/yyyy");
    assertThatThrownBy(() -> date.apply("2024-03-01")).isInstanceOf(RejectedValue.class);
    assertThat(date.resultType("text")).isEqualTo("date");
  }

  @Test
  void shouldUndoADateCastFromTextByFormattingBack() {
    CastOp date = CastOp.of("date", "dd/MM/yyyy", null);
    ValueOp back = date.inverse("text").orElseThrow();
    assertThat(back.apply("2024-03-01")).isEqualTo("01/03/2024");
    assertThat(back.inverse("date")).contains(date);
    assertThat(date.inverse("integer")).isEmpty();
  }

  @Test
  void shouldPrintTimestampsWithPostgresFractions() {
    CastOp ts = CastOp.of("timestamp", "dd/MM/yyyy HH:mm:ss.SSS", null);
    assertThat(ts.apply("01/03/2024 10:15:00.500")).isEqualTo("2024-03-01 10:15:00.5");
    assertThat(ts.apply("01/03/2024 10:15:07.000")).isEqualTo("2024-03-01 10:15:07");
    assertThat(CastOp.of("timestamp", null, null).apply("2024-03-01 10:15:07.123456")).isEqualTo("2024-03-01 10:15:07.123456");
  }

  @Test
  void shouldCheckIntegerRangesAndWholeNumbers() {
    CastOp small = CastOp.of("smallint", null, null);
    assertThat(small.apply("-32768")).isEqualTo("-32768");
    assertThat(small.apply("12.00")).isEqualTo("12");
    assertThatThrownBy(() -> small.apply("32768")).hasMessageContaining("out of range for smallint (-32768 to 32767)");
    assertThatThrownBy(() -> small.apply("1.5")).hasMessageContaining("has a fraction");
    assertThatThrownBy(() -> small.apply("abc")).hasMessageContaining("not a number");
    CastOp big = CastOp.of("bigint", null, null);
    assertThat(big.inverse("integer")).get().extracting(op -> op.apply("2147483647")).isEqualTo("2147483647");
    assertThatThrownBy(() -> big.inverse("integer").orElseThrow().apply("2147483648")).hasMessageContaining("out of range");
    assertThat(big.inverse("text")).as("'007' becomes 7: the text cannot come back").isEmpty();
  }

  @Test
  void shouldRescaleNumericsOnlyWithARoundingMode() {
    CastOp exact = CastOp.of("numeric(8,2)", null, null);
    assertThat(exact.apply("12.5")).isEqualTo("12.50");
    assertThat(exact.apply("NaN")).isEqualTo("NaN");
    assertThatThrownBy(() -> exact.apply("1.005")).hasMessageContaining("give cast.rounding");
    assertThatThrownBy(() -> exact.apply("1234567")).hasMessageContaining("more than 6 digits before the point");
    CastOp even = CastOp.of("numeric(8,2)", null, "half_even");
    assertThat(even.apply("1.005")).isEqualTo("1.00");
    assertThat(even.apply("1.015")).isEqualTo("1.02");
    assertThat(exact.inverse("numeric(10,3)")).as("every target value fits the source").isPresent();
    assertThat(even.inverse("numeric")).isPresent();
    assertThat(exact.inverse("numeric(6,1)")).as("target values would need rounding on the way back").isEmpty();
    assertThat(CastOp.of("numeric", null, null).inverse("numeric(6,1)")).isEmpty();
  }

  @Test
  void shouldLimitVarcharLengthInCharacters() {
    CastOp v = CastOp.of("varchar(3)", null, null);
    assertThat(v.apply("ıİş")).isEqualTo("ıİş");
    assertThatThrownBy(() -> v.apply("abcd")).hasMessageContaining("longer than 3 characters");
    assertThat(CastOp.of("text", null, null).inverse("date").orElseThrow().apply("2024-03-01")).isEqualTo("2024-03-01");
    assertThat(CastOp.of("status_t", null, null).apply("active")).isEqualTo("active");
  }

  @Test
  void shouldRefuseCombinationsThatMakeNoSense() {
    assertThatThrownBy(() -> CastOp.of("integer", "dd/MM/yyyy", null)).isInstanceOf(SpecException.class)
        .hasMessageContaining("cast.format applies to date and timestamp casts");
    assertThatThrownBy(() -> CastOp.of("date", null, "HALF_UP")).hasMessageContaining("cast.rounding applies to numeric");
    assertThatThrownBy(() -> CastOp.of("numeric(4,2)", null, "NEAREST")).hasMessageContaining("is not one of HALF_UP");
    assertThatThrownBy(() -> CastOp.of("date", "dd/MM/yyyy{", null)).hasMessageContaining("is not a date pattern");
    assertThatThrownBy(() -> CastOp.of("numeric(2,4)", null, null)).hasMessageContaining("scale at most the precision");
    assertThatThrownBy(() -> CastOp.of(" ", null, null)).hasMessageContaining("cast needs to");
  }
}
