package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import overtrain.io.Json;

/**
 * What a study's results say about the paper's question: for every model and modification
 * (a perturbation magnitude, or a task and fine-tuning rate), the budget at which the held-out
 * pre-training loss after the modification is lowest (the inflection point), with a bootstrap
 * interval over pre-training seeds; and whether the degradation the modification causes grows
 * with the budget (progressive sensitivity: Spearman's rho against the budget, with a
 * permutation p-value).
 *
 * <p>The inflection point is interpolated on log-budget: a parabola through the lowest grid
 * point and its two neighbours, its vertex kept within them. At the grid's ends there is no
 * such parabola: a curve lowest at the largest budget has no inflection point in the range
 * (it is still falling), and one lowest at the smallest budget rises throughout.
 */
public final class Findings {
  private Findings() {}

  /** Bootstrap resamples and permutations: enough for two decimals of a p-value or quantile. */
  static final int RESAMPLES = 2000;

  /**
   * The kinds of cell whose rows are a base model's own loss: a pre-training run's, or an
   * existing checkpoint's ({@code checkpoints:}).
   */
  public static final java.util.Set<String> BASE_KINDS = java.util.Set.of("pretrain", "checkpoint");

  /**
   * One curve: by budget, one value per pre-training seed, the mean of the values added for that
   * seed (a perturbation's directions).
   */
  static final class Curve {
    private final TreeMap<Long, Map<Long, Double>> bySeed = new TreeMap<>();
    /** Per budget and seed: the sum of the values added and their count. */
    private final Map<Long, Map<Long, double[]>> sums = new HashMap<>();

    void add(long budget, long seed, double value) {
      double[] s = sums.computeIfAbsent(budget, b -> new HashMap<>()).computeIfAbsent(seed, k -> new double[2]);
      s[0] += value;
      s[1]++;
      bySeed.computeIfAbsent(budget, b -> new TreeMap<>()).put(seed, s[0] / s[1]);
    }

    TreeMap<Long, Map<Long, Double>> bySeed() {
      return bySeed;
    }

    /** The seeds present at every budget. */
    List<Long> seeds() {
      TreeSet<Long> common = null;
      for (Map<Long, Double> s : bySeed.values()) {
        if (common == null) common = new TreeSet<>(s.keySet());
        else common.retainAll(s.keySet());
      }
      return common == null ? List.of() : new ArrayList<>(common);
    }
  }

  /** Where a curve is lowest, as a budget in tokens; NaN with {@code where} saying why when at an end. */
  record Minimum(double budget, String where) {}

  /** The lowest point of mean values over budgets, interpolated on log-budget. */
  static Minimum minimum(long[] budgets, double[] mean) {
    if (mean.length < 2) return new Minimum(Double.NaN, "one budget: no curve to find a lowest point on");
    int k = 0;
    for (int i = 1; i < mean.length; i++) if (mean[i] < mean[k]) k = i;
    // with two budgets the lowest is always at an end
    if (k == mean.length - 1) return new Minimum(Double.NaN, "still falling at the largest budget");
    if (k == 0) return new Minimum(Double.NaN, "lowest at the smallest budget: rises throughout");
    double x0 = Math.log(budgets[k - 1]), x1 = Math.log(budgets[k]), x2 = Math.log(budgets[k + 1]);
    double y0 = mean[k - 1], y1 = mean[k], y2 = mean[k + 1];
    // vertex of the parabola through the three points (divided differences)
    double d01 = (y1 - y0) / (x1 - x0), d12 = (y2 - y1) / (x2 - x1), a = (d12 - d01) / (x2 - x0);
    // p(x) = y0 + d01 (x - x0) + a (x - x0)(x - x1); p'(x) = 0 at (x0 + x1) / 2 - d01 / (2a)
    double x = a > 0 ? (x0 + x1) / 2 - d01 / (2 * a) : x1;
    x = Math.max(x0, Math.min(x2, x));
    return new Minimum(Math.exp(x), "interior");
  }

  /** Spearman's rank correlation of x and y (average ranks for ties). */
  static double spearman(double[] x, double[] y) {
    double[] rx = ranks(x), ry = ranks(y);
    return pearson(rx, ry);
  }

