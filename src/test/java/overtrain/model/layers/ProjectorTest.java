package overtrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static overtrain.model.layers.GradCheck.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProjectorTest {
  private static final int N = 5, F = 6, D = 8;

  /** The projector from its definition in double: parameters then features laid end to end. */
  static double[] reference(double[] wx) {
    int b1 = D * F, w2 = b1 + D, b2 = w2 + D * D, x = b2 + D;
    double[] y = new double[N * D];
    for (int i = 0; i < N; i++) {
      double[] a = new double[D];
      for (int j = 0; j < D; j++) {
        double h = wx[b1 + j];
        for (int k = 0; k < F; k++) h += wx[j * F + k] * wx[x + i * F + k];
        a[j] = 0.5 * h * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (h + 0.044715 * h * h * h)));
      }
      for (int j = 0; j < D; j++) {
        double v = wx[b2 + j];
        for (int k = 0; k < D; k++) v += wx[w2 + j * D + k] * a[k];
        y[i * D + j] = v;
      }
    }
    return y;
  }

  @Test
  void forwardAndBackwardMatchTheDoubleDefinition() {
    Random random = new Random(5);
    int p = Projector.size(F, D);
    double[] wx = gaussian(random, p + N * F, 0.7);
    double[] r = gaussian(random, N * D, 1.0);
    float[] w = toFloat(Arrays.copyOfRange(wx, 0, p));
    float[] x = toFloat(Arrays.copyOfRange(wx, p, p + N * F));
    float[] h = new float[N * D], a = new float[N * D], y = new float[N * D];
    Projector.forward(x, N, F, D, w, 0, h, a, y);
    double forwardError = relError(y, reference(wx));
    assertTrue(forwardError < 1e-5, "forward off by " + forwardError);

    // the parameters at an offset, gradients at another, added to what is there
    int off = 3, gOff = 7;
    float[] wOff = new float[off + p];
    System.arraycopy(w, 0, wOff, off, p);
    float[] grads = new float[gOff + p];
    Arrays.fill(grads, 0.5f);
    Projector.backward(toFloat(r), x, h, a, N, F, D, wOff, off, grads, gOff, new float[N * D]);
    float[] g = new float[p];
    for (int i = 0; i < p; i++) g[i] = grads[gOff + i] - 0.5f;
    double[] numeric = numeric(v -> dot(reference(v), r), wx);
    double error = relError(g, Arrays.copyOfRange(numeric, 0, p));
    assertTrue(error < 1e-4, "backward off by " + error);
    assertTrue(grads[0] == 0.5f && grads[gOff - 1] == 0.5f, "wrote outside its gradients");
  }
}
