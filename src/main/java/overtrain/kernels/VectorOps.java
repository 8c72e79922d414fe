package overtrain.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise reductions and updates a model layer runs over one row at a time (norms,
 * softmax, residuals, optimizer steps), on full vectors with a scalar tail. Reductions keep four
 * independent accumulators so the adds of consecutive vectors do not wait on each other; their
 * order is fixed, so the same input gives the same bits.
 *
 * <p>A vector's lanes are added in a fixed pairwise order ({@link #SWAP8}), never by
 * {@code reduceLanes(ADD)}: compiled by JDK 21 or later, that reduction adds in a tree, and the
 * interpreter in lane order (on JDK 25 the two differed for half of random inputs), so a run's
 * bits would depend on when the JIT got to a loop.
 */
public final class VectorOps {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final int MAGNITUDE = 0x7FFFFFFF, INFINITY = 0x7F800000;
  /** 0, 1, ..., L-1: lane i of a vector that starts at index j is kept when j + i < len. */
  private static final FloatVector IOTA = FloatVector.zero(S).addIndex(1);
  /**
   * The steps of a pairwise sum of a vector's lanes, which every reduction here ends with:
   * exchanging each lane i with lane i ^ h for h = 8, 4, 2, 1 (those below L) and adding the
   * exchange to the vector leaves in lane 0 the sum of lane i and lane i + L/2, those sums
   * likewise with the lane a quarter further, and so on: log2(L) vector adds, in the same order
   * interpreted and compiled, on every JDK. Adding the lanes one by one in lane order, as this
   * class did before, was a chain of L dependent scalar adds per reduction: at width 32 it was
   * most of a LayerNorm row. Each reduction runs the steps itself rather than pass its vector to
   * a helper, which a large caller such as attention's did not always inline (a vector that
   * crosses a call is boxed on the heap); each shuffle is a constant of its own, as taking them
   * from an array made them slower than the lane-by-lane adds.
   */
  private static final VectorShuffle<Float> SWAP8 = swap(8), SWAP4 = swap(4), SWAP2 = swap(2),
      SWAP1 = swap(1);

  private static VectorShuffle<Float> swap(int h) {
    if (L > 16) throw new IllegalStateException("pairwise sums cover up to 16 float lanes, not " + L);
    return h < L ? VectorShuffle.fromOp(S, i -> i ^ h) : null;
  }

  private VectorOps() {}

