package overtrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void cosineWarmsUpLinearlyThenAnnealsToZeroAtTheBudget() {
    Schedule s = new Schedule.Cosine(1.0, 10, 110);
    assertEquals(0.1, s.lr(0), 1e-12);
    assertEquals(0.5, s.lr(4), 1e-12);
    assertEquals(1.0, s.lr(9), 1e-12);
    assertEquals(1.0, s.lr(10), 1e-12);
    assertEquals(0.5, s.lr(60), 1e-12, "half way through the decay");
    assertEquals(0.5 * (1 + Math.cos(Math.PI * 99 / 100)), s.lr(109), 1e-12);
    assertEquals(0.0, s.lr(110), 1e-12);
    for (long t = 10; t < 110; t++) assertTrue(s.lr(t + 1) <= s.lr(t), "monotone at " + t);
  }

  @Test
  void constantHoldsThePeakAfterWarmup() {
    Schedule s = new Schedule.Constant(3e-3, 4, 100);
    assertEquals(0.75e-3, s.lr(0), 1e-15);
    assertEquals(3e-3, s.lr(4), 0);
    assertEquals(3e-3, s.lr(99), 0);
    assertEquals(3e-3, new Schedule.Constant(3e-3, 0, 100).lr(0), 0);
  }

  @Test
  void warmupStableDecayDecaysLinearlyOverTheLastFraction() {
    Schedule s = new Schedule.WarmupStableDecay(2.0, 10, 100, 0.2);
    assertEquals(0.2, s.lr(0), 1e-12);
    assertEquals(2.0, s.lr(50), 0);
    assertEquals(2.0, s.lr(79), 0);
    assertEquals(2.0, s.lr(80), 1e-12, "decay starts at 80");
    assertEquals(1.0, s.lr(90), 1e-12);
    assertEquals(0.1, s.lr(99), 1e-12);
  }

  @Test
  void byNameAndErrors() {
    assertEquals(new Schedule.Cosine(1, 0, 5), new ScheduleConfig("cosine", 0, 0, 0.2).build(1, 5));
    assertEquals(new Schedule.WarmupStableDecay(1, 0, 5, 0.2), new ScheduleConfig("wsd", 0, 0, 0.2).build(1, 5));
    assertEquals(new Schedule.WarmupStableDecay(1, 2, 10, 1.0), new ScheduleConfig("linear", 0, 0.2, 0.2).build(1, 10));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ScheduleConfig("step", 0, 0, 0.2));
    assertTrue(e.getMessage().contains("step") && e.getMessage().contains("cosine"));
    assertThrows(IllegalArgumentException.class, () -> new ScheduleConfig("cosine", 3, 0.1, 0.2));
    assertThrows(IllegalArgumentException.class, () -> new Schedule.Cosine(1, 5, 5));
  }
}
