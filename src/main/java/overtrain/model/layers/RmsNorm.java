package overtrain.model.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import overtrain.kernels.Parallel;
import overtrain.kernels.VectorOps;

/**
 * RMSNorm with a weight, as Hugging Face's Llama and OLMo-2 have it: each row divided by its
 * root mean square (no mean taken off), then multiplied element by element by a learned gain.
 * The normalised row before the gain is kept for backward: the gain's gradient needs it, and the
 * input (a residual stream updated in place) is gone by then. Rows run on full vectors with a
 * scalar tail, as in {@link LayerNorm}; the gain's gradient is summed column by column over the
 * rows in row order, so it does not depend on the thread count.
 *
 * <pre>
 *   forward   x[n,c], w[c]                -> xhat[n,c] = x * rstd, rstd[n],
 *                                            y[n,c] = w * xhat (set, or added: a residual add)
 *   backward  dy[n,c], xhat, rstd, w[c]   -> dx[n,c] (set or added), dw[c] (added)
 * </pre>
 *
 * xhat may be x (each element is scaled after its row's rstd is taken); when dx is set, not
 * added, it may be dy (the gain's gradient has read dy by then, and each row's sum is taken
 * before the row is written).
 */
public final class RmsNorm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private RmsNorm() {}

  public static void forward(float[] x, float[] xhat, float[] rstd, float[] w, int wOff,
      float[] y, boolean accumulate, int n, int c, double eps) {
    Parallel.range(n, (from, to) -> {
      for (int i = from; i < to; i++) {
        int row = i * c;
        // the sum of squares about 0: squaredDeviations with mean 0 subtracts nothing
        float r = (float) (1.0 / Math.sqrt(VectorOps.squaredDeviations(x, row, c, 0f) / c + eps));
        rstd[i] = r;
        int j = 0;
        for (; j <= c - L; j += L) {
          FloatVector h = FloatVector.fromArray(S, x, row + j).mul(r);
          h.intoArray(xhat, row + j);
          FloatVector out = h.mul(FloatVector.fromArray(S, w, wOff + j));
          if (accumulate) out = out.add(FloatVector.fromArray(S, y, row + j));
          out.intoArray(y, row + j);
        }
        for (; j < c; j++) {
          float h = x[row + j] * r;
          xhat[row + j] = h;
          y[row + j] = accumulate ? y[row + j] + h * w[wOff + j] : h * w[wOff + j];
        }
      }
    });
  }

  /**
   * dw += sum over rows of dy * xhat; dx = rstd * (dxhat - xhat * mean(dxhat * xhat)) with
   * dxhat = dy * w (or dx += that when {@code accumulate}).
   */
  public static void backward(float[] dy, float[] xhat, float[] rstd, float[] w, int wOff,
      float[] dx, boolean accumulate, float[] dw, int dwOff, int n, int c) {
    // the gain first, split over columns so that no two threads add to one cell
    Parallel.range(c, (from, to) -> {
      for (int i = 0; i < n; i++) {
        int row = i * c, j = from;
        for (; j <= to - L; j += L) {
          FloatVector.fromArray(S, dy, row + j).mul(FloatVector.fromArray(S, xhat, row + j))
              .add(FloatVector.fromArray(S, dw, dwOff + j)).intoArray(dw, dwOff + j);
        }
        for (; j < to; j++) dw[dwOff + j] = dy[row + j] * xhat[row + j] + dw[dwOff + j];
      }
    });
    Parallel.range(n, (from, to) -> {
      for (int i = from; i < to; i++) {
        int row = i * c;
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j <= c - L; j += L) {
          FloatVector d = FloatVector.fromArray(S, dy, row + j).mul(FloatVector.fromArray(S, w, wOff + j));
          acc = d.fma(FloatVector.fromArray(S, xhat, row + j), acc);
        }
        float sum = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        for (; j < c; j++) sum += dy[row + j] * w[wOff + j] * xhat[row + j];
        float mean = sum / c, r = rstd[i];
        FloatVector vMean = FloatVector.broadcast(S, mean), vR = FloatVector.broadcast(S, r);
        j = 0;
        for (; j <= c - L; j += L) {
          FloatVector d = FloatVector.fromArray(S, dy, row + j).mul(FloatVector.fromArray(S, w, wOff + j))
              .sub(FloatVector.fromArray(S, xhat, row + j).mul(vMean)).mul(vR);
          if (accumulate) d = d.add(FloatVector.fromArray(S, dx, row + j));
          d.intoArray(dx, row + j);
        }
        for (; j < c; j++) {
          float d = r * (dy[row + j] * w[wOff + j] - xhat[row + j] * mean);
          dx[row + j] = accumulate ? dx[row + j] + d : d;
        }
      }
    });
  }
}
