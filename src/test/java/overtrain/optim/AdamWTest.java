package overtrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import overtrain.model.TensorSpec;

class AdamWTest {
  // One decayed tensor with a scaled learning rate, one embedding-like tensor without decay.
  private static final List<TensorSpec> SPECS = List.of(
      new TensorSpec("a", new int[] {3, 4}, 0, 0, 0.02, 0.5, true),
      new TensorSpec("b", new int[] {5}, 12, 0, 0.02, 1.0, false));

  /** torch.optim.AdamW's update written out in double, one tensor element at a time. */
  private static void referenceStep(double[] p, double[] g, double[] m, double[] v, int t,
      double lr, double wd) {
    for (TensorSpec s : SPECS) {
      double lrT = lr * s.lrScale();
      for (int i = s.at(); i < s.end(); i++) {
        if (s.weightDecay()) p[i] *= 1 - lrT * wd;
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.95 * v[i] + 0.05 * g[i] * g[i];
        // PyTorch divides sqrt(v) by sqrt(1 - beta2^t) before adding eps.
        double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.95, t)) + 1e-8;
        p[i] -= lrT / (1 - Math.pow(0.9, t)) * m[i] / denom;
      }
    }
  }

  @Test
  void fiveStepsMatchTheDoublePrecisionFormula() {
    SplittableRandom rng = new SplittableRandom(7);
    int n = 17;
    float[] p = new float[n];
    double[] pRef = new double[n], mRef = new double[n], vRef = new double[n];
    for (int i = 0; i < n; i++) pRef[i] = p[i] = (float) rng.nextGaussian();
    AdamW opt = new AdamW(SPECS, 0.1);
    for (int t = 1; t <= 5; t++) {
      float[] g = new float[n];
      double[] gRef = new double[n];
      for (int i = 0; i < n; i++) gRef[i] = g[i] = (float) (rng.nextGaussian() * Math.pow(10, t - 3));
      double lr = 1e-2 * t;
      opt.update(p, g, lr);
      referenceStep(pRef, gRef, mRef, vRef, t, lr, 0.1);
      for (int i = 0; i < n; i++) {
        assertEquals(pRef[i], p[i], 2e-6 * Math.abs(pRef[i]) + 1e-7, "param " + i + " after step " + t);
        assertEquals(mRef[i], opt.firstMoment()[i], 1e-6 * Math.abs(mRef[i]) + 1e-9, "m " + i);
        assertEquals(vRef[i], opt.secondMoment()[i], 1e-6 * Math.abs(vRef[i]) + 1e-12, "v " + i);
      }
    }
    assertEquals(5, opt.step());
  }

  @Test
  void firstStepMovesEachWeightByTheLearningRate() {
    // With zero moments, Adam's first step is lr * sign(g) (up to eps), whatever g's size.
    float[] p = new float[17];
    float[] g = new float[17];
    for (int i = 0; i < 17; i++) g[i] = (i % 2 == 0 ? 1 : -1) * (float) Math.pow(10, i % 5 - 2);
    new AdamW(SPECS, 0.0).update(p, g, 0.1);
    for (TensorSpec s : SPECS) {
      for (int i = s.at(); i < s.end(); i++) {
        assertEquals(-Math.signum(g[i]) * 0.1 * s.lrScale(), p[i], 1e-6, s.name() + "[" + i + "]");
      }
    }
  }

  @Test
  void weightDecaySkipsTensorsThatOptOut() {
    float[] p = new float[17];
    java.util.Arrays.fill(p, 1f);
    new AdamW(SPECS, 0.5).update(p, new float[17], 0.1);
    assertEquals(1 - 0.1 * 0.5 * 0.5, p[0], 1e-7, "decayed with its own lr (0.05)");
    assertEquals(1f, p[12], "no decay on b");
  }

  @Test
  void rejectsBuffersOfTheWrongSize() {
    AdamW opt = new AdamW(SPECS, 0.0);
    assertThrows(IllegalArgumentException.class, () -> opt.update(new float[16], new float[17], 0.1));
    assertThrows(IllegalArgumentException.class,
        () -> new AdamW(SPECS, 0.0, new float[3], new float[17], 0));
  }
}
