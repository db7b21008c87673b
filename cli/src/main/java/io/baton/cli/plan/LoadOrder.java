package io.baton.cli.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A parent-first order over foreign keys: every table comes after the tables it references, so
 * that rows loaded in this order never reference a row not yet there (the order PostgreSQL's
 * foreign-key checks need, manual section 5.5.5 "Foreign Keys").
 *
 * <p>Tables that reference each other through a cycle have no such order: they are found as the
 * strongly connected components of the reference graph (Tarjan's algorithm), named as cycles, and
 * placed together, in the order they were given, where the cycle as a whole fits. A table that
 * references itself is not a cycle: its rows can be ordered within the table. Among tables free to
 * go next, the one given first goes first, so the result is stable.
 */
public final class LoadOrder {
  private LoadOrder() {}

  /**
   * The order and the cycles.
   *
   * @param order every table given, parents first
   * @param cycles each cycle's tables in the order given; empty when there is none
   */
  public record Result(List<String> order, List<List<String>> cycles) {
    public Result {
      order = List.copyOf(order);
      cycles = cycles.stream().map(List::copyOf).toList();
    }
  }

  /**
   * @param tables the tables, in the order to prefer (the spec's)
   * @param parents for each table, the tables it references; tables not in {@code tables} are
   *     ignored (they are out of scope), and so is a table referencing itself
   * @return the order and the cycles
   */
  public static Result of(List<String> tables, Map<String, ? extends Collection<String>> parents) {
    Map<String, Integer> index = new HashMap<>();
    for (String t : tables) {
      index.putIfAbsent(t, index.size());
    }
    List<String> nodes = new ArrayList<>(index.keySet());
    nodes.sort((a, b) -> Integer.compare(index.get(a), index.get(b)));
    List<List<Integer>> refs = new ArrayList<>();
    for (String t : nodes) {
      List<Integer> r = new ArrayList<>();
      Collection<String> given = parents.get(t);
      for (String p : given == null ? List.<String>of() : given) {
        Integer pi = index.get(p);
        if (pi != null && !p.equals(t) && !r.contains(pi)) {
          r.add(pi);
        }
      }
      refs.add(r);
    }
    int[] component = new Tarjan(refs).components();
    int count = 0;
    for (int c : component) {
      count = Math.max(count, c + 1);
    }
    List<List<Integer>> members = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      members.add(new ArrayList<>());
    }
    for (int n = 0; n < nodes.size(); n++) {
      members.get(component[n]).add(n);
    }
    // edges between components, parent component -> child component
    List<Set<Integer>> children = new ArrayList<>();
    int[] waitingFor = new int[count];
    for (int c = 0; c < count; c++) {
      children.add(new LinkedHashSet<>());
    }
    for (int n = 0; n < nodes.size(); n++) {
      for (int p : refs.get(n)) {
        int from = component[p];
        int to = component[n];
        if (from != to && children.get(from).add(to)) {
          waitingFor[to]++;
        }
      }
    }
    // members are in ascending index order, so a component's first member is its smallest index
    PriorityQueue<Integer> ready = new PriorityQueue<>((a, b) -> Integer.compare(members.get(a).get(0), members.get(b).get(0)));
    for (int c = 0; c < count; c++) {
      if (waitingFor[c] == 0) {
        ready.add(c);
      }
    }
    List<String> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      int c = ready.poll();
      for (int n : members.get(c)) {
        order.add(nodes.get(n));
      }
      for (int child : children.get(c)) {
        if (--waitingFor[child] == 0) {
          ready.add(child);
        }
      }
    }
    List<List<String>> cycles = new ArrayList<>();
    members.stream().filter(m -> m.size() > 1).sorted((a, b) -> Integer.compare(a.get(0), b.get(0)))
        .forEach(m -> cycles.add(m.stream().map(nodes::get).toList()));
    return new Result(order, cycles);
  }

  /** Tarjan's strongly connected components, iterative so that long chains do not exhaust the stack. */
  private static final class Tarjan {
    private final List<List<Integer>> edges;
    private final int[] index;
    private final int[] low;
    private final boolean[] onStack;
    private final int[] component;
    private final Deque<Integer> stack = new ArrayDeque<>();
    private int next;
    private int components;

    Tarjan(List<List<Integer>> edges) {
      this.edges = edges;
      int n = edges.size();
      index = new int[n];
      low = new int[n];
      onStack = new boolean[n];
      component = new int[n];
      java.util.Arrays.fill(index, -1);
    }

    int[] components() {
      for (int v = 0; v < edges.size(); v++) {
        if (index[v] < 0) {
          visit(v);
        }
      }
      return component;
    }

    private void visit(int root) {
      Deque<int[]> work = new ArrayDeque<>(); // {node, next edge to follow}
      enter(root);
      work.push(new int[] {root, 0});
      while (!work.isEmpty()) {
        int[] frame = work.peek();
        int v = frame[0];
        if (frame[1] < edges.get(v).size()) {
          int w = edges.get(v).get(frame[1]++);
          if (index[w] < 0) {
            enter(w);
            work.push(new int[] {w, 0});
          } else if (onStack[w]) {
            low[v] = Math.min(low[v], index[w]);
          }
          continue;
        }
        work.pop();
        if (!work.isEmpty()) {
          int parent = work.peek()[0];
          low[parent] = Math.min(low[parent], low[v]);
        }
        if (low[v] == index[v]) {
          int w;
          do {
            w = stack.pop();
            onStack[w] = false;
            component[w] = components;
          } while (w != v);
          components++;
        }
      }
    }

    private void enter(int v) {
      index[v] = next;
      low[v] = next;
      next++;
      stack.push(v);
      onStack[v] = true;
    }
  }
}
