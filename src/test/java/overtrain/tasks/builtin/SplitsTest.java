package overtrain.tasks.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitsTest {
  @Test
  void itemsArePartitionedByTheFractionsAndTheSeed() {
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < 1000; i++) items.add(i);
    Map<String, List<Integer>> s = Splits.of(items, 42, 0.1, 0.2);
    assertEquals(List.of(700, 100, 200), s.values().stream().map(List::size).toList());
    Set<Integer> union = new HashSet<>();
    s.values().forEach(union::addAll);
    assertEquals(Set.copyOf(items), union);
    assertEquals(s, Splits.of(items, 42, 0.1, 0.2));
    assertEquals(false, s.equals(Splits.of(items, 43, 0.1, 0.2)));
  }
}
