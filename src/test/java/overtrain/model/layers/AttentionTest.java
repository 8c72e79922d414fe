package overtrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static overtrain.model.layers.GradCheck.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttentionTest {
  private static final int B = 2, HEADS = 2, HD = 4, W = HEADS * HD;
  private static final float SCALE = 0.4f;

  /** Causal softmax attention in double; q, k, v laid end to end in one array. */
  private static double[] reference(double[] qkv, int ctx) {
    int size = B * ctx * W;
    double[] y = new double[size];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < HEADS; h++) {
        for (int t = 0; t < ctx; t++) {
          double[] score = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY, sum = 0;
          for (int s = 0; s <= t; s++) {
            for (int i = 0; i < HD; i++) {
              score[s] += qkv[idx(b, t, h, i, ctx)] * qkv[size + idx(b, s, h, i, ctx)] * SCALE;
            }
            max = Math.max(max, score[s]);
          }
          for (int s = 0; s <= t; s++) sum += Math.exp(score[s] - max);
          for (int s = 0; s <= t; s++) {
            double p = Math.exp(score[s] - max) / sum;
            for (int i = 0; i < HD; i++) {
              y[idx(b, t, h, i, ctx)] += p * qkv[2 * size + idx(b, s, h, i, ctx)];
            }
          }
        }
      }
    }
    return y;
  }

  private static int idx(int b, int t, int h, int i, int ctx) {
    return (b * ctx + t) * W + h * HD + i;
  }

  /**
   * Contexts shorter than a vector, spanning whole vectors and a partial one, and spanning two
   * causal blocks (64 rows): the softmax rows run on vectors only from 16 columns on.
   */
  @ParameterizedTest
  @ValueSource(ints = {5, 40, 70})
  void forwardAndBackwardMatchDoubleDefinition(int ctx) {
    int size = B * ctx * W;
    Random random = new Random(5);
    double[] qkv = gaussian(random, 3 * size, 1.5);
    double[] r = gaussian(random, size, 1.0);
    float[] q = toFloat(Arrays.copyOfRange(qkv, 0, size));
    float[] k = toFloat(Arrays.copyOfRange(qkv, size, 2 * size));
    float[] v = toFloat(Arrays.copyOfRange(qkv, 2 * size, 3 * size));

    float[] att = new float[B * HEADS * ctx * ctx], y = new float[size];
    Attention.forward(q, k, v, att, y, B, ctx, HEADS, HD, SCALE);
    double forwardError = relError(y, reference(qkv, ctx));
    assertTrue(forwardError < 1e-6, "forward off by " + forwardError);

    // the gradient buffers start dirty: backward must set them, not add
    float[] dq = new float[size], dk = new float[size], dv = new float[size];
    Arrays.fill(dq, 9f);
    Arrays.fill(dk, 9f);
    Arrays.fill(dv, 9f);
    Attention.backward(toFloat(r), q, k, v, att, dq, dk, dv,
        B, ctx, HEADS, HD, SCALE);
    float[] all = new float[3 * size];
    System.arraycopy(dq, 0, all, 0, size);
    System.arraycopy(dk, 0, all, size, size);
    System.arraycopy(dv, 0, all, 2 * size, size);
    double error = relError(all, numeric(x -> dot(reference(x, ctx), r), qkv));
    assertTrue(error < 1e-4, "backward off by " + error);
  }
}