  /** n rounded up to a whole number of vectors. */
  public static int roundUp(int n) {
    return (n + L - 1) / L * L;
  }

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
    FloatVector v = s0.add(s1).add(s2.add(s3));
    if (L > 8) v = v.add(v.rearrange(SWAP8)); // pairwise: see SWAP8
    if (L > 4) v = v.add(v.rearrange(SWAP4));
    if (L > 2) v = v.add(v.rearrange(SWAP2));
    v = v.add(v.rearrange(SWAP1));
    float s = v.lane(0);
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
    FloatVector v = s0.add(s1).add(s2.add(s3));
    if (L > 8) v = v.add(v.rearrange(SWAP8)); // pairwise: see SWAP8
    if (L > 4) v = v.add(v.rearrange(SWAP4));
    if (L > 2) v = v.add(v.rearrange(SWAP2));
    v = v.add(v.rearrange(SWAP1));
    float s = v.lane(0);
    for (; i < n; i++) s += x[xo + i];
    return s;
  }

  /**
   * sum_i (x[xo+i] - mean)^2 for i in [0, n): a variance about a mean taken first, so that an
   * offset shared by the row costs no digits. Four accumulators taken in turn, as in sum: with
   * one, every fma waited on the one before (LayerNorm forward's figures in bench/HISTORY.md).
   */
  public static float squaredDeviations(float[] x, int xo, int n, float mean) {
    FloatVector vMean = FloatVector.broadcast(S, mean);
    FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      FloatVector d0 = FloatVector.fromArray(S, x, xo + i).sub(vMean);
      FloatVector d1 = FloatVector.fromArray(S, x, xo + i + L).sub(vMean);
      FloatVector d2 = FloatVector.fromArray(S, x, xo + i + 2 * L).sub(vMean);
      FloatVector d3 = FloatVector.fromArray(S, x, xo + i + 3 * L).sub(vMean);
      a0 = d0.fma(d0, a0);
      a1 = d1.fma(d1, a1);
      a2 = d2.fma(d2, a2);
      a3 = d3.fma(d3, a3);
    }
    for (; i <= n - L; i += L) {
      FloatVector d = FloatVector.fromArray(S, x, xo + i).sub(vMean);
      a0 = d.fma(d, a0);
    }
    FloatVector v = a0.add(a1).add(a2.add(a3));
    if (L > 8) v = v.add(v.rearrange(SWAP8)); // pairwise: see SWAP8
    if (L > 4) v = v.add(v.rearrange(SWAP4));
    if (L > 2) v = v.add(v.rearrange(SWAP2));
    v = v.add(v.rearrange(SWAP1));
    float s = v.lane(0);
    for (; i < n; i++) {
      float d = x[xo + i] - mean;
      s += d * d;
    }
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

  /**
   * max_i x[xo+i] for i in [0, n), or NaN if any of them is NaN or infinite (so a broken row
   * shows in the loss instead of dropping out of a softmax). Compares the floats' bits as
   * integers: flipping the magnitude bits of negative floats makes integer order float order,
   * and an integer max is one instruction where Java's float max is several, on a chain that
   * every vector of the row waits on (the row's max took longer than its exponentials).
   */
  public static float max(float[] x, int xo, int n) {
    IntVector key0 = IntVector.broadcast(I, Integer.MIN_VALUE), key1 = key0;
    IntVector mag0 = IntVector.zero(I), mag1 = mag0; // the largest |x| as bits: all-ones exponent
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      IntVector b0 = (IntVector) FloatVector.fromArray(S, x, xo + i).reinterpretAsInts();
      IntVector b1 = (IntVector) FloatVector.fromArray(S, x, xo + i + L).reinterpretAsInts();
      key0 = key0.max(orderKey(b0));
      key1 = key1.max(orderKey(b1));
      mag0 = mag0.max(b0.and(MAGNITUDE));
      mag1 = mag1.max(b1.and(MAGNITUDE));
    }
    for (; i <= n - L; i += L) {
      IntVector b = (IntVector) FloatVector.fromArray(S, x, xo + i).reinterpretAsInts();
      key0 = key0.max(orderKey(b));
      mag0 = mag0.max(b.and(MAGNITUDE));
    }
    int key = key0.max(key1).reduceLanes(VectorOperators.MAX);
    int mag = mag0.max(mag1).reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) {
      int b = Float.floatToRawIntBits(x[xo + i]);
      key = Math.max(key, b ^ ((b >> 31) >>> 1));
      mag = Math.max(mag, b & MAGNITUDE);
    }
    return mag >= INFINITY ? Float.NaN : Float.intBitsToFloat(key ^ ((key >> 31) >>> 1));
  }

  /** A float's bits with the magnitude flipped when negative: signed order is float order. */
  private static IntVector orderKey(IntVector bits) {
    return bits.lanewise(VectorOperators.XOR,
        bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
  }

  /**
   * The shift a softmax of a * x subtracts before its exponentials, given max = max x (a > 0): the
   * float above a * max rounded, so that a * x - shift, computed by one fma, is below 0 for every
   * x of the row (never +0) and {@link #expOfNonPositive} applies. (a * max rounded to nearest can
   * fall half an ulp short, and the row's largest logit would then come out as e^-87.3.)
   */
  public static float softmaxShift(float a, float max) {
    return Math.nextUp(a * max);
  }

  /**
   * x[xo+i] = e^(a * x[xo+i] - shift) for i in [0, len) and 0 for i in [len, n), shift =
   * {@link #softmaxShift}(a, max), returning their sum: the numerator and denominator of a
   * softmax of a * x over its first len entries, given max = their maximum. The entries past
   * len may hold anything: a causal row's masked scores, up to the next whole vector, are read
   * in the vector that straddles len and their lanes set to zero there. (Setting them low first,
   * with scalar stores that this vector load then waited on, cost more.)
   */
  public static double expSum(float[] x, int xo, int len, int n, float a, float max) {
    float shift = softmaxShift(a, max);
    FloatVector va = FloatVector.broadcast(S, a), vs = FloatVector.broadcast(S, -shift);
    FloatVector vsum = FloatVector.zero(S);
    int i = 0;
    for (; i <= len - L; i += L) {
      FloatVector e = expOfNonPositive(FloatVector.fromArray(S, x, xo + i).fma(va, vs));
      e.intoArray(x, xo + i);
      vsum = vsum.add(e);
    }
    if (i < len && i <= n - L) {
      VectorMask<Float> kept = IOTA.compare(VectorOperators.LT, FloatVector.broadcast(S, len - i));
      FloatVector e = expOfNonPositive(FloatVector.fromArray(S, x, xo + i).fma(va, vs));
      e = FloatVector.zero(S).blend(e, kept);
      e.intoArray(x, xo + i);
      vsum = vsum.add(e);
      i += L;
    }
    if (L > 8) vsum = vsum.add(vsum.rearrange(SWAP8)); // pairwise: see SWAP8
    if (L > 4) vsum = vsum.add(vsum.rearrange(SWAP4));
    if (L > 2) vsum = vsum.add(vsum.rearrange(SWAP2));
    vsum = vsum.add(vsum.rearrange(SWAP1));
    double sum = vsum.lane(0);
    for (; i < n; i++) {
      float e = i < len ? exp(Math.fma(x[xo + i], a, -shift)) : 0f;
      x[xo + i] = e;
      sum += e;
    }
    return sum;
  }

  /**
   * log sum_i e^(a * x[xo+i]) for i in [0, n), a > 0, leaving x as it is: a softmax's
   * normaliser when only the loss is wanted. Two reads of the row (the second from cache) and
   * no writes.
   */
  public static double logSumExp(float a, float[] x, int xo, int n) {
    float shift = softmaxShift(a, max(x, xo, n));
    FloatVector va = FloatVector.broadcast(S, a), vs = FloatVector.broadcast(S, -shift);
    FloatVector vsum = FloatVector.zero(S);
    int i = 0;
    for (; i <= n - L; i += L) {
      vsum = vsum.add(expOfNonPositive(FloatVector.fromArray(S, x, xo + i).fma(va, vs)));
    }
    if (L > 8) vsum = vsum.add(vsum.rearrange(SWAP8)); // pairwise: see SWAP8
    if (L > 4) vsum = vsum.add(vsum.rearrange(SWAP4));
    if (L > 2) vsum = vsum.add(vsum.rearrange(SWAP2));
    vsum = vsum.add(vsum.rearrange(SWAP1));
    double sum = vsum.lane(0);
    for (; i < n; i++) sum += exp(Math.fma(x[xo + i], a, -shift));
    return shift + Math.log(sum);
  }

  // exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 in two parts (Cody and Waite),
  // exp(r) = 1 + r + r^2 (C0 + C1 r + ... + C4 r^4), a minimax fit of relative error 4.9e-9 on
  // |r| <= ln(2)/2 (bench/exp_fit.py): within 1.003 ulp of Math.exp, as Cephes' degree-7
  // polynomial was, with one fma fewer (bench/HISTORY.md has the timings). Only add, multiply, fma
  // and bit moves, so interpreted, C1 and C2 code give the same bits (the Vector API's own EXP
  // does not: compiled, it calls the JDK's vector math library; interpreted, Math.exp lane by
  // lane).
  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
  // 1.5 * 2^23 + 127: adding it rounds to an integer n and leaves n + 127 (2^n's biased
  // exponent) in the low mantissa bits; the bits of 1.5 * 2^23 above them shift out.
  private static final float ROUND_BIASED = 12582912f + 127f;
  private static final float C0 = 0.4999999403953552f, C1 = 0.16666479408740997f;
  private static final float C2 = 0.041667692363262177f, C3 = 0.008372829295694828f;
  private static final float C4 = 0.001387505210004747f;
  // |x| is clamped to 87.3 so that 2^n stays a normal float. The clamp works on the bits: for
  // non-negative floats, integer order is float order, and an integer min is one instruction,
  // where a float min or max with Java's NaN and signed-zero rules is several (on JDK 17 such a
  // clamp was a large share of exp's time). A NaN becomes e^(+-87.3); its neighbours still
  // carry it.
  private static final int SIGN = 0x80000000;
  private static final int CLAMP = Float.floatToRawIntBits(87.3f);
  private static final int NEGATIVE_CLAMP = Float.floatToRawIntBits(-87.3f);

  /** e^x lane by lane, inputs clamped to [-87.3, 87.3] (so tiny results are not 0). */
  public static FloatVector exp(FloatVector x) {
    IntVector bits = (IntVector) x.reinterpretAsInts();
    return expClamped(
        (FloatVector) bits.and(MAGNITUDE).min(CLAMP).or(bits.and(SIGN)).reinterpretAsFloats());
  }

  /**
   * e^x lane by lane for x < 0 or x = -0, equal to {@link #exp} there: a softmax's exponentials,
   * whose arguments {@link #softmaxShift} makes negative. The clamp to -87.3 is then one signed
   * integer min, since a negative float's bits, read as an int, grow with its magnitude; it saves
   * three of exp's seventeen operations. Any other argument, +0 included, comes out as e^-87.3.
   */
  public static FloatVector expOfNonPositive(FloatVector x) {
    return expClamped((FloatVector) ((IntVector) x.reinterpretAsInts()).min(NEGATIVE_CLAMP)
        .reinterpretAsFloats());
  }

  private static FloatVector expClamped(FloatVector x) {
    FloatVector k = x.fma(LOG2E, ROUND_BIASED);
    FloatVector n = k.sub(ROUND_BIASED);
    VectorSpecies<Float> s = x.species();
    FloatVector r = n.fma(FloatVector.broadcast(s, -LN2_HI), x);
    r = n.fma(FloatVector.broadcast(s, -LN2_LO), r);
    FloatVector p = r.fma(C4, C3).fma(r, FloatVector.broadcast(s, C2));
    p = p.fma(r, FloatVector.broadcast(s, C1)).fma(r, FloatVector.broadcast(s, C0));
    FloatVector e = p.fma(r.mul(r), r).add(1f);
    // k's low mantissa bits hold n + 127, so shifting them into the exponent field makes 2^n
    FloatVector scale = (FloatVector) ((IntVector) k.reinterpretAsInts())
        .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return e.mul(scale);
  }

  /** The same e^x on one float, for the tails of vector loops: equal to a lane of the above. */
  public static float exp(float x) {
    int bits = Float.floatToRawIntBits(x);
    x = Float.intBitsToFloat(Math.min(bits & MAGNITUDE, CLAMP) | (bits & SIGN));
    float k = Math.fma(x, LOG2E, ROUND_BIASED);
    float n = k - ROUND_BIASED;
    float r = Math.fma(n, -LN2_HI, x);
    r = Math.fma(n, -LN2_LO, r);
    float p = Math.fma(Math.fma(r, C4, C3), r, C2);
    p = Math.fma(Math.fma(p, r, C1), r, C0);
    float e = Math.fma(p, r * r, r) + 1f;
    return e * Float.intBitsToFloat(Float.floatToRawIntBits(k) << 23);
  }
}
