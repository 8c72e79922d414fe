package overtrain.perturb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import overtrain.model.Architecture;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.Parameters;
import overtrain.model.TensorSpec;

class GaussianPerturbationTest {
  /** muP at width 64 over base 16: hidden matrices have half the embedding's init std. */
  private static final ModelConfig CONFIG =
      new ModelConfig(300, 64, 2, 4, 256, 16, false, 10000.0, Parameterization.MUP, 16, 0.02);

  @Test
  void eachTensorGetsStandardNormalNoiseTimesGammaTimesItsInitStd() {
    Parameters base = OlmoModel.initialize(CONFIG, 1);
    float[] out = new float[base.size()];
    double gamma = 0.5;
    GaussianPerturbation.apply(base.data(), base.specs(), gamma, 7, out);
    assertTrue(base.specs().stream().mapToDouble(TensorSpec::initStd).distinct().count() > 1,
        "the layout has tensors of different init std");
    for (TensorSpec s : base.specs()) {
      int n = s.size();
      double sum = 0, squares = 0;
      for (int i = s.at(); i < s.end(); i++) {
        double z = ((double) out[i] - base.data()[i]) / (gamma * s.initStd());
        sum += z;
        squares += z * z;
      }
      double mean = sum / n, variance = squares / n - mean * mean;
      // five standard errors of the sample mean and variance of n standard normals
      assertEquals(0, mean, 5 / Math.sqrt(n), s.name() + " mean");
      assertEquals(1, variance, 5 * Math.sqrt(2.0 / n), s.name() + " variance");
    }
  }

  /**
   * RMSNorm's weights start at exactly 1, so their init covariance is zero and they get no
   * noise; every matrix of an OLMo-2 model still gets its own.
   */
  @Test
  void normWeightsAreLeftAsTheyAre() {
    ModelConfig olmo2 = CONFIG.withArchitecture(Architecture.OLMO2, 1e-6);
    Parameters base = OlmoModel.initialize(olmo2, 1);
    float[] out = new float[base.size()];
    GaussianPerturbation.apply(base.data(), base.specs(), 1.0, 7, out);
    int norms = 0;
    for (TensorSpec s : base.specs()) {
      boolean norm = s.name().endsWith("norm.weight");
      norms += norm ? 1 : 0;
      float[] before = Arrays.copyOfRange(base.data(), s.at(), s.end());
      float[] after = Arrays.copyOfRange(out, s.at(), s.end());
      assertEquals(norm, Arrays.equals(before, after), s.name());
    }
    assertEquals(2 * 4 + 1, norms, "two layers of four norms, and the final one");
  }

  @Test
  void aSeedIsOneDirectionScaledByGamma() {
    Parameters base = OlmoModel.initialize(CONFIG, 2);
    float[] small = new float[base.size()], large = new float[base.size()], other = new float[base.size()];
    GaussianPerturbation.apply(base.data(), base.specs(), 0.1, 3, small);
    GaussianPerturbation.apply(base.data(), base.specs(), 0.4, 3, large);
    GaussianPerturbation.apply(base.data(), base.specs(), 0.1, 4, other);
    for (int i = 0; i < base.size(); i++) {
      double a = (double) small[i] - base.data()[i], b = (double) large[i] - base.data()[i];
      // four times the step, up to the rounding of each perturbed weight to float
      assertEquals(4 * a, b, 1e-6 * (Math.abs(base.data()[i]) + Math.abs(b)), "element " + i);
    }
    assertFalse(Arrays.equals(small, other), "another seed, another direction");
    float[] again = new float[base.size()];
    GaussianPerturbation.apply(base.data(), base.specs(), 0.1, 3, again);
    assertArrayEquals(small, again, "same seed, same bits");
  }

  /**
   * A model trained from seed s and perturbed with seed s (both default to 1) must not be moved
   * along its own initialisation: the direction is drawn independently of it.
   */
  @Test
  void aDirectionIsUncorrelatedWithTheInitialisationOfTheSameSeed() {
    for (long seed : new long[] {1, 2}) {
      Parameters init = OlmoModel.initialize(CONFIG, seed);
      float[] zeros = new float[init.size()], eps = new float[init.size()];
      GaussianPerturbation.apply(zeros, init.specs(), 1.0, seed, eps);
      double dot = 0, initSquares = 0, epsSquares = 0;
      for (TensorSpec s : init.specs()) {
        for (int i = s.at(); i < s.end(); i++) {
          double a = init.data()[i] / s.initStd(), b = eps[i] / s.initStd();
          dot += a * b;
          initSquares += a * a;
          epsSquares += b * b;
        }
      }
      double correlation = dot / Math.sqrt(initSquares * epsSquares);
      // five standard errors of the correlation of independent normals
      assertEquals(0, correlation, 5 / Math.sqrt(init.size()), "seed " + seed);
    }
  }

  @Test
  void gammaZeroChangesNothingAndBadGammasAreRefused() {
    Parameters base = OlmoModel.initialize(CONFIG, 3);
    float[] out = new float[base.size()];
    GaussianPerturbation.apply(base.data(), base.specs(), 0, 5, out);
    assertArrayEquals(base.data(), out);
    for (double bad : new double[] {-1e-3, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> GaussianPerturbation.apply(base.data(), base.specs(), bad, 5, out));
      assertTrue(e.getMessage().contains("gamma"), e.getMessage());
    }
  }
}
