package overtrain.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import overtrain.study.Results;

/**
 * A results table as a study would give it, made up: one model, budgets 1M to 64M, two
 * pre-training seeds; Gaussian perturbations at two gammas and two directions; fine-tuning on a
 * classification task at two fixed rates, with the rate chosen on validation. Every value is a
 * closed-form function of its coordinates, so that a test can say what the figures must show.
 */
final class SyntheticStudy {
  static final List<String> COLUMNS = List.of("cell", "kind", "model", "non_embedding_parameters", "budget",
      "tokens_per_parameter", "pretrain_seed", "schedule", "modification", "gamma", "direction_seed", "task",
      "stage", "split", "lr", "metric", "value");
  static final long[] BUDGETS = {1_000_000, 4_000_000, 16_000_000, 64_000_000};
  static final long[] SEEDS = {1, 2};
  static final double[] GAMMAS = {0.05, 0.1};
  static final double[] RATES = {1e-3, 3e-2};
  static final String MODEL = "m20";
  static final long PARAMS = 20_000_000;

  /** Budget index at which the high rate's held-out loss after fine-tuning is lowest. */
  private final int dip;
  private final boolean perturb;
  private final boolean finetune;

  SyntheticStudy(int dip, boolean perturb, boolean finetune) {
    this.dip = dip;
    this.perturb = perturb;
    this.finetune = finetune;
  }

  static double base(int b, long seed) {
    return 4.0 - 0.3 * b + 0.02 * seed;
  }

  static double degradation(int b, double gamma, long seed, long direction) {
    return gamma * (1 + b) + 0.001 * seed + 0.002 * direction;
  }

  /** Held-out loss after fine-tuning: lowest at budget index dip for the high rate, falling throughout for the low. */
  double after(int b, double lr, long seed) {
    double v = lr > 1e-2 ? 4.5 + 0.1 * (b - dip) * (b - dip) + (b > dip ? 0.05 * (b - dip) : 0) : base(b, seed) + 0.1;
    return v + 0.01 * seed;
  }

  static double perplexity(int b, double lr, long seed) {
    return (lr > 1e-2 ? 1.5 : 1.8) - 0.05 * b + 0.01 * seed;
  }

  /** The rate validation chose: the high one up to 4M tokens, the low one after. */
  static double chosen(int b) {
    return b <= 1 ? RATES[1] : RATES[0];
  }

  Results.Table table() {
    List<List<JsonNode>> rows = new ArrayList<>();
    for (int b = 0; b < BUDGETS.length; b++) {
      for (long seed : SEEDS) {
        String pre = "pre" + b + "s" + seed;
        rows.add(row(pre, "pretrain", b, seed, Map.of("modification", "none", "metric", "heldout_loss",
            "value", base(b, seed))));
        if (perturb) {
          for (double g : GAMMAS) {
            for (long d : new long[] {1, 2}) {
              double deg = degradation(b, g, seed, d);
              rows.add(row("pt" + b + "s" + seed, "perturb", b, seed, Map.of("gamma", g, "direction_seed", d,
                  "metric", "heldout_loss", "value", base(b, seed) + deg)));
              rows.add(row("pt" + b + "s" + seed, "perturb", b, seed, Map.of("gamma", g, "direction_seed", d,
                  "metric", "degradation", "value", deg)));
            }
          }
        }
        if (finetune) {
          String cell = "ft" + b + "s" + seed;
          rows.add(row(cell, "finetune", b, seed, Map.of("task", "cls", "stage", "before", "split", "heldout",
              "metric", "heldout_loss", "value", base(b, seed))));
          for (double lr : RATES) {
            rows.add(row(cell, "finetune", b, seed, Map.of("task", "cls", "stage", "after", "split", "validation",
                "lr", lr, "metric", "class_perplexity", "value", perplexity(b, lr, seed) + 0.1)));
            rows.add(row(cell, "finetune", b, seed, Map.of("task", "cls", "stage", "after", "split", "test",
                "lr", lr, "metric", "class_perplexity", "value", perplexity(b, lr, seed))));
            rows.add(row(cell, "finetune", b, seed, Map.of("task", "cls", "stage", "after", "split", "test",
                "lr", lr, "metric", "accuracy", "value", 0.5)));
            rows.add(row(cell, "finetune", b, seed, Map.of("task", "cls", "stage", "after", "split", "heldout",
                "lr", lr, "metric", "heldout_loss", "value", after(b, lr, seed))));
          }
          rows.add(row(cell, "finetune", b, seed, Map.of("task", "cls", "metric", "chosen_lr", "value", chosen(b))));
        }
      }
    }
    return new Results.Table(COLUMNS, rows);
  }

  static StudyReport.Meta meta() {
    return new StudyReport.Meta("synthetic", "name: synthetic\nseeds: [1, 2]\n", List.of("0.1.0-test+abc"), 3725, 12, 12);
  }

  private static List<JsonNode> row(String cell, String kind, int b, long seed, Map<String, Object> extra) {
    Map<String, Object> v = new HashMap<>(extra);
    v.put("cell", cell);
    v.put("kind", kind);
    v.put("model", MODEL);
    v.put("non_embedding_parameters", PARAMS);
    v.put("budget", BUDGETS[b]);
    v.put("tokens_per_parameter", BUDGETS[b] / (double) PARAMS);
    v.put("pretrain_seed", seed);
    v.put("schedule", "cosine");
    List<JsonNode> row = new ArrayList<>();
    JsonNodeFactory f = JsonNodeFactory.instance;
    for (String c : COLUMNS) {
      Object o = v.get(c);
      row.add(o == null ? null : o instanceof String s ? f.textNode(s) : o instanceof Long l ? f.numberNode(l)
          : f.numberNode((Double) o));
    }
    return row;
  }
}
