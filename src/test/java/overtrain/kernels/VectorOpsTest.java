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
      // what the writing path (scaleMax then expSum) gives for the same row
      float shift = VectorOps.scaleMax(a, x, 3, n);
      assertEquals(shift + Math.log(VectorOps.expSum(x, 3, n, shift)), lse, 1e-6 * Math.max(1, Math.abs(lse)));
    }
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
  void expIsWithinTwoUlpsOfMathExpAndEveryLaneEqualsTheScalarVersion() {
    jdk.incubator.vector.VectorSpecies<Float> species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
    SplittableRandom random = new SplittableRandom(3);
    float[] x = new float[species.length() * 4096], y = new float[x.length];
    for (int i = 0; i < x.length; i++) x[i] = (float) random.nextDouble(-87, 88);
    for (int i = 0; i < x.length; i += species.length()) {
      VectorOps.exp(jdk.incubator.vector.FloatVector.fromArray(species, x, i)).intoArray(y, i);
    }
    for (int i = 0; i < x.length; i++) {
      float exact = (float) Math.exp(x[i]);
      assertTrue(Math.abs(y[i] - exact) <= 2 * Math.ulp(exact),
          "exp(" + x[i] + ") = " + y[i] + ", Math.exp gives " + exact);
      assertEquals(Float.floatToIntBits(y[i]), Float.floatToIntBits(VectorOps.exp(x[i])),
          "lane and scalar differ at x = " + x[i]);
    }
    assertEquals(1f, VectorOps.exp(0f));
    assertTrue(VectorOps.exp(-1000f) >= 0f && VectorOps.exp(-1000f) < 1e-37f);
  }
}
