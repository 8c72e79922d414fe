package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EstimatesTest {
  @Test
  void probesRunSixtyStepsOfASmallShapeAndAFewOfALargeOne() {
    // a tiny study shape: 4,096 tokens a step at 100k tokens/s fills 15 s with 366 steps
    assertEquals(60, Estimates.probeSteps(100_000, 4_096));
    // a paper-size shape: 8,192 tokens a step at 2,000 tokens/s is 4 s a step
    assertEquals(3, Estimates.probeSteps(2_000, 8_192));
    // in between, as many steps as fill 15 s
    assertEquals(18, Estimates.probeSteps(10_000, 8_192));
    // no speed measured: the fewest
    assertEquals(3, Estimates.probeSteps(Double.NaN, 8_192));
  }
}