  /** Two-sided permutation p-value of Spearman's rho: the share of shuffles at least as extreme. */
  static double permutationP(double[] x, double[] y, long seed) {
    double observed = Math.abs(spearman(x, y));
    double[] ry = ranks(y), rx = ranks(x), shuffled = ry.clone();
    SplittableRandom r = new SplittableRandom(seed);
    int extreme = 0;
    for (int i = 0; i < RESAMPLES; i++) {
      for (int j = shuffled.length - 1; j > 0; j--) {
        int k = r.nextInt(j + 1);
        double t = shuffled[j];
        shuffled[j] = shuffled[k];
        shuffled[k] = t;
      }
      if (Math.abs(pearson(rx, shuffled)) >= observed - 1e-12) extreme++;
    }
    return (extreme + 1.0) / (RESAMPLES + 1.0);
  }

  private static double[] ranks(double[] v) {
    Integer[] order = new Integer[v.length];
    for (int i = 0; i < v.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
    double[] rank = new double[v.length];
    for (int i = 0; i < v.length; ) {
      int j = i;
      while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) j++;
      for (int k = i; k <= j; k++) rank[order[k]] = (i + j) / 2.0 + 1;
      i = j + 1;
    }
    return rank;
  }

  private static double pearson(double[] a, double[] b) {
    double ma = 0, mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
  }

  /** A curve's inflection point, its bootstrap interval over seeds, and how the curve ends. */
  static ObjectNode inflection(Curve curve, long seed) {
    ObjectNode o = Json.object();
    List<Long> seeds = curve.seeds();
    long[] budgets = curve.bySeed().keySet().stream().mapToLong(Long::longValue).toArray();
    double[] mean = meanOver(curve, seeds);
    ArrayNode b = o.putArray("budgets");
    ArrayNode m = o.putArray("mean");
    for (int i = 0; i < budgets.length; i++) {
      b.add(budgets[i]);
      m.add(mean[i]);
    }
    o.put("seeds", seeds.size());
    Minimum min = minimum(budgets, mean);
    if (Double.isNaN(min.budget())) {
      o.putNull("inflection_tokens");
      o.put("inflection", "none in the range: " + min.where());
    } else {
      o.put("inflection_tokens", Math.round(min.budget()));
      o.put("inflection", "interpolated on log-budget between grid points");
    }
    if (seeds.size() >= 2 && !Double.isNaN(min.budget())) {
      SplittableRandom r = new SplittableRandom(seed);
      List<Double> draws = new ArrayList<>();
      int none = 0;
      for (int i = 0; i < RESAMPLES; i++) {
        List<Long> sample = new ArrayList<>();
        for (int j = 0; j < seeds.size(); j++) sample.add(seeds.get(r.nextInt(seeds.size())));
        Minimum mb = minimum(budgets, meanOver(curve, sample));
        if (Double.isNaN(mb.budget())) none++;
        else draws.add(Math.log(mb.budget()));
      }
      draws.sort(Double::compare);
      if (!draws.isEmpty()) {
        o.put("interval_low_tokens", Math.round(Math.exp(quantile(draws, 0.025))));
        o.put("interval_high_tokens", Math.round(Math.exp(quantile(draws, 0.975))));
      }
      o.put("resamples_without_inflection", (double) none / RESAMPLES);
    }
    return o;
  }

  private static double[] meanOver(Curve curve, List<Long> seeds) {
    double[] mean = new double[curve.bySeed().size()];
    int i = 0;
    for (Map<Long, Double> at : curve.bySeed().values()) {
      double s = 0;
      for (long seed : seeds) s += at.get(seed);
      mean[i++] = s / seeds.size();
    }
    return mean;
  }

  private static double quantile(List<Double> sorted, double q) {
    double pos = q * (sorted.size() - 1);
    int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
    return sorted.get(lo) + (pos - lo) * (sorted.get(hi) - sorted.get(lo));
  }

