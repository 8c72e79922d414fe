package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FindingsTest {
  private static final long[] BUDGETS = {1_000_000, 2_000_000, 4_000_000, 8_000_000, 16_000_000};

  /** A curve that is a parabola in log-budget with its vertex at {@code at}, plus {@code shift}. */
  private static double[] parabola(double at, double shift) {
    double[] y = new double[BUDGETS.length];
    for (int i = 0; i < y.length; i++) y[i] = Math.pow(Math.log(BUDGETS[i]) - Math.log(at), 2) + shift;
    return y;
  }

  @Test
  void anInteriorMinimumIsInterpolatedOnLogBudgetAndTheEndsSayHowTheCurveEnds() {
    assertEquals(5_000_000, Findings.minimum(BUDGETS, parabola(5e6, 3)).budget(), 1e-3);
    assertEquals(3_000_000, Findings.minimum(BUDGETS, parabola(3e6, 0)).budget(), 1e-3);
    Findings.Minimum falling = Findings.minimum(BUDGETS, new double[] {5, 4, 3, 2, 1});
    assertTrue(Double.isNaN(falling.budget()) && falling.where().contains("still falling"), falling.where());
    Findings.Minimum rising = Findings.minimum(BUDGETS, new double[] {1, 2, 3, 4, 5});
    assertTrue(Double.isNaN(rising.budget()) && rising.where().contains("rises throughout"), rising.where());
  }

  @Test
  void spearmanAndItsPermutationPValue() {
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8}, up = {0.1, 0.3, 0.2, 0.5, 0.6, 0.9, 1.0, 1.2};
    double[] down = new double[x.length];
    for (int i = 0; i < x.length; i++) down[i] = -x[i] * x[i];
    assertEquals(-1.0, Findings.spearman(x, down), 1e-12);
    assertEquals(1 - 6.0 * 2 / (8 * 63), Findings.spearman(x, up), 1e-12, "one swapped pair: 1 - 6 sum d^2 / n(n^2-1)");
    assertTrue(Findings.permutationP(x, down, 1) < 0.01);
    double[] flat = {1, 3, 2, 4, 1, 3, 2, 4};
    assertTrue(Findings.permutationP(x, flat, 1) > 0.2);
  }

  /** A results table of a perturbation study: three seeds whose curves differ by a shift. */
  private static Results.Table table(double vertex) {
    return table(vertex, BUDGETS.length);
  }

  /** The same, at the first {@code budgets} budgets only. */
  private static Results.Table table(double vertex, int budgets) {
    List<String> cols = List.of("cell", "kind", "model", "budget", "pretrain_seed", "gamma", "metric", "value");
    List<List<JsonNode>> rows = new ArrayList<>();
    JsonNodeFactory f = JsonNodeFactory.instance;
    for (long seed = 1; seed <= 3; seed++) {
      double[] after = parabola(vertex, 2 + 0.01 * seed);
      for (int i = 0; i < budgets; i++) {
        double base = 3 - 0.1 * i;
        rows.add(List.of(f.textNode("p"), f.textNode("pretrain"), f.textNode("d32"), f.numberNode(BUDGETS[i]),
            f.numberNode(seed), f.nullNode(), f.textNode("heldout_loss"), f.numberNode(base)));
        rows.add(List.of(f.textNode("q"), f.textNode("perturb"), f.textNode("d32"), f.numberNode(BUDGETS[i]),
            f.numberNode(seed), f.numberNode(1.0), f.textNode("heldout_loss"), f.numberNode(after[i])));
        rows.add(List.of(f.textNode("q"), f.textNode("perturb"), f.textNode("d32"), f.numberNode(BUDGETS[i]),
            f.numberNode(seed), f.numberNode(1.0), f.textNode("degradation"), f.numberNode(after[i] - base)));
      }
    }
    return new Results.Table(cols, rows);
  }

  @Test
  void findingsHoldTheInflectionWithItsIntervalAndTheSensitivity() {
    ObjectNode f = Findings.of(table(5e6), "abc");
    assertEquals("abc", f.get("study_sha256").asText());
    JsonNode m = f.at("/modifications/d32 | perturb gamma=1.0");
    assertEquals(5_000_000, m.at("/heldout_loss_after/inflection_tokens").asLong(), 1);
    // the seeds' curves are the same shape, so every resample finds the same point
    assertEquals(5_000_000, m.at("/heldout_loss_after/interval_low_tokens").asLong(), 1);
    assertEquals(5_000_000, m.at("/heldout_loss_after/interval_high_tokens").asLong(), 1);
    assertTrue(f.at("/base/d32/inflection").asText().contains("still falling"), f.toPrettyString());
    assertTrue(m.at("/degradation/spearman_rho").isNumber(), m.toPrettyString());
    assertEquals(15, m.at("/degradation/points").asInt());
  }

  @Test
  void aSeedsValueIsTheMeanOverEveryDirectionOfItsPerturbation() {
    List<String> cols = List.of("cell", "kind", "model", "budget", "pretrain_seed", "gamma", "direction_seed", "metric", "value");
    List<List<JsonNode>> rows = new ArrayList<>();
    JsonNodeFactory f = JsonNodeFactory.instance;
    double[] directions = {1.0, 2.0, 6.0};
    for (long budget : BUDGETS) {
      for (int d = 0; d < directions.length; d++) {
        double after = directions[d] + budget / 1e6;
        rows.add(List.of(f.textNode("q"), f.textNode("perturb"), f.textNode("d32"), f.numberNode(budget),
            f.numberNode(1), f.numberNode(1.0), f.numberNode(d + 1), f.textNode("heldout_loss"), f.numberNode(after)));
      }
    }
    JsonNode mean = Findings.of(new Results.Table(cols, rows), "abc")
        .at("/modifications/d32 | perturb gamma=1.0/heldout_loss_after/mean");
    for (int i = 0; i < BUDGETS.length; i++) {
      // (1 + 2 + 6) / 3 = 3, where folding each direction into a running pair-average gives 3.75
      assertEquals(3.0 + BUDGETS[i] / 1e6, mean.get(i).asDouble(), 1e-12, mean.toString());
    }
  }

  @Test
  void oneOrTwoBudgetsSayWhatTheyCannotShow() {
    Findings.Minimum one = Findings.minimum(new long[] {BUDGETS[0]}, new double[] {3});
    assertTrue(Double.isNaN(one.budget()) && one.where().contains("one budget"), one.where());
    Findings.Minimum rises = Findings.minimum(new long[] {BUDGETS[0], BUDGETS[1]}, new double[] {3, 4});
    assertTrue(Double.isNaN(rises.budget()) && rises.where().contains("rises throughout"), rises.where());
    Findings.Minimum falls = Findings.minimum(new long[] {BUDGETS[0], BUDGETS[1]}, new double[] {4, 3});
    assertTrue(Double.isNaN(falls.budget()) && falls.where().contains("still falling"), falls.where());

    // one budget and three seeds: three points, every budget rank tied, so no rho (not a rho of 0)
    ObjectNode f = Findings.of(table(5e6, 1), "abc");
    assertTrue(f.at("/base/d32/inflection").asText().contains("one budget"), f.toPrettyString());
    JsonNode d = f.at("/modifications/d32 | perturb gamma=1.0/degradation");
    assertTrue(d.get("spearman_rho").isNull(), d.toPrettyString());
    assertEquals("needs 2 budgets or more", d.get("why_none").asText());
    assertEquals(3, d.get("points").asInt());
    // two budgets and three seeds: six points, a rho
    JsonNode two = Findings.of(table(5e6, 2), "abc").at("/modifications/d32 | perturb gamma=1.0/degradation");
    assertTrue(two.get("spearman_rho").isNumber(), two.toPrettyString());
  }

  @Test
  void theTunedRateIsReadPerCheckpointAndItsNumbersAreTakenAtThatRate() {
    List<String> cols = List.of("cell", "kind", "model", "task", "budget", "pretrain_seed", "stage", "split", "lr",
        "metric", "value");
    List<List<JsonNode>> rows = new ArrayList<>();
    JsonNodeFactory f = JsonNodeFactory.instance;
    for (long seed = 1; seed <= 2; seed++) {
      for (int i = 0; i < BUDGETS.length; i++) {
        String cell = "c" + seed + i;
        // validation picks 1e-3 below 4M tokens and 1e-2 from there on
        double pick = BUDGETS[i] < 4_000_000 ? 1e-3 : 1e-2;
        rows.add(List.of(f.textNode(cell), f.textNode("finetune"), f.textNode("d16"), f.textNode("code"),
            f.numberNode(BUDGETS[i]), f.numberNode(seed), f.nullNode(), f.nullNode(), f.nullNode(),
            f.textNode("chosen_lr"), f.numberNode(pick)));
        for (double lr : new double[] {1e-3, 1e-2}) {
          // at the chosen rate, held-out loss is a parabola lowest at 4M; at the other rate, flat
          double heldout = lr == pick ? parabola(4e6, 5)[i] : 9;
          rows.add(List.of(f.textNode(cell), f.textNode("finetune"), f.textNode("d16"), f.textNode("code"),
              f.numberNode(BUDGETS[i]), f.numberNode(seed), f.textNode("after"), f.textNode("heldout"),
              f.numberNode(lr), f.textNode("heldout_loss"), f.numberNode(heldout)));
          rows.add(List.of(f.textNode(cell), f.textNode("finetune"), f.textNode("d16"), f.textNode("code"),
              f.numberNode(BUDGETS[i]), f.numberNode(seed), f.textNode("after"), f.textNode("test"),
              f.numberNode(lr), f.textNode("loss"), f.numberNode(lr == pick ? 2 - 0.1 * i : 7)));
        }
      }
    }
    JsonNode t = Findings.of(new Results.Table(cols, rows), "h").at("/tuned/d16 | finetune code tuned");
    assertEquals("[0.001,0.001]", t.at("/chosen_lr/1000000").toString());
    assertEquals("[0.01,0.01]", t.at("/chosen_lr/16000000").toString());
    assertEquals(4_000_000, t.at("/heldout_loss_after/inflection_tokens").asLong(), 1, t.toPrettyString());
    assertEquals("loss", t.get("id_metric").asText());
    assertEquals(2 - 0.4, t.at("/id_after/mean/4").asDouble(), 1e-12, "the test loss at the chosen rate");
    assertTrue(t.at("/id_after/inflection").asText().contains("still falling"), t.toPrettyString());
  }
}
