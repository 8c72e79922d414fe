package overtrain.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.Parameters;
import overtrain.optim.AdamW;

/**
 * muP's coordinate check (Tensor Programs V, the {@code mup} library's {@code get_coord_data}):
 * train models of growing width for a few Adam steps at one learning rate and measure how far
 * the output logits moved. Under muP the size of that change is the same at every width; under
 * standard parameterisation it grows with width, which is why learning rates do not transfer.
 */
class MupCoordinateCheckTest {
  private static final int VOCAB = 16, CONTEXT = 8, BATCH = 1, STEPS = 3, BASE = 64;
  private static final double LR = 1e-2;

  /** Mean over positions of the std over the vocabulary of the change in logits. */
  static double logitChange(int width, Parameterization p) {
    ModelConfig config = new ModelConfig(VOCAB, width, 1, width / 16, 2 * width, CONTEXT, false,
        10000.0, p, BASE, 0.02);
    Parameters params = OlmoModel.initialize(config, 11);
    OlmoModel model = new OlmoModel(config, params);
    SplittableRandom rng = new SplittableRandom(5);
    int n = BATCH * CONTEXT;
    int[] tokens = new int[n], targets = new int[n];
    for (int i = 0; i < n; i++) tokens[i] = rng.nextInt(VOCAB);
    for (int i = 0; i < n; i++) targets[i] = rng.nextInt(VOCAB);

    float[] before = allLogProbs(model, tokens);
    AdamW adam = new AdamW(params.specs(), 0.0);
    float[] grads = new float[params.size()];
    for (int s = 0; s < STEPS; s++) {
      java.util.Arrays.fill(grads, 0f);
      model.forwardBackward(tokens, targets, BATCH, CONTEXT, grads);
      adam.update(params.data(), grads, LR);
    }
    float[] after = allLogProbs(model, tokens);
    // Log-probabilities differ from logits by one constant per position, which the std over
    // the vocabulary removes.
    double total = 0;
    for (int pos = 0; pos < n; pos++) {
      double mean = 0, sq = 0;
      for (int v = 0; v < VOCAB; v++) mean += after[v * n + pos] - before[v * n + pos];
      mean /= VOCAB;
      for (int v = 0; v < VOCAB; v++) {
        double d = after[v * n + pos] - before[v * n + pos] - mean;
        sq += d * d;
      }
      total += Math.sqrt(sq / VOCAB);
    }
    return total / n;
  }

  /** log p(v | prefix) for every vocabulary entry v at every position: [VOCAB][n]. */
  private static float[] allLogProbs(OlmoModel model, int[] tokens) {
    int n = tokens.length;
    int[] manyTokens = new int[VOCAB * n];
    int[] manyTargets = new int[VOCAB * n];
    for (int v = 0; v < VOCAB; v++) {
      System.arraycopy(tokens, 0, manyTokens, v * n, n);
      java.util.Arrays.fill(manyTargets, v * n, (v + 1) * n, v);
    }
    float[] out = new float[VOCAB * n];
    model.targetLogProbs(manyTokens, manyTargets, VOCAB * BATCH, CONTEXT, out);
    return out;
  }

  @Test
  void logitUpdatesStayFlatAcrossWidthsUnderMupAndGrowUnderStandard() {
    int[] widths = {64, 128, 256, 512};
    double[] mup = new double[widths.length], sp = new double[widths.length];
    for (int i = 0; i < widths.length; i++) {
      mup[i] = logitChange(widths[i], Parameterization.MUP);
      sp[i] = logitChange(widths[i], Parameterization.STANDARD);
    }
    System.out.println("coordinate check, logit change by width " + java.util.Arrays.toString(widths)
        + ": muP " + java.util.Arrays.toString(mup) + ", standard " + java.util.Arrays.toString(sp));
    double mupRatio = mup[3] / mup[0], spRatio = sp[3] / sp[0];
    assertTrue(mupRatio > 0.5 && mupRatio < 2, "muP: width 512 vs 64 ratio " + mupRatio + " is not flat");
    assertTrue(spRatio > 3, "standard: width 512 vs 64 ratio " + spRatio + " should grow with width");
  }
}
