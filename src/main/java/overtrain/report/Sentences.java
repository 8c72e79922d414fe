package overtrain.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The sentence under a figure, said by its data: where each line is lowest and how far it rises
 * after, or how it moves from the smallest budget to the largest. Budgets are token counts.
 */
final class Sentences {
  private Sentences() {}

  /** Per series: "lr 3e-2: lowest at 16M tokens (4.21 nats), rises 0.12 nats by 64M". */
  static String minima(List<Series> series, String unit) {
    List<String> parts = new ArrayList<>();
    for (Series s : series) {
      double[] x = s.x(), y = s.y();
      int last = x.length - 1, k = 0;
      for (int i = 1; i < y.length; i++) if (y[i] < y[k]) k = i;
      String at = Numbers.tokens(x[k]) + " tokens (" + value(y[k], unit) + ")";
      if (last == 0) parts.add(s.name() + ": " + value(y[0], unit) + " at " + Numbers.tokens(x[0]) + " tokens");
      else if (k == last) parts.add(s.name() + ": lowest at the largest budget, " + at + ", down "
          + value(y[0] - y[k], unit) + " from " + Numbers.tokens(x[0]));
      else parts.add(s.name() + ": lowest at " + at + ", rises " + value(y[last] - y[k], unit) + " by "
          + Numbers.tokens(x[last]));
    }
    return sentence(parts);
  }

  /** Per series: "gamma=1: grows from 0.02 nats at 1M tokens to 0.31 nats at 64M". */
  static String ends(List<Series> series, String unit) {
    return ends(series, unit, v -> value(v, unit));
  }

  /** {@link #ends} with values written by {@code format} (e.g. as rates: "3e-3"). */
  static String ends(List<Series> series, String unit, java.util.function.DoubleFunction<String> format) {
    List<String> parts = new ArrayList<>();
    for (Series s : series) {
      double[] x = s.x(), y = s.y();
      int last = x.length - 1;
      if (last == 0) {
        parts.add(s.name() + ": " + format.apply(y[0]) + " at " + Numbers.tokens(x[0]) + " tokens");
        continue;
      }
      boolean flat = true;
      for (double v : y) flat &= v == y[0];
      if (flat) {
        parts.add(s.name() + ": " + format.apply(y[0]) + " at every budget from " + Numbers.tokens(x[0])
            + " to " + Numbers.tokens(x[last]) + " tokens");
        continue;
      }
      String verb = y[last] > y[0] ? "grows" : y[last] < y[0] ? "falls" : "ends where it starts";
      parts.add(s.name() + ": " + verb + " from " + format.apply(y[0]) + " at " + Numbers.tokens(x[0])
          + " tokens to " + format.apply(y[last]) + " at " + Numbers.tokens(x[last]));
    }
    return sentence(parts);
  }

  /** {@link #ends}, and where the line peaks when it peaks before the largest budget. */
  static String trends(List<Series> series, String unit) {
    List<String> parts = new ArrayList<>();
    for (Series s : series) {
      String e = ends(List.of(s), unit);
      e = e.substring(0, e.length() - 1); // the period
      double[] y = s.y();
      int k = 0;
      for (int i = 1; i < y.length; i++) if (y[i] > y[k]) k = i;
      if (k > 0 && k < y.length - 1) e += " (highest at " + Numbers.tokens(s.x()[k]) + ", " + value(y[k], unit) + ")";
      parts.add(e);
    }
    return sentence(parts);
  }

  private static String value(double v, String unit) {
    String n = Numbers.plain(Math.abs(v) >= 100 ? Math.rint(v) : v, 3);
    return unit.isEmpty() ? n : n + " " + unit;
  }

  private static String sentence(List<String> parts) {
    if (parts.isEmpty()) return "";
    return String.join("; ", parts) + ".";
  }
}
