package overtrain.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The muP coordinate check (Tensor Programs V, Figure 5 and the {@code mup} library's
 * {@code get_coord_data}): train models of widths 64 to 512 a few Adam steps with one learning
 * rate and measure how far the output logits moved. Under muP the size of that change stays
 * flat across widths; under standard parameterisation it grows with width, which is what makes
 * its best learning rate shift with size. The test asserts both, so it fails if either
 * parameterisation loses its character.
 */
class CoordinateCheckTest {
  private static final int[] WIDTHS = {64, 128, 256, 512};
  private static final int VOCAB = 32, BATCH = 2, SEQ = 16, STEPS = 3;
  private static final double LR = 1e-3;

  @Test
  void mupKeepsLogitUpdatesFlatAcrossWidthsAndStandardDoesNot() {
    double[] mup = logitChange(Parameterization.MUP);
    double[] standard = logitChange(Parameterization.STANDARD);
    double mupRatio = mup[WIDTHS.length - 1] / mup[0];
    double standardRatio = standard[WIDTHS.length - 1] / standard[0];
    System.out.printf(Locale.ROOT, "logit change rms, widths %s: muP %s (x%.2f), standard %s (x%.2f)%n",
        java.util.Arrays.toString(WIDTHS), fmt(mup), mupRatio, fmt(standard), standardRatio);
    assertTrue(mupRatio > 0.5 && mupRatio < 2, "muP logit change moved x" + mupRatio);
    assertTrue(standardRatio > 4, "standard logit change grew only x" + standardRatio);
  }

  /** RMS of (logits after STEPS Adam steps - logits at init) per width. */
  private static double[] logitChange(Parameterization p) {
    Random data = new Random(11);
    int n = BATCH * SEQ;
    int[] tokens = new int[n], targets = new int[n];
    for (int i = 0; i < n; i++) {
      tokens[i] = data.nextInt(VOCAB);
      targets[i] = data.nextInt(VOCAB);
    }
    double[] out = new double[WIDTHS.length];
    for (int w = 0; w < WIDTHS.length; w++) {
      int width = WIDTHS[w];
      ModelConfig c = new ModelConfig(VOCAB, width, 2, 4, width, SEQ, false, 10000.0, p, 64, 0.02);
      OlmoModel model = new OlmoModel(c, OlmoModel.initialize(c, 5));
      float[] before = new float[n * VOCAB], after = new float[n * VOCAB];
      model.logits(tokens, BATCH, SEQ, before);
      Adam adam = new Adam(model.parameters());
      for (int step = 0; step < STEPS; step++) {
        float[] grads = new float[model.parameters().size()];
        model.forwardBackward(tokens, targets, BATCH, SEQ, grads);
        adam.step(grads);
      }
      model.logits(tokens, BATCH, SEQ, after);
      double sq = 0;
      for (int i = 0; i < after.length; i++) sq += Math.pow(after[i] - before[i], 2);
      out[w] = Math.sqrt(sq / after.length);
    }
    return out;
  }

  /** Plain Adam (no decay) with each tensor's muP learning-rate scale; optim lives above model. */
  private static final class Adam {
    private final Parameters params;
    private final float[] m, v;
    private int t;

    Adam(Parameters params) {
      this.params = params;
      this.m = new float[params.size()];
      this.v = new float[params.size()];
    }

    void step(float[] g) {
      t++;
      double c1 = 1 - Math.pow(0.9, t), c2 = 1 - Math.pow(0.95, t);
      float[] x = params.data();
      for (TensorSpec s : params.specs()) {
        double lr = LR * s.lrScale();
        for (int i = s.offset(), end = s.end(); i < end; i++) {
          m[i] = 0.9f * m[i] + 0.1f * g[i];
          v[i] = 0.95f * v[i] + 0.05f * g[i] * g[i];
          x[i] -= (float) (lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8));
        }
      }
    }
  }

  private static String fmt(double[] xs) {
    StringBuilder b = new StringBuilder("[");
    for (double x : xs) b.append(b.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "%.3g", x));
    return b.append(']').toString();
  }
}
