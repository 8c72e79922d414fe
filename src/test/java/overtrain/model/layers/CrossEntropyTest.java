package overtrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static overtrain.model.layers.GradCheck.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CrossEntropyTest {
  private static final int N = 5, C = 8, VOCAB = 7;
  private static final int[] TARGETS = {3, -1, 0, 6, 3};
  private static final float SCALE = 0.7f, GRAD_SCALE = 0.25f;

  /** log p(target) per row in double; x[N,C] then W[VOCAB,C] laid end to end in one array. */
  private static double[] logProbs(double[] xw) {
    return referenceLogProbs(xw, N, C, VOCAB, TARGETS, SCALE);
  }

  /**
   * log p(target) of each of n rows in double (0 where the target is negative), from x[n,c]
   * and W[vocab,c] laid end to end in xw: the definition the layer is checked against.
   */
  private static double[] referenceLogProbs(
      double[] xw, int n, int c, int vocab, int[] targets, double scale) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      if (targets[i] < 0) continue;
      double[] z = new double[vocab];
      double max = Double.NEGATIVE_INFINITY, sum = 0;
      for (int v = 0; v < vocab; v++) {
        for (int k = 0; k < c; k++) z[v] += xw[i * c + k] * xw[n * c + v * c + k];
        z[v] *= scale;
        max = Math.max(max, z[v]);
      }
      for (int v = 0; v < vocab; v++) sum += Math.exp(z[v] - max);
      out[i] = z[targets[i]] - max - Math.log(sum);
    }
    return out;
  }

  private static double scaledLoss(double[] xw) {
    return -Arrays.stream(logProbs(xw)).sum() * GRAD_SCALE;
  }

  @Test
  void lossAndGradientsMatchDoubleDefinitionWhateverTheChunk() {
    Random random = new Random(6);
    double[] xw = gaussian(random, N * C + VOCAB * C, 1.0);
    float[] x = toFloat(Arrays.copyOfRange(xw, 0, N * C));
    float[] w = toFloat(Arrays.copyOfRange(xw, N * C, xw.length));
    double[] expectedLogProbs = logProbs(xw);
    double[] expectedGrad = numeric(CrossEntropyTest::scaledLoss, xw);
    double expectedLoss = -Arrays.stream(expectedLogProbs).sum();

    // one row per chunk, two rows per chunk (a ragged last chunk), all rows at once
    for (int chunkLogits : new int[] {VOCAB, 2 * VOCAB, N * VOCAB}) {
      CrossEntropy ce = new CrossEntropy(VOCAB, chunkLogits);
      float[] logProb = new float[N];
      double forward = ce.run(x, w, 0, TARGETS, N, C, SCALE, logProb, null, null, 0, 0f);
      assertEquals(expectedLoss, forward, 1e-6 * expectedLoss, "forward loss, chunk " + chunkLogits);
      double lpError = relError(logProb, expectedLogProbs);
      assertTrue(lpError < 1e-6, "log-probabilities off by " + lpError);
      assertEquals(0f, logProb[1], "an ignored row has log-probability 0");

      float[] dx = new float[N * C];
      Arrays.fill(dx, 9f); // dx is set, not added
      float[] dw = new float[VOCAB * C];
      double loss = ce.run(x, w, 0, TARGETS, N, C, SCALE, null, dx, dw, 0, GRAD_SCALE);
      assertEquals(expectedLoss, loss, 1e-6 * expectedLoss);
      float[] both = new float[xw.length];
      System.arraycopy(dx, 0, both, 0, N * C);
      System.arraycopy(dw, 0, both, N * C, VOCAB * C);
      double error = relError(both, expectedGrad);
      assertTrue(error < 1e-4, "backward off by " + error + ", chunk " + chunkLogits);
    }
  }

  @Test
  void scoringManyRowsBlockByBlockMatchesDoubleAndTheTrainingPass() {
    // rows over several per-thread blocks with a ragged last one; a vocabulary of full vectors
    // and a tail; logits spread over tens of nats. Every row counted (blocks read x in place),
    // a few rows ignored (blocks gathered), and only every 16th row counted (a label per sequence)
    int n = 203, c = 24, vocab = 2053;
    Random random = new Random(9);
    float[] x = new float[n * c], w = new float[vocab * c];
    for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
    for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
    int[] all = new int[n], some = new int[n], few = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = random.nextInt(vocab);
      some[i] = i % 17 == 5 ? -1 : all[i];
      few[i] = i % 16 == 15 ? all[i] : -1;
    }
    double[] xw = new double[x.length + w.length];
    for (int i = 0; i < x.length; i++) xw[i] = x[i];
    for (int i = 0; i < w.length; i++) xw[x.length + i] = w[i];
    float scale = 0.9f;
    CrossEntropy ce = new CrossEntropy(vocab, CrossEntropy.trainingChunk(vocab, c));
    for (int[] targets : new int[][] {all, some, few}) {
      double[] expectedLogProb = referenceLogProbs(xw, n, c, vocab, targets, scale);
      double expected = -Arrays.stream(expectedLogProb).sum();
      float[] logProb = new float[n];
      Arrays.fill(logProb, 7f); // ignored rows are set to 0
      double scored = ce.run(x, w, 0, targets, n, c, scale, logProb, null, null, 0, 0f);
      assertEquals(expected, scored, 1e-6 * expected);
      for (int i = 0; i < n; i++) {
        assertEquals(expectedLogProb[i], logProb[i], 1e-5 * Math.max(1, -expectedLogProb[i]),
            "row " + i);
      }
      double trained = ce.run(x, w, 0, targets, n, c, scale, null, new float[n * c],
          new float[vocab * c], 0, 1f);
      assertEquals(scored, trained, 1e-6 * expected);
    }
  }
}
