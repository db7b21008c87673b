package io.baton.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadOrderTest {
  @Test
  void shouldPutParentsBeforeChildrenWhateverTheOrderGiven() {
    LoadOrder.Result r = LoadOrder.of(List.of("line", "order", "customer", "note"),
        Map.of("line", List.of("order"), "order", List.of("customer")));
    assertThat(r.order()).containsExactly("customer", "order", "line", "note");
    assertThat(r.cycles()).isEmpty();
  }

  @Test
  void shouldKeepTheGivenOrderAmongTablesFreeToGo() {
    LoadOrder.Result r = LoadOrder.of(List.of("b", "a", "c"), Map.of());
    assertThat(r.order()).containsExactly("b", "a", "c");
  }

  @Test
  void shouldIgnoreSelfReferencesAndTablesOutOfScope() {
    LoadOrder.Result r = LoadOrder.of(List.of("employee", "dept"),
        Map.of("employee", List.of("employee", "dept", "elsewhere.table")));
    assertThat(r.order()).containsExactly("dept", "employee");
    assertThat(r.cycles()).isEmpty();
  }

  @Test
  void shouldNameACycleAndPlaceItWhereItFits() {
    // root <- a <-> b <- leaf, and a lone table
    LoadOrder.Result r = LoadOrder.of(List.of("leaf", "b", "lone", "a", "root"),
        Map.of("a", List.of("b", "root"), "b", List.of("a"), "leaf", List.of("b")));
    assertThat(r.cycles()).containsExactly(List.of("b", "a"));
    assertThat(r.order()).containsExactly("lone", "root", "b", "a", "leaf");
  }

  @Test
  void shouldFindSeveralCyclesAndALongChainWithoutRecursion() {
    java.util.List<String> tables = new java.util.ArrayList<>();
    java.util.Map<String, List<String>> parents = new java.util.HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      tables.add("t" + i);
      if (i > 0) {
        parents.put("t" + i, List.of("t" + (i - 1)));
      }
    }
    tables.addAll(List.of("x", "y", "z"));
    parents.put("x", List.of("y"));
    parents.put("y", List.of("z"));
    parents.put("z", List.of("x"));
    parents.put("t0", List.of("t19999"));
    LoadOrder.Result r = LoadOrder.of(tables, parents);
    assertThat(r.cycles()).hasSize(2);
    assertThat(r.cycles().get(0)).hasSize(20_000).startsWith("t0", "t1");
    assertThat(r.cycles().get(1)).containsExactly("x", "y", "z");
    assertThat(r.order()).hasSize(20_003);
  }
}
