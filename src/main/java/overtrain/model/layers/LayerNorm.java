package overtrain.model.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import overtrain.kernels.Parallel;
import overtrain.kernels.VectorOps;

/**
 * OLMo's non-parametric LayerNorm: no weight, no bias, eps 1e-5. Runs on full vectors with a
 * scalar tail, one row at a time: in scalar double it was a visible share of a forward pass in
 * the profile (bench/HISTORY.md). The variance is
 * taken about the mean in a second pass, so an offset shared by the row costs no digits, and the
 * reductions keep one partial sum per lane, so a row of thousands of columns is summed in short
 * runs.
 *
 * <pre>
 *   forward   x[n,c]                      -> xhat[n,c] = (x - mean) * rstd, rstd[n]
 *   backward  dxhat[n,c], xhat[n,c], rstd[n] -> dx[n,c] (added: the residual stream's gradient)
 * </pre>
 */
public final class LayerNorm {
  public static final double EPS = 1e-5;
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private LayerNorm() {}

  public static void forward(float[] x, float[] xhat, float[] rstd, int n, int c) {
    Parallel.range(n, (from, to) -> {
      for (int i = from; i < to; i++) {
        int row = i * c;
        float mean = VectorOps.sum(x, row, c) / c;
        float r = (float) (1.0 / Math.sqrt(VectorOps.squaredDeviations(x, row, c, mean) / c + EPS));
        rstd[i] = r;
        FloatVector vMean = FloatVector.broadcast(S, mean);
        int j = 0;
        for (; j <= c - L; j += L) {
          FloatVector.fromArray(S, x, row + j).sub(vMean).mul(r).intoArray(xhat, row + j);
        }
        for (; j < c; j++) xhat[row + j] = (x[row + j] - mean) * r;
      }
    });
  }

  /** dx += rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), row by row. */
  public static void backward(float[] dxhat, float[] xhat, float[] rstd, float[] dx, int n, int c) {
    Parallel.range(n, (from, to) -> {
      for (int i = from; i < to; i++) {
        int row = i * c;
        float meanD = VectorOps.sum(dxhat, row, c) / c;
        float meanDX = VectorOps.dot(dxhat, row, xhat, row, c) / c;
        float r = rstd[i];
        FloatVector vMeanD = FloatVector.broadcast(S, meanD);
        FloatVector vMeanDX = FloatVector.broadcast(S, meanDX), vR = FloatVector.broadcast(S, r);
        int j = 0;
        for (; j <= c - L; j += L) {
          FloatVector d = FloatVector.fromArray(S, dxhat, row + j).sub(vMeanD)
              .sub(FloatVector.fromArray(S, xhat, row + j).mul(vMeanDX));
          d.fma(vR, FloatVector.fromArray(S, dx, row + j)).intoArray(dx, row + j);
        }
        for (; j < c; j++) dx[row + j] += r * (dxhat[row + j] - meanD - xhat[row + j] * meanDX);
      }
    });
  }
}
