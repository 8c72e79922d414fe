package overtrain.perturb;

import java.util.List;
import java.util.SplittableRandom;
import overtrain.kernels.BFloat16;
import overtrain.kernels.Parallel;
import overtrain.model.Parameters;
import overtrain.model.TensorSpec;

/**
 * The paper's first modification: theta' = theta + gamma * eps with eps ~ N(0, Sigma), Sigma the
 * covariance of the initialisation, so that every element of a tensor gets independent noise
 * of that tensor's init std ({@link TensorSpec#initStd()}). One seed draws one eps: every
 * magnitude gamma of a seed moves the weights along the same direction, by gamma.
 */
public final class GaussianPerturbation {
  /**
   * Mixed into the seed so that directions come from a stream of their own. Seeded as
   * {@link overtrain.model.OlmoModel#initialize} seeds its tensors, seed s drew exactly the
   * initial weights of a model initialised from seed s (both default to 1): the direction was
   * the model's own initialisation, correlation 1, not an independent draw.
   */
  private static final long STREAM = 0x7065727475726221L; // "perturb!"

  private GaussianPerturbation() {}

  /**
   * Writes theta + gamma * eps into {@code out} (the layout of {@code specs}, as {@code base}).
   * Each tensor draws from its own generator, seeded from (seed, tensor index), so a tensor's
   * noise depends neither on the others' sizes nor on the thread count, nor on the seed the
   * model was initialised from.
   */
  public static void apply(float[] base, List<TensorSpec> specs, double gamma, long seed, float[] out) {
    checkGamma(gamma);
    if (out.length != base.length) {
      throw new IllegalArgumentException("output holds " + out.length + " floats, parameters " + base.length);
    }
    Parallel.range(specs.size(), (from, to) -> {
      for (int t = from; t < to; t++) {
        TensorSpec s = specs.get(t);
        SplittableRandom random = random(seed, t);
        double scale = gamma * s.initStd();
        for (int i = s.at(), end = s.end(); i < end; i++) {
          out[i] = (float) (base[i] + scale * random.nextGaussian());
        }
      }
    });
  }

  /**
   * {@link #apply(float[], List, double, long, float[])} on parameters held in either precision
   * ({@code out} may be {@code base}: the perturbation is then made in place). Held in bfloat16,
   * each perturbed weight is the float32 perturbation's, rounded to the nearest bfloat16: the
   * same noise, stored as the model is.
   */
  public static void apply(Parameters base, double gamma, long seed, Parameters out) {
    if (!base.specs().equals(out.specs()) || base.precision() != out.precision()) {
      throw new IllegalArgumentException("perturbation output must have the layout and precision of its base");
    }
    if (base.precision() == Parameters.Precision.FLOAT32) {
      apply(base.data(), base.specs(), gamma, seed, out.data());
      return;
    }
    checkGamma(gamma);
    List<TensorSpec> specs = base.specs();
    Parallel.range(specs.size(), (from, to) -> {
      for (int t = from; t < to; t++) {
        short[] in = base.bfloat16(t), perturbed = out.bfloat16(t);
        SplittableRandom random = random(seed, t);
        double scale = gamma * specs.get(t).initStd();
        for (int i = 0; i < in.length; i++) {
          perturbed[i] = BFloat16.round((float) (BFloat16.toFloat(in[i]) + scale * random.nextGaussian()));
        }
      }
    });
  }

  private static void checkGamma(double gamma) {
    if (!(gamma >= 0) || Double.isInfinite(gamma)) {
      throw new IllegalArgumentException("perturbation magnitude gamma must be finite and >= 0, got " + gamma);
    }
  }

  /** Tensor t's noise generator for direction {@code seed}. */
  private static SplittableRandom random(long seed, int t) {
    return new SplittableRandom((seed ^ STREAM) * 0x9E3779B97F4A7C15L + t);
  }
}
