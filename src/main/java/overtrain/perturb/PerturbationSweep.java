package overtrain.perturb;

import java.util.ArrayList;
import java.util.List;
import overtrain.data.TokenFile;
import overtrain.eval.TokenLoss;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameters;

/**
 * How much a checkpoint's held-out pre-training loss degrades under Gaussian perturbations:
 * the loss of theta itself, then of theta + gamma * eps for every magnitude gamma and every
 * seed, all scored on the same windows of the same token file.
 */
public final class PerturbationSweep {
  private PerturbationSweep() {}

  /**
   * The sweep as run.
   *
   * @param gammas the magnitudes, each >= 0
   * @param seeds how many directions eps to draw per magnitude
   * @param seed the first direction's seed; direction s uses seed + s for every magnitude
   * @param context predictions per scored window; 0 for the model's longest
   * @param batch windows per forward pass
   * @param maxTokens predictions scored per measurement (whole windows)
   */
  public record Config(List<Double> gammas, int seeds, long seed, int context, int batch, long maxTokens) {
    public Config {
      gammas = List.copyOf(gammas);
      if (gammas.isEmpty()) throw new IllegalArgumentException("no perturbation magnitudes given");
      for (double g : gammas) {
        if (!(g >= 0) || Double.isInfinite(g)) {
          throw new IllegalArgumentException("perturbation magnitude must be finite and >= 0, got " + g);
        }
      }
      if (seeds < 1) throw new IllegalArgumentException("seeds must be at least 1, got " + seeds);
      if (context < 0 || batch < 1 || maxTokens < Math.max(1, context)) {
        throw new IllegalArgumentException("context (" + context + ") must be >= 0 (0: the model's), batch ("
            + batch + ") positive and max_tokens (" + maxTokens + ") at least one context");
      }
    }

    /** Every default, defined once ({@code --help} reads them from here); gammas must be given. */
    public static final Config DEFAULTS = new Config(List.of(1.0), 3, 1, 0, 8, 65536);

    /** The same sweep with the context resolved against {@code model}: 0 becomes its longest. */
    public Config forModel(ModelConfig model) {
      return new Config(gammas, seeds, seed, model.window(context), batch, maxTokens);
    }
  }

  /** One perturbed model: its loss, and that loss minus the unperturbed one. */
  public record Run(double gamma, long seed, double loss, double degradation) {}

  /** The runs of one magnitude: mean loss, mean and sample standard deviation of degradation. */
  public record Summary(double gamma, double meanLoss, double meanDegradation, double sdDegradation) {}

  /**
   * Everything measured, with what it was measured on.
   *
   * @param tokens predictions scored per measurement
   * @param baseLoss the unperturbed checkpoint's loss, nats
   * @param runs every (gamma, seed), magnitudes in the order given, seeds in order
   * @param summary one entry per magnitude, in the order given
   */
  public record Result(String model, String heldoutFile, Config config, long tokens, double baseLoss,
      List<Run> runs, List<Summary> summary) {}

  /** Tokens the sweep scores in all: the base model and every (gamma, seed). */
  public static long totalTokens(Config c, TokenFile heldout) {
    long perMeasurement = TokenLoss.tokensScored(heldout, c.context(), c.maxTokens());
    return perMeasurement * (1 + (long) c.gammas().size() * c.seeds());
  }

  /**
   * Runs the sweep; {@code progress} is told the tokens scored so far over all its
   * measurements, of {@link #totalTokens}.
   */
  public static Result run(ModelConfig modelConfig, Parameters checkpoint, String modelName,
      TokenFile heldout, String heldoutName, Config c, TokenLoss.Progress progress) {
    try {
      return run(modelConfig, checkpoint, null, modelName, heldout, heldoutName, c, progress);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // no restore: nothing is read
    }
  }

  /** Puts the checkpoint's own weights back into an array a perturbation was written into. */
  @FunctionalInterface
  public interface Restore {
    void into(Parameters params) throws java.io.IOException;
  }

  /**
   * {@link #run}, perturbing {@code checkpoint}'s own array in place and putting the weights
   * back with {@code restore} after each perturbation (and at the end), where {@code restore}
   * is not null: a model of a billion parameters is then held once, not twice. Without it, a
   * copy is perturbed and {@code checkpoint} is never written.
   */
  public static Result run(ModelConfig modelConfig, Parameters checkpoint, Restore restore, String modelName,
      TokenFile heldout, String heldoutName, Config c, TokenLoss.Progress progress) throws java.io.IOException {
    Parameters perturbed = restore == null ? checkpoint.copy() : checkpoint;
    OlmoModel model = new OlmoModel(modelConfig, perturbed);
    long total = totalTokens(c, heldout);
    long[] before = {0};
    TokenLoss.Progress measured = (done, tokens) -> progress.tokens(before[0] + done, total);
    TokenLoss.Result base = TokenLoss.evaluate(model, heldout, c.context(), c.batch(), c.maxTokens(), measured);
    before[0] += base.tokens();
    List<Run> runs = new ArrayList<>();
    List<Summary> summary = new ArrayList<>();
    for (double gamma : c.gammas()) {
      double[] degradation = new double[c.seeds()];
      double lossSum = 0;
      for (int s = 0; s < c.seeds(); s++) {
        long seed = c.seed() + s;
        GaussianPerturbation.apply(checkpoint, gamma, seed, perturbed);
        TokenLoss.Result r = TokenLoss.evaluate(model, heldout, c.context(), c.batch(), c.maxTokens(), measured);
        if (restore != null) restore.into(checkpoint);
        before[0] += r.tokens();
        degradation[s] = r.loss() - base.loss();
        runs.add(new Run(gamma, seed, r.loss(), degradation[s]));
        lossSum += r.loss();
      }
      summary.add(new Summary(gamma, lossSum / c.seeds(), mean(degradation), sd(degradation)));
    }
    return new Result(modelName, heldoutName, c, base.tokens(), base.loss(), runs, summary);
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) s += v;
    return s / x.length;
  }

  /** Sample standard deviation; 0 for a single value. */
  private static double sd(double[] x) {
    if (x.length < 2) return 0;
    double m = mean(x), s = 0;
    for (double v : x) s += (v - m) * (v - m);
    return Math.sqrt(s / (x.length - 1));
  }
}
