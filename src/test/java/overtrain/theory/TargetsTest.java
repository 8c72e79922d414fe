package overtrain.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Test;

class TargetsTest {

  private final Targets targets = Targets.random(10, new double[] {1.0, 0.6, 0.3}, new Random(5));

  @Test
  void rotationKeepsTheSpectrumAndSetsTheOverlap() {
    double[] s = targets.strengths();
    double energy = s[0] * s[0] + s[1] * s[1] + s[2] * s[2];
    for (double degrees : new double[] {0, 30, 50, 90}) {
      double c = Math.cos(Math.toRadians(degrees));
      var a = targets.pretraining();
      var b = targets.rotated(Math.toRadians(degrees));
      // Each mode overlaps A's by cos on the left and cos on the right: <A, B>_F = sum s^2 cos^2.
      assertEquals(energy * c * c, CommonOps_DDRM.elementSum(CommonOps_DDRM.elementMult(a, b, null)), 1e-12, "angle " + degrees);
      assertEquals(Math.sqrt(energy), NormOps_DDRM.normF(b), 1e-12, "angle " + degrees);
    }
  }

  @Test
  void modeStrengthsReadBackTheTarget() {
    double[] u = targets.modeStrengths(targets.pretraining());
    for (int i = 0; i < u.length; i++) assertEquals(targets.strengths()[i], u[i], 1e-12);
  }
}
