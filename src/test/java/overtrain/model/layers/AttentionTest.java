package overtrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static overtrain.model.layers.GradCheck.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AttentionTest {
  private static final int B = 2, T = 5, HEADS = 2, HD = 4, W = HEADS * HD, SIZE = B * T * W;
  private static final float SCALE = 0.4f;

  /** Causal softmax attention in double; q, k, v laid end to end in one array. */
  private static double[] reference(double[] qkv) {
    double[] y = new double[SIZE];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < HEADS; h++) {
        for (int t = 0; t < T; t++) {
          double[] score = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY, sum = 0;
          for (int s = 0; s <= t; s++) {
            for (int i = 0; i < HD; i++) {
              score[s] += qkv[idx(b, t, h, i)] * qkv[SIZE + idx(b, s, h, i)] * SCALE;
            }
            max = Math.max(max, score[s]);
          }
          for (int s = 0; s <= t; s++) sum += Math.exp(score[s] - max);
          for (int s = 0; s <= t; s++) {
            double p = Math.exp(score[s] - max) / sum;
            for (int i = 0; i < HD; i++) y[idx(b, t, h, i)] += p * qkv[2 * SIZE + idx(b, s, h, i)];
          }
        }
      }
    }
    return y;
  }

  private static int idx(int b, int t, int h, int i) {
    return (b * T + t) * W + h * HD + i;
  }

  @Test
  void forwardAndBackwardMatchDoubleDefinition() {
    Random random = new Random(5);
    double[] qkv = gaussian(random, 3 * SIZE, 1.5);
    double[] r = gaussian(random, SIZE, 1.0);
    float[] q = toFloat(Arrays.copyOfRange(qkv, 0, SIZE));
    float[] k = toFloat(Arrays.copyOfRange(qkv, SIZE, 2 * SIZE));
    float[] v = toFloat(Arrays.copyOfRange(qkv, 2 * SIZE, 3 * SIZE));

    float[] att = new float[B * HEADS * T * T], y = new float[SIZE];
    Attention.forward(q, k, v, att, y, B, T, HEADS, HD, SCALE);
    double forwardError = relError(y, reference(qkv));
    assertTrue(forwardError < 1e-6, "forward off by " + forwardError);

    // the gradient buffers start dirty: backward must set them, not add
    float[] dq = new float[SIZE], dk = new float[SIZE], dv = new float[SIZE];
    Arrays.fill(dq, 9f);
    Arrays.fill(dk, 9f);
    Arrays.fill(dv, 9f);
    Attention.backward(toFloat(r), q, k, v, att, dq, dk, dv,
        B, T, HEADS, HD, SCALE);
    float[] all = new float[3 * SIZE];
    System.arraycopy(dq, 0, all, 0, SIZE);
    System.arraycopy(dk, 0, all, SIZE, SIZE);
    System.arraycopy(dv, 0, all, 2 * SIZE, SIZE);
    double error = relError(all, numeric(x -> dot(reference(x), r), qkv));
    assertTrue(error < 1e-4, "backward off by " + error);
  }
}
