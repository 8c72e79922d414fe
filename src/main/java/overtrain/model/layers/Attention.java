package overtrain.model.layers;

import overtrain.kernels.Parallel;

/**
 * Causal multi-head softmax attention on already projected and rotated q, k, v. Heads sit side
 * by side in each row (head h owns columns h*headDim .. (h+1)*headDim), as a [n, d] projection
 * produces them. Work is split over (sequence, head) pairs, which write disjoint memory, so the
 * result does not depend on the thread count.
 *
 * <pre>
 *   forward   q,k,v[b*t, heads*hd]  -> y[b*t, heads*hd], att[b, heads, t, t] (row i uses 0..i)
 *   backward  dy[b*t, heads*hd], q,k,v, att -> dq,dk,dv[b*t, heads*hd] (set)
 *             scratch[b*heads*t] holds one row of d(att) per (sequence, head)
 * </pre>
 */
public final class Attention {
  private Attention() {}

  public static void forward(
      float[] q, float[] k, float[] v, float[] att, float[] y,
      int batch, int seqLen, int heads, int headDim, float scale) {
    int width = heads * headDim;
    Parallel.range(batch * heads, (from, to) -> {
      for (int bh = from; bh < to; bh++) {
        int b = bh / heads, h = bh % heads;
        int rows = b * seqLen * width + h * headDim;
        for (int t = 0; t < seqLen; t++) {
          int qi = rows + t * width;
          int a = (bh * seqLen + t) * seqLen;
          float max = Float.NEGATIVE_INFINITY;
          for (int s = 0; s <= t; s++) {
            int ki = rows + s * width;
            float dot = 0f;
            for (int i = 0; i < headDim; i++) dot += q[qi + i] * k[ki + i];
            dot *= scale;
            att[a + s] = dot;
            if (dot > max) max = dot;
          }
          double sum = 0;
          for (int s = 0; s <= t; s++) {
            float e = (float) Math.exp(att[a + s] - max);
            att[a + s] = e;
            sum += e;
          }
          float inv = (float) (1.0 / sum);
          for (int i = 0; i < headDim; i++) y[qi + i] = 0f;
          for (int s = 0; s <= t; s++) {
            float p = att[a + s] * inv;
            att[a + s] = p;
            int vi = rows + s * width;
            for (int i = 0; i < headDim; i++) y[qi + i] += p * v[vi + i];
          }
        }
      }
    });
  }

  public static void backward(
      float[] dy, float[] q, float[] k, float[] v, float[] att,
      float[] dq, float[] dk, float[] dv, float[] scratch,
      int batch, int seqLen, int heads, int headDim, float scale) {
    int width = heads * headDim;
    Parallel.range(batch * heads, (from, to) -> {
      for (int bh = from; bh < to; bh++) {
        int b = bh / heads, h = bh % heads;
        int rows = b * seqLen * width + h * headDim;
        for (int t = 0; t < seqLen; t++) {
          int r = rows + t * width;
          for (int i = 0; i < headDim; i++) dq[r + i] = dk[r + i] = dv[r + i] = 0f;
        }
        int dp = bh * seqLen;
        for (int t = 0; t < seqLen; t++) {
          int qi = rows + t * width;
          int a = (bh * seqLen + t) * seqLen;
          // d(att)[s] = dy_t . v_s, and dv_s += att[s] * dy_t
          double weighted = 0;
          for (int s = 0; s <= t; s++) {
            int vi = rows + s * width;
            float p = att[a + s], dot = 0f;
            for (int i = 0; i < headDim; i++) {
              dot += dy[qi + i] * v[vi + i];
              dv[vi + i] += p * dy[qi + i];
            }
            scratch[dp + s] = dot;
            weighted += (double) p * dot;
          }
          // softmax backward: d(score)[s] = att[s] * (d(att)[s] - sum_j att[j] d(att)[j])
          float w = (float) weighted;
          for (int s = 0; s <= t; s++) {
            float ds = att[a + s] * (scratch[dp + s] - w) * scale;
            int ki = rows + s * width;
            for (int i = 0; i < headDim; i++) {
              dq[qi + i] += ds * k[ki + i];
              dk[ki + i] += ds * q[qi + i];
            }
          }
        }
      }
    });
  }
}
