package overtrain.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GradientClippingTest {
  @Test
  void scalesLargeGradientsToTheMaximumNorm() {
    float[] g = {3, 4, 0, 12}; // norm 13
    assertEquals(13.0, GradientClipping.clip(g, 1.0), 1e-12);
    assertEquals(1.0, GradientClipping.globalNorm(g), 1e-6);
    assertEquals(3 / 13.0, g[0], 1e-6);
    assertEquals(12 / 13.0, g[3], 1e-6);
  }

  @Test
  void globalNormAgreesWithADoubleSumOverManyBlocksOfMixedMagnitudes() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (int n : new int[] {1, 15, 4095, 4096, 4097, 100_003, 1_000_000}) {
      float[] g = new float[n];
      for (int i = 0; i < n; i++) {
        g[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
      }
      double want = 0;
      for (float x : g) want += (double) x * x;
      want = Math.sqrt(want);
      assertEquals(want, GradientClipping.globalNorm(g), 1e-6 * want, "n=" + n);
    }
  }

  @Test
  void leavesSmallGradientsAlone() {
    float[] g = {0.3f, 0.4f};
    assertEquals(0.5, GradientClipping.clip(g, 1.0), 1e-7);
    assertArrayEquals(new float[] {0.3f, 0.4f}, g);
  }

  @Test
  void zeroMaximumDisablesClipping() {
    float[] g = {30, 40};
    assertEquals(50.0, GradientClipping.clip(g, 0), 1e-9);
    assertArrayEquals(new float[] {30, 40}, g);
  }
}
