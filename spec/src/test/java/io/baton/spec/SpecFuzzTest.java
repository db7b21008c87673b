package io.baton.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of valid specs (characters deleted, inserted or replaced, lines doubled,
 * swapped or shifted): the loader either accepts the result or refuses it with a
 * {@link SpecException} that names the file; never another exception, never a message without
 * the file's name.
 */
class SpecFuzzTest {
  private static final String[] VALID = {
      """
      name: shop
      schema: create
      source: { url: postgresql://app@10.0.0.5:5432/shop, passwordEnv: SHOP_SOURCE_PASSWORD }
      target: { url: postgresql://app@10.0.0.9:5432/shop, passwordFile: /run/secrets/shop-target }
      kafka: { bootstrapServers: 10.0.0.7:9092 }
      tables:
        - source: public.orders
          target: sales.orders
          columns:
            total: { rename: amount }
            internal_note: { drop: true }
          checks:
            aggregates:
              - { groupBy: [region], sum: [total], min: [placed], max: [placed] }
            sampleRows: 1000
        - source: public.customers
      snapshot: { parallelism: 2, chunkMegabytes: 32 }
      apply: { threads: 2 }
      verify: { continuous: true, chunkMegabytes: 8, rechecks: 2, rowsPerSecond: 100000, backOffLagMs: 3000 }
      cutover: { maxWritePauseMs: 2000, drainTimeoutMs: 30000 }
      """,
      """
      name: demo
      compatibilityViews: true
      tables:
        - source: public.pgbench_accounts
          target: public.accounts
          columns:
            abalance:
              rename: balance
        - source: ${SCHEMA}.pgbench_history
      """,
      """
      name: orders
      tables:
        - source: public.orders
          filter: "row.status != 'test' && row.qty >= 1"
          onInvalid: quarantine
          columns:
            placed: { cast: { to: date, format: dd/MM/yyyy } }
            region: { nullFill: XX, map: { values: { "1": GB, "2": FR }, onUnmapped: keep }, reverse: { keep: true } }
          derive:
            total: { cel: "row.price * double(row.qty)", type: "numeric(12,2)", rounding: HALF_UP }
            key: { uuid5: { namespace: 6ba7b811-9dad-11d1-80b4-00c04fd430c8, from: [id] } }
          validate:
            - { cel: "row.qty > 0 || row.status == 'refund'" }
            - { column: email, regex: "^[^@]+@[^@]+$", cel: "value.size() < 200" }
      """};
  private static final String ALPHABET = ":-{}[],'\"#&*!|>%@`? \n\t0123456789abcdefghijklmnopqrstuvwxyzAZ_.$";
  /** Rounds per run; -Dspec.fuzz.rounds=N for a longer search. */
  private static final int ROUNDS = Integer.getInteger("spec.fuzz.rounds", 3000);

  @Test
  void shouldAcceptOrRefuseClearlyWhateverTheMutation() {
    SpecLoader loader = new SpecLoader(Map.of("SCHEMA", "public")::get);
    Random random = new Random(20261121);
    int refused = 0;
    for (int round = 0; round < ROUNDS; round++) {
      String yaml = VALID[round % VALID.length];
      int mutations = 1 + random.nextInt(3);
      for (int m = 0; m < mutations; m++) {
        yaml = mutate(yaml, random);
      }
      try {
        loader.parse(yaml, "fuzz.yaml");
      } catch (SpecException e) {
        refused++;
        assertThat(e.getMessage()).as("message for:%n%s", yaml).startsWith("fuzz.yaml");
      } catch (RuntimeException | StackOverflowError e) {
        fail("round " + round + ": " + e + " for:\n" + yaml, e);
      }
    }
    assertThat(refused).as("most mutations break the spec").isGreaterThan(ROUNDS / 3);
  }

  private static String mutate(String yaml, Random random) {
    List<String> lines = new ArrayList<>(Arrays.asList(yaml.split("\n", -1)));
    int line = random.nextInt(lines.size());
    String l = lines.get(line);
    int at = l.isEmpty() ? 0 : random.nextInt(l.length());
    char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    switch (random.nextInt(7)) {
      case 0 -> lines.set(line, l.isEmpty() ? l : l.substring(0, at) + l.substring(at + 1));
      case 1 -> lines.set(line, l.substring(0, at) + c + l.substring(at));
      case 2 -> lines.set(line, l.isEmpty() ? String.valueOf(c) : l.substring(0, at) + c + l.substring(at + 1));
      case 3 -> lines.add(line, l);
      case 4 -> {
        int other = random.nextInt(lines.size());
        lines.set(line, lines.get(other));
        lines.set(other, l);
      }
      case 5 -> lines.set(line, "  " + l);
      default -> lines.set(line, l.startsWith(" ") ? l.substring(1) : l);
    }
    return String.join("\n", lines);
  }
}
