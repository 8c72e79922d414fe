package overtrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static overtrain.model.layers.GradCheck.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LayerNormTest {
  private static final int N = 3;

  /** The definition in double: (x - mean) / sqrt(var + eps), row by row. */
  private static double[] reference(double[] x, int C) {
    double[] y = new double[x.length];
    for (int i = 0; i < N; i++) {
      double mean = 0, var = 0;
      for (int j = 0; j < C; j++) mean += x[i * C + j] / C;
      for (int j = 0; j < C; j++) var += Math.pow(x[i * C + j] - mean, 2) / C;
      for (int j = 0; j < C; j++) y[i * C + j] = (x[i * C + j] - mean) / Math.sqrt(var + 1e-5);
    }
    return y;
  }

  @Test
  void forwardAndBackwardMatchDoubleDefinition() {
    // one vector, a vector and a scalar tail, several vectors and a tail
    for (int c : new int[] {16, 37, 300}) check(c);
  }

  private static void check(int C) {
    Random random = new Random(C);
    double[] x = gaussian(random, N * C, 2.0);
    for (int j = 0; j < x.length; j++) x[j] += 3.0; // an offset the mean must remove
    double[] r = gaussian(random, N * C, 1.0);

    float[] xhat = new float[N * C], rstd = new float[N];
    LayerNorm.forward(toFloat(x), xhat, rstd, N, C);
    double forwardError = relError(xhat, reference(x, C));
    assertTrue(forwardError < 1e-6, "c " + C + ": forward off by " + forwardError);

    // backward adds into dx: start from ones and take them off again
    float[] dx = new float[N * C];
    java.util.Arrays.fill(dx, 1f);
    LayerNorm.backward(toFloat(r), xhat, rstd, dx, N, C);
    for (int j = 0; j < dx.length; j++) dx[j] -= 1f;
    double[] expected = numeric(v -> dot(reference(v, C), r), x);
    double error = relError(dx, expected);
    assertTrue(error < 1e-4, "c " + C + ": backward off by " + error);
  }
}
