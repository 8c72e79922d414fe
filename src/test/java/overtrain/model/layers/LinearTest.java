package overtrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static overtrain.model.layers.GradCheck.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearTest {
  private static final int N = 4, IN = 5, OUT = 3;

  /** y = x W^T in double; x[N,IN] then W[OUT,IN] laid end to end in one array. */
  private static double[] reference(double[] xw) {
    double[] y = new double[N * OUT];
    for (int i = 0; i < N; i++) {
      for (int o = 0; o < OUT; o++) {
        for (int k = 0; k < IN; k++) y[i * OUT + o] += xw[i * IN + k] * xw[N * IN + o * IN + k];
      }
    }
    return y;
  }

  @Test
  void forwardAndBackwardMatchDoubleDefinition() {
    Random random = new Random(4);
    double[] xw = gaussian(random, N * IN + OUT * IN, 1.0);
    double[] r = gaussian(random, N * OUT, 1.0);
    float[] x = toFloat(Arrays.copyOfRange(xw, 0, N * IN));
    // the weight sits at an offset inside a larger buffer, as in the flat parameter array
    float[] params = new float[3 + OUT * IN];
    System.arraycopy(toFloat(Arrays.copyOfRange(xw, N * IN, xw.length)), 0, params, 3, OUT * IN);

    float[] y = new float[N * OUT];
    Linear.forward(x, 0, params, 3, y, 0, N, IN, OUT, false);
    double forwardError = relError(y, reference(xw));
    assertTrue(forwardError < 1e-6, "forward off by " + forwardError);

    float[] dx = new float[N * IN], grads = new float[params.length];
    Linear.backward(toFloat(r), 0, x, 0, params, 3, dx, 0, false, grads, 3, N, IN, OUT);
    float[] both = new float[xw.length];
    System.arraycopy(dx, 0, both, 0, N * IN);
    System.arraycopy(grads, 3, both, N * IN, OUT * IN);
    double error = relError(both, numeric(v -> dot(reference(v), r), xw));
    assertTrue(error < 1e-4, "backward off by " + error);
  }
}
