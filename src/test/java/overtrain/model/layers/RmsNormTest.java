package overtrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static overtrain.model.layers.GradCheck.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RmsNormTest {
  private static final int N = 3;
  private static final double EPS = 1e-6;

  /** The definition in double: w * x / sqrt(mean(x^2) + eps), row by row; x and w end to end. */
  private static double[] reference(double[] xw, int c) {
    double[] y = new double[N * c];
    for (int i = 0; i < N; i++) {
      double ms = 0;
      for (int j = 0; j < c; j++) ms += xw[i * c + j] * xw[i * c + j] / c;
      for (int j = 0; j < c; j++) y[i * c + j] = xw[N * c + j] * xw[i * c + j] / Math.sqrt(ms + EPS);
    }
    return y;
  }

  @Test
  void forwardAndBackwardMatchDoubleDefinition() {
    // one vector, a vector and a scalar tail, several vectors and a tail
    for (int c : new int[] {16, 37, 300}) {
      check(c, false);
      check(c, true);
    }
  }

  /** {@code accumulate}: y and dx are added to (from ones), else set (over garbage). */
  private static void check(int c, boolean accumulate) {
    Random random = new Random(c);
    double[] xw = gaussian(random, N * c + c, 2.0);
    for (int j = 0; j < c; j++) xw[N * c + j] = (float) (1 + 0.5 * random.nextGaussian()); // gains near 1
    double[] r = gaussian(random, N * c, 1.0);
    float[] x = toFloat(Arrays.copyOfRange(xw, 0, N * c)), w = toFloat(Arrays.copyOfRange(xw, N * c, N * c + c));
    // the gain sits at an offset in a larger buffer, as in the model's parameters
    float[] params = new float[c + 5];
    System.arraycopy(w, 0, params, 5, c);

    float start = accumulate ? 1f : 7f;
    float[] xhat = new float[N * c], rstd = new float[N], y = new float[N * c];
    Arrays.fill(y, start);
    RmsNorm.forward(x, xhat, rstd, params, 5, y, accumulate, N, c, EPS);
    if (accumulate) for (int j = 0; j < y.length; j++) y[j] -= 1f;
    double forwardError = relError(y, reference(xw, c));
    assertTrue(forwardError < 1e-6, "c " + c + ": forward off by " + forwardError);

    float[] dx = new float[N * c], grads = new float[c + 5];
    Arrays.fill(dx, start);
    Arrays.fill(grads, 1f); // the gain's gradient is added
    RmsNorm.backward(toFloat(r), xhat, rstd, params, 5, dx, accumulate, grads, 5, N, c);
    if (accumulate) for (int j = 0; j < dx.length; j++) dx[j] -= 1f;
    float[] all = new float[N * c + c];
    System.arraycopy(dx, 0, all, 0, N * c);
    for (int j = 0; j < c; j++) all[N * c + j] = grads[5 + j] - 1f;
    double error = relError(all, numeric(v -> dot(reference(v, c), r), xw));
    assertTrue(error < 1e-4, "c " + c + ": backward off by " + error);
  }

  /** In place, as the model runs it: xhat over x, and dx over dy. */
  @Test
  void inPlaceGivesTheSameBits() {
    int c = 37;
    Random random = new Random(1);
    float[] x = toFloat(gaussian(random, N * c, 1.0)), w = toFloat(gaussian(random, c, 1.0));
    float[] dy = toFloat(gaussian(random, N * c, 1.0));
    float[] xhat = new float[N * c], rstd = new float[N], y = new float[N * c];
    RmsNorm.forward(x, xhat, rstd, w, 0, y, false, N, c, EPS);
    float[] dx = new float[N * c], dw = new float[c];
    RmsNorm.backward(dy, xhat, rstd, w, 0, dx, false, dw, 0, N, c);

    float[] x2 = x.clone(), y2 = new float[N * c], rstd2 = new float[N];
    RmsNorm.forward(x2, x2, rstd2, w, 0, y2, false, N, c, EPS);
    assertTrue(Arrays.equals(xhat, x2) && Arrays.equals(y, y2), "forward in place");
    float[] dy2 = dy.clone(), dw2 = new float[c];
    RmsNorm.backward(dy2, x2, rstd2, w, 0, dy2, false, dw2, 0, N, c);
    assertTrue(Arrays.equals(dx, dy2) && Arrays.equals(dw, dw2), "backward in place");
  }
}
