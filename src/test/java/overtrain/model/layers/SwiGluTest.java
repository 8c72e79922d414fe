package overtrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static overtrain.model.layers.GradCheck.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SwiGluTest {
  private static final int LEN = 40;

  /** silu(g) * u in double, for g and u laid end to end in one array. */
  private static double[] reference(double[] gu) {
    double[] h = new double[LEN];
    for (int i = 0; i < LEN; i++) {
      double g = gu[i];
      h[i] = g / (1 + Math.exp(-g)) * gu[LEN + i];
    }
    return h;
  }

  @Test
  void forwardAndBackwardMatchDoubleDefinition() {
    Random random = new Random(3);
    double[] gu = gaussian(random, 2 * LEN, 2.0);
    double[] r = gaussian(random, LEN, 1.0);
    float[] g = toFloat(Arrays.copyOfRange(gu, 0, LEN));
    float[] u = toFloat(Arrays.copyOfRange(gu, LEN, 2 * LEN));

    float[] h = new float[LEN];
    SwiGlu.forward(g, u, h, LEN);
    double forwardError = relError(h, reference(gu));
    assertTrue(forwardError < 1e-6, "forward off by " + forwardError);

    float[] dg = new float[LEN], du = new float[LEN];
    SwiGlu.backward(toFloat(r), g, u, dg, du, LEN);
    float[] both = new float[2 * LEN];
    System.arraycopy(dg, 0, both, 0, LEN);
    System.arraycopy(du, 0, both, LEN, LEN);
    double error = relError(both, numeric(v -> dot(reference(v), r), gu));
    assertTrue(error < 1e-4, "backward off by " + error);
  }
}