  /** Spearman's rho of a curve's values against log-budget, every (budget, seed) a point. */
  static ObjectNode sensitivity(Curve curve, long seed) {
    List<double[]> points = new ArrayList<>();
    curve.bySeed().forEach((budget, bySeed) -> bySeed.values().forEach(v -> points.add(new double[] {budget, v})));
    double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
    double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
    ObjectNode o = Json.object();
    o.put("points", x.length);
    // one budget gives no order to correlate with (every rank tied): not a rho of 0
    if (curve.bySeed().size() < 2 || x.length < 3) {
      o.putNull("spearman_rho");
      o.put("why_none", curve.bySeed().size() < 2 ? "needs 2 budgets or more"
          : "needs 3 points or more (budgets x seeds)");
      return o;
    }
    o.put("spearman_rho", spearman(x, y));
    o.put("p_value", permutationP(x, y, seed));
    return o;
  }

  /** Kinds whose cells measure a checkpoint before and after training it on a task at a rate. */
  private static final java.util.Set<String> TUNED_KINDS = java.util.Set.of("finetune", "multimodal");

  /** Everything the results table says, as data ({@code findings.json}). */
  public static ObjectNode of(Results.Table table, String studyHash) {
    List<Map<String, JsonNode>> rows = new ArrayList<>();
    for (List<JsonNode> r : table.rows()) {
      Map<String, JsonNode> m = new HashMap<>();
      for (int i = 0; i < table.columns().size(); i++) if (r.get(i) != null) m.put(table.columns().get(i), r.get(i));
      rows.add(m);
    }
    Map<String, Curve> base = new TreeMap<>(), after = new TreeMap<>(), degradation = new TreeMap<>();
    Map<String, Map<Long, Map<Long, Double>>> before = new HashMap<>();
    for (Map<String, JsonNode> r : rows) {
      String kind = text(r, "kind"), metric = text(r, "metric"), model = text(r, "model");
      long budget = r.get("budget").asLong(), seed = r.get("pretrain_seed").asLong();
      double v = r.get("value").asDouble();
      if (BASE_KINDS.contains(kind) && metric.equals("heldout_loss")) {
        base.computeIfAbsent(model, k -> new Curve()).add(budget, seed, v);
      } else if (kind.equals("perturb")) {
        String key = model + " | perturb gamma=" + r.get("gamma").asDouble();
        (metric.equals("heldout_loss") ? after : degradation).computeIfAbsent(key, k -> new Curve()).add(budget, seed, v);
      } else if (TUNED_KINDS.contains(kind) && metric.equals("heldout_loss")) {
        // fine-tuning, and multimodal tuning after its last stage: a task and a rate
        String task = text(r, "task"), stage = text(r, "stage");
        if (stage.equals("before")) {
          before.computeIfAbsent(model + "|" + kind + "|" + task, k -> new HashMap<>())
              .computeIfAbsent(budget, k -> new HashMap<>()).put(seed, v);
        } else if (stage.equals("after")) {
          after.computeIfAbsent(model + " | " + kind + " " + task + " lr=" + r.get("lr").asDouble(), k -> new Curve())
              .add(budget, seed, v);
        }
      }
    }
    // their degradation: after minus the same checkpoint's own loss
    for (Map<String, JsonNode> r : rows) {
      String kind = text(r, "kind");
      if (!TUNED_KINDS.contains(kind) || !text(r, "metric").equals("heldout_loss")
          || !text(r, "stage").equals("after")) continue;
      String model = text(r, "model"), task = text(r, "task");
      long budget = r.get("budget").asLong(), seed = r.get("pretrain_seed").asLong();
      Double b = before.getOrDefault(model + "|" + kind + "|" + task, Map.of()).getOrDefault(budget, Map.of()).get(seed);
      if (b == null) continue;
      degradation.computeIfAbsent(model + " | " + kind + " " + task + " lr=" + r.get("lr").asDouble(), k -> new Curve())
          .add(budget, seed, r.get("value").asDouble() - b);
    }
    ObjectNode out = Json.object();
    out.put("study_sha256", studyHash);
    ObjectNode b = out.putObject("base");
    base.forEach((model, curve) -> b.set(model, inflection(curve, 1)));
    ObjectNode mods = out.putObject("modifications");
    long seed = 1;
    for (Map.Entry<String, Curve> e : after.entrySet()) {
      ObjectNode m = mods.putObject(e.getKey());
      m.set("heldout_loss_after", inflection(e.getValue(), seed));
      Curve d = degradation.get(e.getKey());
      if (d != null) m.set("degradation", sensitivity(d, seed));
      seed++;
    }
    ObjectNode tuned = tuned(rows, seed);
    if (!tuned.isEmpty()) out.set("tuned", tuned);
    return out;
  }

