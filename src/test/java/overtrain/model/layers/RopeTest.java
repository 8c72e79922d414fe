package overtrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static overtrain.model.layers.GradCheck.*;

import java.util.Random;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RopeTest {
  private static final int B = 2, T = 5, HEADS = 2;
  private static final double THETA = 100.0;

  /** Rotate-half in double: pair (i, i + hd/2) turns by pos * THETA^(-2i/hd). */
  private static double[] reference(double[] x, int hd) {
    int w = HEADS * hd;
    double[] y = new double[x.length];
    int half = hd / 2;
    for (int r = 0; r < B * T; r++) {
      int pos = r % T;
      for (int h = 0; h < HEADS; h++) {
        int base = r * w + h * hd;
        for (int i = 0; i < half; i++) {
          double angle = pos * Math.pow(THETA, -2.0 * i / hd);
          double a = x[base + i], b = x[base + half + i];
          y[base + i] = a * Math.cos(angle) - b * Math.sin(angle);
          y[base + half + i] = b * Math.cos(angle) + a * Math.sin(angle);
        }
      }
    }
    return y;
  }

  /**
   * Head sizes whose halves are shorter than a vector, one vector and a tail, two vectors, and
   * a head of exactly one vector, which turns in one piece.
   */
  static IntStream headSizes() {
    return IntStream.of(6, 40, 64, FloatVector.SPECIES_PREFERRED.length());
  }

  @ParameterizedTest
  @MethodSource("headSizes")
  void forwardAndBackwardMatchDoubleDefinition(int hd) {
    int w = HEADS * hd;
    Random random = new Random(2);
    double[] x = gaussian(random, B * T * w, 1.0);
    double[] r = gaussian(random, B * T * w, 1.0);
    Rope rope = new Rope(hd, 8, THETA);

    float[] y = toFloat(x);
    rope.forward(y, B, T, HEADS);
    double forwardError = relError(y, reference(x, hd));
    assertTrue(forwardError < 1e-6, "forward off by " + forwardError);

    float[] dx = toFloat(r);
    rope.backward(dx, B, T, HEADS);
    double error = relError(dx, numeric(v -> dot(reference(v, hd), r), x));
    assertTrue(error < 1e-4, "backward off by " + error);
  }

  /** Vector lanes and the scalar tail round alike: the float formula, element by element. */
  @ParameterizedTest
  @MethodSource("headSizes")
  void everyPairRoundsAsTheScalarFormulaDoes(int hd) {
    int half = hd / 2, w = HEADS * hd;
    float[] x = toFloat(gaussian(new Random(3), B * T * w, 1.0));
    float[] want = x.clone();
    for (int row = 0; row < B * T; row++) {
      for (int h = 0; h < HEADS; h++) {
        for (int i = 0; i < half; i++) {
          float invFreq = (float) (1.0 / Math.pow(THETA, (float) (2 * i) / hd));
          float angle = (row % T) * invFreq;
          float c = (float) Math.cos(angle), s = (float) Math.sin(angle);
          int at = row * w + h * hd + i;
          float a = x[at], b = x[at + half];
          want[at] = a * c - b * s;
          want[at + half] = b * c + a * s;
        }
      }
    }
    new Rope(hd, 8, THETA).forward(x, B, T, HEADS);
    assertArrayEquals(want, x);
  }
}
