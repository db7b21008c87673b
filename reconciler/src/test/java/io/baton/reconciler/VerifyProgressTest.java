package io.baton.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.pg.TableName;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifyProgressTest {
  private static final TableName A = TableName.parse("public.a");
  private static final TableName B = TableName.parse("public.b");
  private static final TableName C = TableName.parse("public.c");
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private VerifyProgress progress(long a, long b, long c) {
    Map<TableName, Long> estimates = new LinkedHashMap<>();
    estimates.put(A, a);
    estimates.put(B, b);
    estimates.put(C, c);
    return new VerifyProgress("reconcile", estimates, nanos::get);
  }

  @Test
  void shouldEstimateTheTimeLeftFromTheRateAndTheTablesLeft() {
    VerifyProgress p = progress(1000, 3000, 6000);
    assertThat(p.etaSeconds()).as("no rate yet").isEqualTo(-1);
    assertThat(p.line()).isEqualTo("reconcile: 0/3 tables, 0 rows, 0 rows/s, ETA unknown");
    nanos.addAndGet(2_000_000_000L);
    p.tableDone(A, 1000);
    p.tableDone(B, 3000);
    assertThat(p.rowsPerSecond()).isEqualTo(2000);
    assertThat(p.etaSeconds()).as("6,000 rows left at 2,000 rows/s").isEqualTo(3);
    assertThat(p.fractionDone()).isEqualTo(0.4);
    assertThat(p.bar(10)).isEqualTo("reconcile [####------]  40% 4,000 rows 2,000 rows/s ETA 3 s");
    assertThat(p.line()).isEqualTo("reconcile: 2/3 tables, 4,000 rows, 2,000 rows/s, ETA 3 s");
    p.tableDone(C, 6100);
    assertThat(p.fractionDone()).isEqualTo(1);
    assertThat(p.etaSeconds()).isZero();
  }

  @Test
  void shouldCountTablesWhenNoEstimateIsKnown() {
    VerifyProgress p = progress(0, 0, 0);
    nanos.addAndGet(1_000_000_000L);
    p.tableDone(A, 50);
    assertThat(p.fractionDone()).isEqualTo(1.0 / 3);
    assertThat(p.etaSeconds()).as("no estimate for the tables left").isEqualTo(-1);
  }
}
