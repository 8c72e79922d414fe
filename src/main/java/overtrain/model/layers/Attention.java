package overtrain.model.layers;

import overtrain.kernels.Gemm;
import overtrain.kernels.Parallel;

/**
 * Causal multi-head softmax attention on already projected and rotated q, k, v. Heads sit side
 * by side in each row (head h owns columns h*headDim .. (h+1)*headDim), as a [n, d] projection
 * produces them, so one head of one sequence is a strided [t, headDim] matrix that
 * {@link Gemm#sgemm} reads in place. Work is split over (sequence, head) pairs, which write
 * disjoint memory, so the result does not depend on the thread count.
 *
 * <p>The products run over the full t x t square (the masked half is zero in the
 * probabilities), trading the causal saving for the matrix kernel's speed.
 *
 * <pre>
 *   forward   q,k,v[b*t, heads*hd] -> y[b*t, heads*hd], att[b, heads, t, t] (zero above the diagonal)
 *   backward  dy[b*t, heads*hd], q,k,v, att -> dq,dk,dv[b*t, heads*hd] (set)
 *             dAtt[b, heads, t, t] is scratch; att is overwritten with d(scores)
 * </pre>
 */
public final class Attention {
  private Attention() {}

  public static void forward(
      float[] q, float[] k, float[] v, float[] att, float[] y,
      int batch, int seqLen, int heads, int headDim, float scale) {
    int width = heads * headDim, t = seqLen;
    Parallel.range(batch * heads, (from, to) -> {
      for (int bh = from; bh < to; bh++) {
        int rows = (bh / heads) * t * width + (bh % heads) * headDim, a = bh * t * t;
        // scores = q k^T, then a causal softmax of scale * scores row by row
        Gemm.sgemm(false, true, t, t, headDim, q, rows, width, k, rows, width, att, a, t, false);
        for (int i = 0; i < t; i++) causalSoftmax(att, a + i * t, i, t, scale);
        // y = att v
        Gemm.sgemm(false, false, t, headDim, t, att, a, t, v, rows, width, y, rows, width, false);
      }
    });
  }

  /** Row {@code row} of a t x t score matrix becomes softmax over columns 0..row, zero after. */
  private static void causalSoftmax(float[] s, int off, int row, int t, float scale) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j <= row; j++) {
      float x = s[off + j] * scale;
      s[off + j] = x;
      if (x > max) max = x;
    }
    double sum = 0;
    for (int j = 0; j <= row; j++) {
      float e = (float) Math.exp(s[off + j] - max);
      s[off + j] = e;
      sum += e;
    }
    float inv = (float) (1.0 / sum);
    for (int j = 0; j <= row; j++) s[off + j] *= inv;
    for (int j = row + 1; j < t; j++) s[off + j] = 0f;
  }

  public static void backward(
      float[] dy, float[] q, float[] k, float[] v, float[] att,
      float[] dq, float[] dk, float[] dv, float[] dAtt,
      int batch, int seqLen, int heads, int headDim, float scale) {
    int width = heads * headDim, t = seqLen;
    Parallel.range(batch * heads, (from, to) -> {
      for (int bh = from; bh < to; bh++) {
        int rows = (bh / heads) * t * width + (bh % heads) * headDim, a = bh * t * t;
        // dv = att^T dy; d(att) = dy v^T
        Gemm.sgemm(true, false, t, headDim, t, att, a, t, dy, rows, width, dv, rows, width, false);
        Gemm.sgemm(false, true, t, t, headDim, dy, rows, width, v, rows, width, dAtt, a, t, false);
        // softmax backward, in place of att: d(scores) = scale * att * (d(att) - sum att d(att))
        for (int i = 0; i < t; i++) {
          int r = a + i * t;
          double weighted = 0;
          for (int j = 0; j <= i; j++) weighted += (double) att[r + j] * dAtt[r + j];
          float w = (float) weighted;
          for (int j = 0; j <= i; j++) att[r + j] = scale * att[r + j] * (dAtt[r + j] - w);
        }
        // dq = d(scores) k; dk = d(scores)^T q
        Gemm.sgemm(false, false, t, headDim, t, att, a, t, k, rows, width, dq, rows, width, false);
        Gemm.sgemm(true, false, t, headDim, t, att, a, t, q, rows, width, dk, rows, width, false);
      }
    });
  }
}
