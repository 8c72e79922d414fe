package overtrain.tasks.builtin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Seeded train / validation / test splits. Items that must stay together (the chunks of one
 * source file, the passages of one Brown document) share a group and land in one split;
 * groups may be stratified (Brown's genres) so that each split sees every class. Same seed,
 * same input: same splits, on any JVM ({@link Random}'s sequence is specified).
 */
public final class Splits {
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";

  private Splits() {}

  /** Each item on its own: a shuffle, then the last fractions go to validation and test. */
  public static <T> Map<String, List<T>> of(List<T> items, long seed, double validation, double test) {
    return grouped(items, null, null, seed, validation, test, true);
  }

  /**
   * Whole groups to one split each; within each stratum, groups are sorted by key, shuffled
   * with the seed and cut by the fractions (rounded, at least one group each for validation
   * and test when the stratum has three or more). The records of each split are then
   * shuffled with the same generator.
   */
  public static <T> Map<String, List<T>> byGroup(
      List<T> items, Function<T, String> stratum, Function<T, String> group, long seed, double validation, double test) {
    return grouped(items, stratum, group, seed, validation, test, false);
  }

  private static <T> Map<String, List<T>> grouped(
      List<T> items, Function<T, String> stratum, Function<T, String> group,
      long seed, double validation, double test, boolean single) {
    Random random = new Random(seed);
    Map<String, Map<String, List<T>>> strata = new TreeMap<>();
    if (single) {
      // Each item is its own group; keying by position keeps the input order as the sort order.
      Map<String, List<T>> byPosition = new LinkedHashMap<>();
      for (int i = 0; i < items.size(); i++) byPosition.put(String.format("%012d", i), List.of(items.get(i)));
      strata.put("", byPosition);
    } else {
      for (T item : items)
        strata.computeIfAbsent(stratum.apply(item), k -> new TreeMap<>())
            .computeIfAbsent(group.apply(item), k -> new ArrayList<>()).add(item);
    }
    Map<String, List<T>> out = new LinkedHashMap<>();
    for (String s : List.of(TRAIN, VALIDATION, TEST)) out.put(s, new ArrayList<>());
    for (Map<String, List<T>> groups : strata.values()) {
      List<String> keys = new ArrayList<>(groups.keySet());
      Collections.shuffle(keys, random);
      int n = keys.size();
      int nTest = count(n, test);
      int nValidation = count(n, validation);
      for (int i = 0; i < n; i++) {
        String split = i < nTest ? TEST : i < nTest + nValidation ? VALIDATION : TRAIN;
        out.get(split).addAll(groups.get(keys.get(i)));
      }
    }
    for (List<T> split : out.values()) Collections.shuffle(split, random);
    return out;
  }

  private static int count(int n, double fraction) {
    if (fraction <= 0) return 0;
    int k = (int) Math.round(n * fraction);
    return n >= 3 ? Math.max(1, k) : k;
  }
}
