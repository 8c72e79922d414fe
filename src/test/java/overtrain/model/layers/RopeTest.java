package overtrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static overtrain.model.layers.GradCheck.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RopeTest {
  private static final int B = 2, T = 5, HEADS = 2, HD = 6, W = HEADS * HD;
  private static final double THETA = 100.0;

  /** Rotate-half in double: pair (i, i + HD/2) turns by pos * THETA^(-2i/HD). */
  private static double[] reference(double[] x) {
    double[] y = new double[x.length];
    int half = HD / 2;
    for (int r = 0; r < B * T; r++) {
      int pos = r % T;
      for (int h = 0; h < HEADS; h++) {
        int base = r * W + h * HD;
        for (int i = 0; i < half; i++) {
          double angle = pos * Math.pow(THETA, -2.0 * i / HD);
          double a = x[base + i], b = x[base + half + i];
          y[base + i] = a * Math.cos(angle) - b * Math.sin(angle);
          y[base + half + i] = b * Math.cos(angle) + a * Math.sin(angle);
        }
      }
    }
    return y;
  }

  @Test
  void forwardAndBackwardMatchDoubleDefinition() {
    Random random = new Random(2);
    double[] x = gaussian(random, B * T * W, 1.0);
    double[] r = gaussian(random, B * T * W, 1.0);
    Rope rope = new Rope(HD, 8, THETA);

    float[] y = toFloat(x);
    rope.forward(y, B, T, HEADS);
    double forwardError = relError(y, reference(x));
    assertTrue(forwardError < 1e-6, "forward off by " + forwardError);

    float[] dx = toFloat(r);
    rope.backward(dx, B, T, HEADS);
    double error = relError(dx, numeric(v -> dot(reference(v), r), x));
    assertTrue(error < 1e-4, "backward off by " + error);
  }
}
