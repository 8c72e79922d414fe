package overtrain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelConfigTest {
  private final ModelConfig config = new ModelConfig(64, 16, 1, 2, 32, 128, true,
      ModelConfig.DEFAULT_ROPE_THETA, Parameterization.MUP, 16, 0.02);

  @Test
  void aWindowIsTheLengthAskedOrTheModelsLongest() {
    assertEquals(128, config.window(0));
    assertEquals(1, config.window(1));
    assertEquals(128, config.window(128));
  }

  @Test
  void aWindowPastThePositionsTheModelHasIsRefusedWithItsLimit() {
    for (int bad : new int[] {129, -1}) {
      var e = assertThrows(IllegalArgumentException.class, () -> config.window(bad));
      assertTrue(e.getMessage().contains("context " + bad) && e.getMessage().contains("[1, 128]"), e.getMessage());
    }
  }
}
