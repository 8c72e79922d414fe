package overtrain.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VectorOpsTest {
  private static final double U = Math.ulp(1f) / 2;
  /** Lengths around every vector and unroll boundary, at odd offsets. */
  private static final int[] LENGTHS = {0, 1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127,
      128, 129, 255, 256, 1000};

  private final SplittableRandom rnd = new SplittableRandom(7);

  @Test
  void dotAndSumMatchDoubleWithinTheSummationBound() {
    for (int n : LENGTHS) {
      float[] x = random(n + 5), y = random(n + 9);
      double dot = 0, dotAbs = 0, sum = 0, sumAbs = 0;
      for (int i = 0; i < n; i++) {
        dot += (double) x[3 + i] * y[7 + i];
        dotAbs += Math.abs((double) x[3 + i] * y[7 + i]);
        sum += x[3 + i];
        sumAbs += Math.abs(x[3 + i]);
      }
      assertEquals(dot, VectorOps.dot(x, 3, y, 7, n), (n + 1) * U * dotAbs, "dot n=" + n);
      assertEquals(sum, VectorOps.sum(x, 3, n), (n + 1) * U * sumAbs, "sum n=" + n);
    }
  }

  @Test
  void logSumExpMatchesDoubleAndAgreesWithTheSoftmaxItSkipsWriting() {
    for (int n : LENGTHS) {
      if (n == 0) continue;
      float[] x = random(n + 3);
      for (int i = 0; i < x.length; i++) x[i] *= 40f; // logits spread over tens of nats
      float a = 0.37f;
      double max = Double.NEGATIVE_INFINITY, sum = 0;
      for (int i = 0; i < n; i++) max = Math.max(max, (double) (x[3 + i] * a));
      for (int i = 0; i < n; i++) sum += Math.exp(x[3 + i] * a - max);
      float[] before = x.clone();
      double lse = VectorOps.logSumExp(a, x, 3, n);
      assertEquals(max + Math.log(sum), lse, 1e-5 * Math.max(1, Math.abs(lse)), "n=" + n);
      assertArrayEquals(before, x, "logSumExp must leave the row as it was, n=" + n);
      // what the writing path (max then expSum) gives for the same row, and the softmax it leaves
      float rowMax = VectorOps.max(x, 3, n), shift = VectorOps.softmaxShift(a, rowMax);
      double expSum = VectorOps.expSum(x, 3, n, n, a, rowMax);
      assertEquals(shift + Math.log(expSum), lse, 1e-6 * Math.max(1, Math.abs(lse)));
      for (int i = 0; i < n; i++) {
        double p = Math.exp(before[3 + i] * (double) a - max - Math.log(sum));
        assertEquals(p, x[3 + i] / expSum, 1e-6 * p + 1e-12, "softmax n=" + n + " at " + i);
      }
      assertArrayEquals(java.util.Arrays.copyOf(before, 3), java.util.Arrays.copyOf(x, 3));
    }
  }

  @Test
  void expSumOfAPrefixIgnoresAndZeroesWhatLiesPastIt() {
    float[] junk = {Float.NaN, Float.POSITIVE_INFINITY, -Float.MAX_VALUE, 1e30f, 0f, -0f};
    for (int len : LENGTHS) {
      if (len == 0) continue;
      for (int n : new int[] {len, VectorOps.roundUp(len), len + 21}) {
        float[] prefix = random(len + 3);
        float[] row = java.util.Arrays.copyOf(prefix, n + 3 + 4);
        for (int i = len + 3; i < row.length; i++) row[i] = junk[i % junk.length];
        float max = VectorOps.max(prefix, 3, len);
        double alone = VectorOps.expSum(prefix, 3, len, len, 0.5f, max);
        double sum = VectorOps.expSum(row, 3, len, n, 0.5f, max);
        // the same terms; only where they are added (a vector's lanes, or the scalar tail) differs
        assertEquals(alone, sum, 1e-6 * alone, "sum, len=" + len + " n=" + n);
        assertArrayEquals(prefix, java.util.Arrays.copyOf(row, len + 3), "len=" + len + " n=" + n);
        for (int i = len + 3; i < n + 3; i++) assertEquals(0f, row[i], "zeroed at " + i);
        for (int i = n + 3; i < row.length; i++) {
          assertEquals(junk[i % junk.length], row[i], "untouched past n at " + i);
        }
      }
    }
  }

  @Test
  void sumsAddTheLanesPairwiseInTheSameOrderInterpretedAndCompiled() {
    int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    SplittableRandom random = new SplittableRandom(11);
    float[] x = new float[lanes], ones = new float[lanes];
    java.util.Arrays.fill(ones, 1f);
    // enough calls for the JIT to compile both, on sums whose bits depend on the order
    for (int call = 0; call < 30_000; call++) {
      for (int i = 0; i < lanes; i++) {
        x[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(8)));
      }
      float pairwise = pairwiseSum(x);
      assertEquals(pairwise, VectorOps.sum(x, 0, lanes), "sum, call " + call);
      assertEquals(pairwise, VectorOps.dot(x, 0, ones, 0, lanes), "dot, call " + call);
    }
  }

  /** Lane i plus lane i + n/2, then the same on the first half, until one lane is left. */
  private static float pairwiseSum(float[] lanes) {
    float[] v = lanes.clone();
    for (int half = v.length / 2; half >= 1; half /= 2) {
      for (int i = 0; i < half; i++) v[i] += v[i + half];
    }
    return v[0];
  }

  @Test
  void maxIsJavasMaxOnFiniteRowsAndNaNWhenAnyEntryIsNaNOrInfinite() {
    for (int n : LENGTHS) {
      if (n == 0) continue;
      float[] x = random(n + 2);
      for (int i = 0; i < x.length; i++) x[i] = x[i] * 1e4f - 5e3f; // mostly negative
      x[1 + n / 2] = -0f;
      float want = Float.NEGATIVE_INFINITY;
      for (int i = 1; i < 1 + n; i++) want = Math.max(want, x[i]);
      assertEquals(want, VectorOps.max(x, 1, n), "n=" + n);
      for (float bad : new float[] {Float.NaN, -Float.NaN, Float.POSITIVE_INFINITY,
          Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0xFFC00000)}) {
        float[] y = x.clone();
        y[1 + (n - 1) * 2 / 3] = bad;
        assertTrue(Float.isNaN(VectorOps.max(y, 1, n)), "n=" + n + " with " + bad);
      }
    }
    float[] allNegative = {-3f, -1f, -2f};
    assertEquals(-1f, VectorOps.max(allNegative, 0, 3));
    assertEquals(0f, VectorOps.max(new float[] {-0f, 0f}, 0, 2));
  }

  @Test
  void axpyAndScaleRoundEachElementOnceAndStayInRange() {
    for (int n : LENGTHS) {
      float[] x = random(n + 4), y = random(n + 6);
      float[] y0 = y.clone(), x0 = x.clone();
      VectorOps.axpy(-0.375f, x, 2, y, 5, n);
      for (int i = 0; i < y.length; i++) {
        boolean in = i >= 5 && i < 5 + n;
        float want = in ? (float) (-0.375 * x0[i - 3] + y0[i]) : y0[i];
        assertEquals(want, y[i], "axpy n=" + n + " at " + i);
      }
      VectorOps.scale(1.75f, x, 1, n);
      for (int i = 0; i < x.length; i++) {
        boolean in = i >= 1 && i < 1 + n;
        assertEquals(in ? x0[i] * 1.75f : x0[i], x[i], "scale n=" + n + " at " + i);
      }
    }
  }

  private float[] random(int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
    return x;
  }

  @Test
  void expIsWithinAnUlpOfMathExpAndEveryLaneEqualsTheScalarVersion() {
    jdk.incubator.vector.VectorSpecies<Float> species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
    SplittableRandom random = new SplittableRandom(3);
    float[] x = new float[species.length() * 4096], y = new float[x.length];
    for (int i = 0; i < x.length; i++) x[i] = (float) random.nextDouble(-87.3, 87.3);
    for (int i = 0; i < x.length; i += species.length()) {
      VectorOps.exp(jdk.incubator.vector.FloatVector.fromArray(species, x, i)).intoArray(y, i);
    }
    for (int i = 0; i < x.length; i++) {
      double exact = Math.exp(x[i]); // measured worst case over 2^22 points: 1.003 ulp
      assertTrue(Math.abs(y[i] - exact) <= 1.05 * Math.ulp((float) exact),
          "exp(" + x[i] + ") = " + y[i] + ", Math.exp gives " + exact);
      assertEquals(Float.floatToIntBits(y[i]), Float.floatToIntBits(VectorOps.exp(x[i])),
          "lane and scalar differ at x = " + x[i]);
    }
    assertEquals(1f, VectorOps.exp(0f));
    assertEquals(1f, VectorOps.exp(-0f));
  }

  @Test
  void expClampsItsArgumentToPlusMinus87_3SoNoResultIsZeroInfiniteOrGarbage() {
    jdk.incubator.vector.VectorSpecies<Float> species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
    float[] edges = {-1000f, 1000f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
        -Float.MAX_VALUE, Float.MAX_VALUE, -87.3f, 87.3f, -87.31f, 87.31f, -200f, 200f};
    float low = VectorOps.exp(-87.3f), high = VectorOps.exp(87.3f);
    assertTrue(low >= Float.MIN_NORMAL && low < 1.3e-38f && high > 8e37f && high < 9e37f, low + " " + high);
    float[] x = new float[species.length() * ((edges.length + species.length() - 1) / species.length())];
    System.arraycopy(edges, 0, x, 0, edges.length);
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i += species.length()) {
      VectorOps.exp(jdk.incubator.vector.FloatVector.fromArray(species, x, i)).intoArray(y, i);
    }
    for (int i = 0; i < edges.length; i++) {
      assertEquals(edges[i] < 0 ? low : high, y[i], "exp(" + edges[i] + ")");
      assertEquals(y[i], VectorOps.exp(edges[i]), "scalar exp(" + edges[i] + ")");
    }
  }

  @Test
  void expOfNonPositiveEqualsExpOnEveryArgumentWithItsSignBitSet() {
    jdk.incubator.vector.VectorSpecies<Float> species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
    SplittableRandom random = new SplittableRandom(5);
    float[] edges = {-0f, -Float.MIN_VALUE, -1e-30f, -87.3f, -87.31f, -1000f,
        -Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
    float[] x = new float[species.length() * 1024], y = new float[x.length], z = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i < edges.length ? edges[i] : (float) -random.nextDouble(0, 100);
    }
    for (int i = 0; i < x.length; i += species.length()) {
      var v = jdk.incubator.vector.FloatVector.fromArray(species, x, i);
      VectorOps.exp(v).intoArray(y, i);
      VectorOps.expOfNonPositive(v).intoArray(z, i);
    }
    for (int i = 0; i < x.length; i++) {
      assertEquals(Float.floatToIntBits(y[i]), Float.floatToIntBits(z[i]), "e^" + x[i]);
    }
  }

  @Test
  void theSoftmaxShiftLeavesTheLargestLogitAtOneWhereRoundingToNearestWouldNot() {
    // logits whose largest, scaled, rounds down: a * max - round(a * max) > 0, which a shift of
    // round(a * max) would hand to expOfNonPositive as a positive argument (e^-87.3)
    float a = 0.37f;
    int found = 0;
    for (int bits = Float.floatToIntBits(3f); found < 20; bits++) {
      float max = Float.intBitsToFloat(bits);
      if ((double) a * max <= a * max) continue;
      found++;
      float[] row = new float[40];
      java.util.Arrays.fill(row, max - 2f);
      row[37] = max; // in the scalar tail for 16 or 32 lanes
      row[5] = max; // in a vector
      double sum = VectorOps.expSum(row, 0, row.length, row.length, a, VectorOps.max(row, 0, row.length));
      assertEquals(1f, row[5], 1e-6f, "max " + max);
      assertEquals(1f, row[37], 1e-6f, "max " + max);
      assertEquals(2 + 38 * Math.exp(-2.0 * a), sum, 1e-5);
    }
  }
}
