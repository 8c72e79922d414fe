package overtrain.model.layers;

import overtrain.kernels.Parallel;

/**
 * The gate of OLMo's MLP, h = silu(g) * u with silu(g) = g * sigmoid(g); the projections around
 * it are {@link Linear} layers.
 *
 * <pre>
 *   forward   g[n*f], u[n*f]            -> h[n*f]
 *   backward  dh[n*f], g[n*f], u[n*f]   -> dg[n*f], du[n*f] (set)
 * </pre>
 */
public final class SwiGlu {
  private static final int GRAIN = 4096;

  private SwiGlu() {}

  public static void forward(float[] g, float[] u, float[] h, int len) {
    Parallel.range(blocks(len), (from, to) -> {
      for (int i = from * GRAIN, end = Math.min(len, to * GRAIN); i < end; i++) {
        float x = g[i];
        h[i] = x / (1f + (float) Math.exp(-x)) * u[i];
      }
    });
  }

  /** dg = dh * u * sig * (1 + g * (1 - sig)), du = dh * silu(g). */
  public static void backward(float[] dh, float[] g, float[] u, float[] dg, float[] du, int len) {
    Parallel.range(blocks(len), (from, to) -> {
      for (int i = from * GRAIN, end = Math.min(len, to * GRAIN); i < end; i++) {
        float x = g[i], d = dh[i];
        float sig = 1f / (1f + (float) Math.exp(-x));
        dg[i] = d * u[i] * sig * (1f + x * (1f - sig));
        du[i] = d * x * sig;
      }
    });
  }

  private static int blocks(int len) {
    return (len + GRAIN - 1) / GRAIN;
  }
}
