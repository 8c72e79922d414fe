package overtrain.model.layers;

import overtrain.kernels.Parallel;

/**
 * OLMo's non-parametric LayerNorm: no weight, no bias, eps 1e-5. Mean and variance are summed in
 * double, since a float sum over thousands of columns loses the digits the test checks.
 *
 * <pre>
 *   forward   x[n,c]                      -> xhat[n,c] = (x - mean) * rstd, rstd[n]
 *   backward  dxhat[n,c], xhat[n,c], rstd[n] -> dx[n,c] (added: the residual stream's gradient)
 * </pre>
 */
public final class LayerNorm {
  public static final double EPS = 1e-5;

  private LayerNorm() {}

  public static void forward(float[] x, float[] xhat, float[] rstd, int n, int c) {
    Parallel.range(n, (from, to) -> {
      for (int i = from; i < to; i++) {
        int row = i * c;
        double sum = 0;
        for (int j = 0; j < c; j++) sum += x[row + j];
        double mean = sum / c;
        double sq = 0;
        for (int j = 0; j < c; j++) {
          double d = x[row + j] - mean;
          sq += d * d;
        }
        double r = 1.0 / Math.sqrt(sq / c + EPS);
        rstd[i] = (float) r;
        for (int j = 0; j < c; j++) xhat[row + j] = (float) ((x[row + j] - mean) * r);
      }
    });
  }

  /** dx += rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), row by row. */
  public static void backward(float[] dxhat, float[] xhat, float[] rstd, float[] dx, int n, int c) {
    Parallel.range(n, (from, to) -> {
      for (int i = from; i < to; i++) {
        int row = i * c;
        double sumD = 0, sumDX = 0;
        for (int j = 0; j < c; j++) {
          sumD += dxhat[row + j];
          sumDX += (double) dxhat[row + j] * xhat[row + j];
        }
        float meanD = (float) (sumD / c), meanDX = (float) (sumDX / c), r = rstd[i];
        for (int j = 0; j < c; j++) {
          dx[row + j] += r * (dxhat[row + j] - meanD - xhat[row + j] * meanDX);
        }
      }
    });
  }
}
