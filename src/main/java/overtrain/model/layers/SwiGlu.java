package overtrain.model.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import overtrain.kernels.Parallel;
import overtrain.kernels.VectorOps;

/**
 * The gate of OLMo's MLP, h = silu(g) * u with silu(g) = g * sigmoid(g); the projections around
 * it are {@link Linear} layers. Runs on full vectors with {@link VectorOps#exp}: element by
 * element with {@link Math#exp}, this layer stood out in a training step's profile
 * (bench/HISTORY.md).
 * The scalar tail computes what a lane would, so the result is the same for every thread count.
 *
 * <pre>
 *   forward   g[n*f], u[n*f]            -> h[n*f]
 *   backward  dh[n*f], g[n*f], u[n*f]   -> dg[n*f], du[n*f] (set; dg may be dh and du may be
 *                                         u, since each element is read before it is written)
 * </pre>
 */
public final class SwiGlu {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Elements per parallel block, a multiple of the vector length. */
  private static final int GRAIN = 4096;

  private SwiGlu() {}

  public static void forward(float[] g, float[] u, float[] h, int len) {
    Parallel.range(blocks(len), (from, to) -> {
      int i = from * GRAIN, end = Math.min(len, to * GRAIN);
      for (; i <= end - L; i += L) {
        FloatVector x = FloatVector.fromArray(S, g, i);
        FloatVector sig = sigmoid(x);
        x.mul(sig).mul(FloatVector.fromArray(S, u, i)).intoArray(h, i);
      }
      for (; i < end; i++) {
        float x = g[i];
        h[i] = x * sigmoid(x) * u[i];
      }
    });
  }

  /** dg = dh * u * sig * (1 + g * (1 - sig)), du = dh * silu(g). */
  public static void backward(float[] dh, float[] g, float[] u, float[] dg, float[] du, int len) {
    Parallel.range(blocks(len), (from, to) -> {
      int i = from * GRAIN, end = Math.min(len, to * GRAIN);
      for (; i <= end - L; i += L) {
        FloatVector x = FloatVector.fromArray(S, g, i), d = FloatVector.fromArray(S, dh, i);
        FloatVector sig = sigmoid(x);
        FloatVector dsilu = x.mul(sig.neg().add(1f)).add(1f).mul(sig);
        d.mul(FloatVector.fromArray(S, u, i)).mul(dsilu).intoArray(dg, i);
        d.mul(x).mul(sig).intoArray(du, i);
      }
      for (; i < end; i++) {
        float x = g[i], d = dh[i];
        float sig = sigmoid(x);
        dg[i] = d * u[i] * (sig * (1f + x * (1f - sig)));
        du[i] = d * x * sig;
      }
    });
  }

  private static FloatVector sigmoid(FloatVector x) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    return one.div(VectorOps.exp(x.neg()).add(one));
  }

  private static float sigmoid(float x) {
    return 1f / (1f + VectorOps.exp(-x));
  }

  private static int blocks(int len) {
    return (len + GRAIN - 1) / GRAIN;
  }
}
