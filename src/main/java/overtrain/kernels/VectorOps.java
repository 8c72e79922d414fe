package overtrain.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise reductions and updates a model layer runs over one row at a time (norms,
 * softmax, residuals, optimizer steps), on full vectors with a scalar tail. Reductions keep four
 * independent accumulators so the adds of consecutive vectors do not wait on each other; their
 * order is fixed, so the same input gives the same bits.
 */
public final class VectorOps {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorOps() {}

  /** sum_i x[xo+i] * y[yo+i] for i in [0, n). */
  public static float dot(float[] x, int xo, float[] y, int yo, int n) {
    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      s0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), s0);
      s1 = FloatVector.fromArray(S, x, xo + i + L).fma(FloatVector.fromArray(S, y, yo + i + L), s1);
      s2 = FloatVector.fromArray(S, x, xo + i + 2 * L)
          .fma(FloatVector.fromArray(S, y, yo + i + 2 * L), s2);
      s3 = FloatVector.fromArray(S, x, xo + i + 3 * L)
          .fma(FloatVector.fromArray(S, y, yo + i + 3 * L), s3);
    }
    for (; i <= n - L; i += L) {
      s0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), s0);
    }
    float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) s += x[xo + i] * y[yo + i];
    return s;
  }

  /** sum_i x[xo+i] for i in [0, n). */
  public static float sum(float[] x, int xo, int n) {
    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      s0 = s0.add(FloatVector.fromArray(S, x, xo + i));
      s1 = s1.add(FloatVector.fromArray(S, x, xo + i + L));
      s2 = s2.add(FloatVector.fromArray(S, x, xo + i + 2 * L));
      s3 = s3.add(FloatVector.fromArray(S, x, xo + i + 3 * L));
    }
    for (; i <= n - L; i += L) s0 = s0.add(FloatVector.fromArray(S, x, xo + i));
    float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) s += x[xo + i];
    return s;
  }

  /** y[yo+i] += a * x[xo+i] for i in [0, n). */
  public static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
    FloatVector va = FloatVector.broadcast(S, a);
    int i = 0;
    for (; i <= n - L; i += L) {
      va.fma(FloatVector.fromArray(S, x, xo + i), FloatVector.fromArray(S, y, yo + i))
          .intoArray(y, yo + i);
    }
    for (; i < n; i++) y[yo + i] = Math.fma(a, x[xo + i], y[yo + i]);
  }

  /** x[xo+i] *= a for i in [0, n). */
  public static void scale(float a, float[] x, int xo, int n) {
    FloatVector va = FloatVector.broadcast(S, a);
    int i = 0;
    for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).mul(va).intoArray(x, xo + i);
    for (; i < n; i++) x[xo + i] *= a;
  }
}
