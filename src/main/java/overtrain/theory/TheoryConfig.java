package overtrain.theory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import overtrain.io.Configs;

/**
 * Everything the linear-network simulation needs, as read from YAML (snake_case keys). Keys a
 * file leaves out keep the values of {@link #defaults()}, which show the inflection point.
 *
 * @param seed seeds the random singular vectors and the initialisation; same seed, same bits
 * @param dimension input and output dimension d
 * @param hidden width of the hidden layer (at least the rank)
 * @param rank r, the number of nonzero singular values of the pre-training target
 * @param spectrum how those singular values decay
 * @param init how the network starts
 * @param pretrain gradient descent on the pre-training target and the grid of times T
 * @param finetune the fine-tuning settings swept at every T
 * @param riseTolerance how far (relative) the last T's loss must exceed the minimum for the
 *     minimum to count as an inflection point rather than the grid's end of a plateau
 */
public record TheoryConfig(
    long seed,
    int dimension,
    int hidden,
    int rank,
    Spectrum spectrum,
    Init init,
    Pretrain pretrain,
    Finetune finetune,
    double riseTolerance) {

  /** The shape of the target's singular values s_1 &gt;= s_2 &gt;= ... &gt;= s_r. */
  public enum SpectrumKind {
    /** s_i = top * decay^i, 0 &lt; decay &lt; 1. */
    GEOMETRIC,
    /** s_i = top * (i + 1)^-decay, decay &gt; 0. */
    POWER
  }

  /** How the two layers are drawn. */
  public enum InitKind {
    /**
     * Balanced and aligned with the target's singular vectors (W1 = alpha Q V^T, W2 = alpha U
     * Q^T, Q orthogonal): Saxe et al.'s setting, where every mode starts at strength alpha^2
     * and the closed form is exact up to the step size.
     */
    DECOUPLED,
    /** Independent N(0, alpha^2 / fan_in) entries: the usual small random start. */
    GAUSSIAN
  }

  /**
   * @param kind geometric or power law
   * @param top the largest singular value
   * @param decay the ratio (geometric) or exponent (power law)
   */
  public record Spectrum(SpectrumKind kind, double top, double decay) {
    public Spectrum {
      require(kind != null, "spectrum.kind", "geometric or power");
      require(top > 0, "spectrum.top", "a positive number, got " + top);
      require(kind != SpectrumKind.GEOMETRIC || (decay > 0 && decay < 1), "spectrum.decay",
          "a ratio in (0, 1) for a geometric spectrum, got " + decay);
      require(kind != SpectrumKind.POWER || decay > 0, "spectrum.decay",
          "a positive exponent for a power-law spectrum, got " + decay);
    }

    /** The first r singular values, strongest first. */
    public double[] values(int r) {
      double[] s = new double[r];
      for (int i = 0; i < r; i++) {
        s[i] = kind == SpectrumKind.GEOMETRIC ? top * Math.pow(decay, i) : top * Math.pow(i + 1, -decay);
      }
      return s;
    }
  }

  /**
   * @param kind decoupled or gaussian
   * @param scale alpha, the initial scale of each layer
   */
  public record Init(InitKind kind, double scale) {
    public Init {
      require(kind != null, "init.kind", "decoupled or gaussian");
      require(scale > 0, "init.scale", "a positive number, got " + scale);
    }
  }

  /**
   * @param lr gradient-descent step; time t = lr x steps, so a small step stands in for
   *     gradient flow
   * @param minTime the first pre-training time T of the grid
   * @param maxTime the last
   * @param points how many times T, spaced geometrically (rounded to whole steps)
   * @param trajectoryPoints how many evenly spaced times the singular-value trajectory records
   */
  public record Pretrain(double lr, double minTime, double maxTime, int points, int trajectoryPoints) {
    public Pretrain {
      require(lr > 0, "pretrain.lr", "a positive step, got " + lr);
      require(minTime > 0, "pretrain.min_time", "a positive time, got " + minTime);
      require(maxTime > minTime, "pretrain.max_time",
          "a time above min_time " + minTime + ", got " + maxTime);
      require(points >= 3, "pretrain.points", "at least 3, got " + points);
      require(trajectoryPoints >= 2, "pretrain.trajectory_points", "at least 2, got " + trajectoryPoints);
    }
  }

  /**
   * @param steps fine-tuning steps, the same for every setting
   * @param lrs fine-tuning learning rates swept
   * @param lambdas strengths of the L2 pull lambda ||W - W_pre||^2 swept
   * @param anglesDegrees rotations of the fine-tuning target's singular vectors swept; 0 is the
   *     aligned task
   */
  public record Finetune(int steps, List<Double> lrs, List<Double> lambdas, List<Double> anglesDegrees) {
    public Finetune {
      require(steps > 0, "finetune.steps", "a positive count, got " + steps);
      lrs = checkedList(lrs, "finetune.lrs", false);
      lambdas = checkedList(lambdas, "finetune.lambdas", true);
      anglesDegrees = checkedList(anglesDegrees, "finetune.angles_degrees", true);
      for (double a : anglesDegrees) {
        require(a <= 90, "finetune.angles_degrees", "angles in [0, 90], got " + a);
      }
    }
  }

  public TheoryConfig {
    require(dimension > 0, "dimension", "a positive size, got " + dimension);
    require(rank > 0, "rank", "a positive count, got " + rank);
    require(2 * rank <= dimension, "rank",
        "at most dimension / 2 (each mode rotates into a direction of its own), got " + rank
            + " with dimension " + dimension);
    require(hidden >= rank, "hidden", "at least the rank " + rank + ", got " + hidden);
    require(spectrum != null, "spectrum", "a mapping");
    require(init != null, "init", "a mapping");
    require(pretrain != null, "pretrain", "a mapping");
    require(finetune != null, "finetune", "a mapping");
    require(riseTolerance >= 0, "rise_tolerance", "a non-negative fraction, got " + riseTolerance);
  }

  /** Defaults under which the misaligned task shows an inflection point for two of three LRs. */
  public static TheoryConfig defaults() {
    return new TheoryConfig(
        7, 16, 16, 8,
        new Spectrum(SpectrumKind.GEOMETRIC, 1.0, 0.9),
        new Init(InitKind.DECOUPLED, 1e-4),
        new Pretrain(0.05, 1, 60, 32, 200),
        new Finetune(40, List.of(0.05, 0.1, 0.2), List.of(0.0, 0.01, 0.03), List.of(0.0, 50.0)),
        1e-3);
  }

  /** Reads a YAML file over the defaults; messages name the file and the offending key. */
  public static TheoryConfig load(Path file) throws IOException {
    return Configs.load(TheoryConfig.class, defaults(), List.of(Configs.file(file)));
  }

  private static List<Double> checkedList(List<Double> values, String field, boolean zeroAllowed) {
    require(values != null && !values.isEmpty(), field, "a non-empty list");
    for (Double v : values) {
      require(v != null && (zeroAllowed ? v >= 0 : v > 0), field,
          (zeroAllowed ? "non-negative" : "positive") + " numbers, got " + v);
    }
    return List.copyOf(values);
  }

  private static void require(boolean ok, String field, String expected) {
    if (!ok) throw new IllegalArgumentException(field + ": expected " + expected);
  }
}
