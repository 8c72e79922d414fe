package overtrain.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pre-training learns A's modes one at a time, strongest first, when Saxe's closed form says. */
class IncrementalLearningTest {

  /**
   * Gradient descent with step 0.01 follows the closed form's logistic up to a per-step
   * growth factor (1 + lr s)^2 against e^{2 lr s}: about lr s / 2 = 0.5% in time for s = 1,
   * plus the trajectory's spacing (0.015 time units); 2% leaves room for neither to hide a
   * wrong formula (a factor 2 in the rate or a wrong u0 moves the times by far more).
   */
  private static final double TIME_TOLERANCE = 0.02;

  private static TheoryConfig config(TheoryConfig.InitKind init) {
    TheoryConfig d = TheoryConfig.defaults();
    return new TheoryConfig(3, 12, 12, 6,
        new TheoryConfig.Spectrum(TheoryConfig.SpectrumKind.GEOMETRIC, 1.0, 0.8),
        new TheoryConfig.Init(init, 1e-3),
        new TheoryConfig.Pretrain(0.01, 1, 30, 3, 2001),
        new TheoryConfig.Finetune(1, List.of(0.1), List.of(0.0), List.of(0.0)),
        d.riseTolerance());
  }

  @Test
  void halfTimesMatchTheClosedFormUnderTheDecoupledStart() {
    TheoryResult r = TheoryExperiment.run(config(TheoryConfig.InitKind.DECOUPLED), (done, total) -> {});
    double previous = 0;
    for (int i = 0; i < r.strengths().length; i++) {
      double s = r.strengths()[i];
      double simulated = crossing(r.trajectory(), i, s / 2);
      double closed = ClosedForm.timeToReach(s, r.initialStrength(), 0.5);
      assertEquals(closed, simulated, TIME_TOLERANCE * closed,
          "mode " + i + " (s = " + s + ") reached s/2 at " + simulated + ", closed form " + closed);
      assertTrue(simulated > previous, "mode " + i + " learned before a stronger one");
      previous = simulated;
    }
  }

  @Test
  void aSmallRandomStartStillLearnsStrongestFirst() {
    TheoryResult r = TheoryExperiment.run(config(TheoryConfig.InitKind.GAUSSIAN), (done, total) -> {});
    double previous = 0;
    for (int i = 0; i < r.strengths().length; i++) {
      double t = crossing(r.trajectory(), i, r.strengths()[i] / 2);
      assertTrue(t > previous, "mode " + i + " reached half strength at " + t
          + ", not after the stronger mode (" + previous + ")");
      previous = t;
    }
  }

  @Test
  void closedFormSolvesTheLogisticEquation() {
    double s = 0.7;
    double u0 = 1e-3;
    assertEquals(u0, ClosedForm.strength(s, u0, 0), 1e-15);
    for (double t : new double[] {1, 5, 9, 15}) {
      double h = 1e-5;
      double derivative = (ClosedForm.strength(s, u0, t + h) - ClosedForm.strength(s, u0, t - h)) / (2 * h);
      double u = ClosedForm.strength(s, u0, t);
      assertEquals(2 * u * (s - u), derivative, 1e-6, "du/dt at t = " + t);
    }
    double half = ClosedForm.timeToReach(s, u0, 0.5);
    assertEquals(s / 2, ClosedForm.strength(s, u0, half), 1e-12);
  }

  /** The first time mode i's strength along A's directions reaches level, interpolated linearly. */
  private static double crossing(TheoryResult.Trajectory tr, int i, double level) {
    double[][] u = tr.modeStrengths();
    for (int k = 1; k < u.length; k++) {
      if (u[k - 1][i] < level && u[k][i] >= level) {
        double f = (level - u[k - 1][i]) / (u[k][i] - u[k - 1][i]);
        return tr.times()[k - 1] + f * (tr.times()[k] - tr.times()[k - 1]);
      }
    }
    throw new AssertionError("mode " + i + " never reached " + level);
  }
}
