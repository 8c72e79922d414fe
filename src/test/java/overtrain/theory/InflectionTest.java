package overtrain.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InflectionTest {

  private static final double[] T = {1, 2, 4, 8, 16};

  @Test
  void interiorMinimumWithARiseIsAnInflection() {
    Inflection i = Inflection.of(T, new double[] {3, 2, 1, 1.5, 2}, 1e-3);
    assertTrue(i.interior());
    assertEquals(4, i.time());
    assertEquals(2, i.index());
  }

  @Test
  void minimumAtTheEndIsNone() {
    Inflection i = Inflection.of(T, new double[] {3, 2, 1, 0.5, 0.4}, 1e-3);
    assertFalse(i.interior());
    assertTrue(i.describe().contains("end"), i.describe());
  }

  @Test
  void plateauWithinToleranceIsNone() {
    // The argmin falls inside the plateau by a rounding-sized dip: no real rise after it.
    Inflection i = Inflection.of(T, new double[] {3, 2, 1, 0.99999999, 1}, 1e-3);
    assertEquals(3, i.index());
    assertFalse(i.interior());
  }

  @Test
  void minimumAtTheStartIsNone() {
    Inflection i = Inflection.of(T, new double[] {1, 2, 3, 4, 5}, 1e-3);
    assertFalse(i.interior());
    assertTrue(i.describe().contains("first"), i.describe());
  }
}