  /**
   * The paper's tuned-rate experiment (its Fig. 6): per model and task, the rate validation chose
   * for each checkpoint, and at that rate the in-distribution metric on test (class perplexity
   * for classification, the loss for language modelling: lower is better for both) and the
   * held-out loss after, each a curve over budgets with its lowest point.
   */
  private static ObjectNode tuned(List<Map<String, JsonNode>> rows, long seed) {
    Map<String, List<Map<String, JsonNode>>> byCell = new java.util.LinkedHashMap<>();
    Map<String, Boolean> classification = new HashMap<>();
    for (Map<String, JsonNode> r : rows) {
      if (!text(r, "kind").equals("finetune") || !r.containsKey("cell")) continue;
      byCell.computeIfAbsent(r.get("cell").asText(), c -> new ArrayList<>()).add(r);
      if (text(r, "metric").equals("class_perplexity")) classification.put(text(r, "task"), true);
    }
    Map<String, TreeMap<Long, List<Double>>> chosen = new TreeMap<>();
    Map<String, Curve> id = new TreeMap<>(), heldout = new TreeMap<>();
    for (List<Map<String, JsonNode>> cell : byCell.values()) {
      Map<String, JsonNode> pick = cell.stream().filter(r -> text(r, "metric").equals("chosen_lr")).findFirst().orElse(null);
      if (pick == null) continue;
      String task = text(pick, "task"), key = text(pick, "model") + " | finetune " + task + " tuned";
      String idMetric = classification.getOrDefault(task, false) ? "class_perplexity" : "loss";
      double lr = pick.get("value").asDouble();
      long budget = pick.get("budget").asLong(), s = pick.get("pretrain_seed").asLong();
      chosen.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(budget, b -> new ArrayList<>()).add(lr);
      for (Map<String, JsonNode> r : cell) {
        if (!text(r, "stage").equals("after") || !r.containsKey("lr")
            || Math.abs(r.get("lr").asDouble() - lr) > 1e-9 * lr) continue;
        if (text(r, "split").equals("heldout") && text(r, "metric").equals("heldout_loss")) {
          heldout.computeIfAbsent(key, k -> new Curve()).add(budget, s, r.get("value").asDouble());
        } else if (text(r, "split").equals("test") && text(r, "metric").equals(idMetric)) {
          id.computeIfAbsent(key + "|" + idMetric, k -> new Curve()).add(budget, s, r.get("value").asDouble());
        }
      }
    }
    ObjectNode out = Json.object();
    for (Map.Entry<String, TreeMap<Long, List<Double>>> e : chosen.entrySet()) {
      ObjectNode t = out.putObject(e.getKey());
      ObjectNode lrs = t.putObject("chosen_lr");
      e.getValue().forEach((budget, list) -> {
        ArrayNode a = lrs.putArray(Long.toString(budget));
        list.forEach(a::add);
      });
      id.forEach((k, curve) -> {
        if (!k.startsWith(e.getKey() + "|")) return;
        t.put("id_metric", k.substring(e.getKey().length() + 1));
        t.set("id_after", inflection(curve, seed));
      });
      if (heldout.containsKey(e.getKey())) t.set("heldout_loss_after", inflection(heldout.get(e.getKey()), seed + 1));
    }
    return out;
  }

  /** The SHA-256 of a study file's text as used (its folder's study.yaml); "" for none. */
  public static String studyHash(String yaml) {
    if (yaml.isEmpty()) return "";
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static String text(Map<String, JsonNode> r, String key) {
    JsonNode v = r.get(key);
    return v == null || v.isNull() ? "" : v.asText();
  }
}
