package overtrain.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

  /** x[xo+i] *= a for i in [0, n), returning the largest product (a softmax's shift). */
  public static float scaleMax(float a, float[] x, int xo, int n) {
    FloatVector va = FloatVector.broadcast(S, a);
    FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xo + i).mul(va);
      v.intoArray(x, xo + i);
      vmax = vmax.max(v);
    }
    float max = vmax.reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) {
      float v = x[xo + i] * a;
      x[xo + i] = v;
      if (v > max) max = v;
    }
    return max;
  }

  /**
   * x[xo+i] = e^(x[xo+i] - shift) for i in [0, n), returning their sum: the numerator and
   * denominator of a softmax. The lanes are added in double at the end.
   */
  public static double expSum(float[] x, int xo, int n, float shift) {
    FloatVector vm = FloatVector.broadcast(S, shift), vsum = FloatVector.zero(S);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector e = exp(FloatVector.fromArray(S, x, xo + i).sub(vm));
      e.intoArray(x, xo + i);
      vsum = vsum.add(e);
    }
    double sum = 0;
    for (int lane = 0; lane < L; lane++) sum += vsum.lane(lane);
    for (; i < n; i++) {
      float e = exp(x[xo + i] - shift);
      x[xo + i] = e;
      sum += e;
    }
    return sum;
  }

  /**
   * log sum_i e^(a * x[xo+i]) for i in [0, n), leaving x as it is: a softmax's normaliser when
   * only the loss is wanted. Two reads of the row (the second from cache) and no writes.
   */
  public static double logSumExp(float a, float[] x, int xo, int n) {
    FloatVector va = FloatVector.broadcast(S, a);
    FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int i = 0;
    for (; i <= n - L; i += L) vmax = vmax.max(FloatVector.fromArray(S, x, xo + i).mul(va));
    float max = vmax.reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) max = Math.max(max, x[xo + i] * a);
    FloatVector vm = FloatVector.broadcast(S, max), vsum = FloatVector.zero(S);
    for (i = 0; i <= n - L; i += L) {
      vsum = vsum.add(exp(FloatVector.fromArray(S, x, xo + i).mul(va).sub(vm)));
    }
    double sum = 0;
    for (int lane = 0; lane < L; lane++) sum += vsum.lane(lane);
    for (; i < n; i++) sum += exp(x[xo + i] * a - max);
    return max + Math.log(sum);
  }

  // exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 in two parts (Cody and Waite),
  // exp(r) by Cephes' expf polynomial: about 1 ulp. Only add, multiply, fma and bit moves, so
  // interpreted, C1 and C2 code give the same bits (the Vector API's own EXP does not: compiled,
  // it calls the JDK's vector math library; interpreted, Math.exp lane by lane).
  private static final float EXP_HI = 88.3f, EXP_LO = -87.3f; // 2^n stays a normal float
  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
  // 1.5 * 2^23 + 127: adding it rounds to an integer n and leaves n + 127 (2^n's biased
  // exponent) in the low mantissa bits; the bits of 1.5 * 2^23 above them shift out.
  private static final float ROUND_BIASED = 12582912f + 127f;
  private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f;
  private static final float P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

  /** e^x lane by lane, inputs clamped to [-87.3, 88.3] (so tiny results are not 0). */
  public static FloatVector exp(FloatVector x) {
    x = x.max(EXP_LO).min(EXP_HI);
    FloatVector k = x.fma(LOG2E, ROUND_BIASED);
    FloatVector n = k.sub(ROUND_BIASED);
    VectorSpecies<Float> s = x.species();
    FloatVector r = n.fma(FloatVector.broadcast(s, -LN2_HI), x);
    r = n.fma(FloatVector.broadcast(s, -LN2_LO), r);
    FloatVector p = r.fma(P0, P1).fma(r, FloatVector.broadcast(s, P2));
    p = p.fma(r, FloatVector.broadcast(s, P3)).fma(r, FloatVector.broadcast(s, P4));
    p = p.fma(r, FloatVector.broadcast(s, P5));
    FloatVector e = p.fma(r.mul(r), r).add(1f);
    // k's low mantissa bits hold n + 127, so shifting them into the exponent field makes 2^n
    FloatVector scale = (FloatVector) ((IntVector) k.reinterpretAsInts())
        .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return e.mul(scale);
  }

  /** The same e^x on one float, for the tails of vector loops: equal to a lane of the above. */
  public static float exp(float x) {
    x = Math.min(Math.max(x, EXP_LO), EXP_HI);
    float k = Math.fma(x, LOG2E, ROUND_BIASED);
    float n = k - ROUND_BIASED;
    float r = Math.fma(n, -LN2_HI, x);
    r = Math.fma(n, -LN2_LO, r);
    float p = Math.fma(Math.fma(r, P0, P1), r, P2);
    p = Math.fma(Math.fma(p, r, P3), r, P4);
    p = Math.fma(p, r, P5);
    float e = Math.fma(p, r * r, r) + 1f;
    return e * Float.intBitsToFloat(Float.floatToRawIntBits(k) << 23);
  }
}
