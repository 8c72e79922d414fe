package overtrain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OlmoModelTest {
  private static ModelConfig config(Parameterization p, int width, boolean tied) {
    return new ModelConfig(50, width, 2, 4, 2 * width, 16, tied, 10000.0, p, 16, 0.02);
  }

  @Test
  void mupLayoutScalesHiddenMatricesOnly() {
    ModelConfig c = config(Parameterization.MUP, 64, false); // width multiplier 4
    List<TensorSpec> specs = OlmoModel.layout(c);
    assertEquals(1 + 2 * 7 + 1, specs.size());
    for (TensorSpec s : specs) {
      boolean vectorLike = s.name().equals("model.embed_tokens.weight")
          || s.name().equals("lm_head.weight");
      assertEquals(vectorLike ? 0.02 : 0.01, s.initStd(), 1e-15, s.name());
      assertEquals(vectorLike ? 1.0 : 0.25, s.lrScale(), 1e-15, s.name());
      assertEquals(!s.name().startsWith("model.embed"), s.weightDecay(), s.name());
    }
    assertArrayEquals(new int[] {64, 128},
        specs.stream().filter(s -> s.name().endsWith("down_proj.weight")).findFirst()
            .orElseThrow().shape());
    assertEquals(1.0 / 16, c.attentionScale(), 1e-15);
    assertEquals(0.25, c.logitScale(), 1e-15);
  }

  @Test
  void standardLayoutIsUniformAndTiedHasNoHead() {
    List<TensorSpec> specs = OlmoModel.layout(config(Parameterization.STANDARD, 64, true));
    assertEquals(1 + 2 * 7, specs.size());
    assertFalse(specs.stream().anyMatch(s -> s.name().equals("lm_head.weight")));
    for (TensorSpec s : specs) {
      assertEquals(0.02, s.initStd(), 1e-15, s.name());
      assertEquals(1.0, s.lrScale(), 1e-15, s.name());
    }
  }

  @Test
  void initialisationIsSeededAndFollowsTheStds() {
    ModelConfig c = config(Parameterization.MUP, 64, false);
    Parameters a = OlmoModel.initialize(c, 7), b = OlmoModel.initialize(c, 7);
    assertArrayEquals(a.data(), b.data());
    assertFalse(Arrays.equals(a.data(), OlmoModel.initialize(c, 8).data()));
    for (TensorSpec s : a.specs()) {
      double sq = 0;
      for (int i = s.at(); i < s.end(); i++) sq += (double) a.data()[i] * a.data()[i];
      double std = Math.sqrt(sq / s.size());
      assertEquals(s.initStd(), std, 0.1 * s.initStd(), s.name()); // >= 3200 draws per tensor
    }
  }

  @Test
  void forwardBackwardIsBitReproducibleAndAddsIntoGrads() {
    ModelConfig c = config(Parameterization.STANDARD, 32, false);
    OlmoModel model = new OlmoModel(c, OlmoModel.initialize(c, 1));
    int[][] batch = batch(c, 3, 10, new Random(2));
    float[] g1 = new float[model.parameters().size()], g2 = new float[g1.length];
    double l1 = model.forwardBackward(batch[0], batch[1], 3, 10, g1);
    double l2 = model.forwardBackward(batch[0], batch[1], 3, 10, g2);
    assertEquals(l1, l2);
    assertArrayEquals(g1, g2);

    float[] g3 = new float[g1.length];
    Arrays.fill(g3, 1f);
    model.forwardBackward(batch[0], batch[1], 3, 10, g3);
    double worst = 0;
    for (int i = 0; i < g1.length; i++) worst = Math.max(worst, Math.abs(g3[i] - 1f - g1[i]));
    assertTrue(worst < 1e-6, "gradients not added: off by " + worst);
  }

  @Test
  void sequencesInABatchAreIndependentAndCausal() {
    ModelConfig c = config(Parameterization.MUP, 32, true);
    OlmoModel model = new OlmoModel(c, OlmoModel.initialize(c, 3));
    int t = 9;
    int[][] two = batch(c, 2, t, new Random(4));
    float[] together = new float[2 * t];
    model.targetLogProbs(two[0], two[1], 2, t, together);
    // the second sequence alone, in a fresh model whose buffers start small
    OlmoModel fresh = new OlmoModel(c, model.parameters());
    float[] alone = new float[t];
    fresh.targetLogProbs(Arrays.copyOfRange(two[0], t, 2 * t),
        Arrays.copyOfRange(two[1], t, 2 * t), 1, t, alone);
    for (int i = 0; i < t; i++) assertEquals(together[t + i], alone[i], 1e-5, "position " + i);

    // changing the last token changes nothing before it, and something at it
    int[] changed = two[0].clone();
    changed[t - 1] = (changed[t - 1] + 1) % c.vocabSize();
    float[] after = new float[2 * t];
    model.targetLogProbs(changed, two[1], 2, t, after);
    for (int i = 0; i < t - 1; i++) assertEquals(together[i], after[i], "position " + i);
    assertNotEquals(together[t - 1], after[t - 1]);
  }

  @Test
  void badInputNamesTheProblem() {
    ModelConfig c = config(Parameterization.STANDARD, 32, false);
    OlmoModel model = new OlmoModel(c, OlmoModel.initialize(c, 1));
    int[] tokens = {1, 2, 50}, targets = {2, 3, 4};
    var e = assertThrows(IllegalArgumentException.class, () -> model.loss(tokens, targets, 1, 3));
    assertTrue(e.getMessage().contains("index 2"), e.getMessage());
    var all = assertThrows(IllegalArgumentException.class,
        () -> model.loss(new int[] {1, 2}, new int[] {-1, -1}, 1, 2));
    assertTrue(all.getMessage().contains("negative"), all.getMessage());
    ModelConfig other = config(Parameterization.STANDARD, 32, true);
    assertThrows(IllegalArgumentException.class,
        () -> new OlmoModel(other, OlmoModel.initialize(c, 1)));
  }

  /** Random tokens and next-token targets, one in five ignored. */
  private static int[][] batch(ModelConfig c, int b, int t, Random random) {
    int[] tokens = new int[b * t], targets = new int[b * t];
    for (int i = 0; i < b * t; i++) {
      tokens[i] = random.nextInt(c.vocabSize());
      targets[i] = random.nextInt(5) == 0 ? -1 : random.nextInt(c.vocabSize());
    }
    return new int[][] {tokens, targets};
  }
}
