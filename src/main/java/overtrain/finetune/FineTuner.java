package overtrain.finetune;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import overtrain.model.OlmoModel;
import overtrain.model.Parameters;
import overtrain.optim.AdamW;
import overtrain.tasks.encoding.Batch;
import overtrain.tasks.encoding.Sequence;
import overtrain.train.Step;

/**
 * The fine-tuning loop: shuffled batches of sequences whose loss counts only the
 * continuation tokens (the collation evaluation uses, so training and scoring see the same
 * tokens), AdamW over every parameter, an optional L2 pull toward the starting weights.
 */
public final class FineTuner {

  /** One optimiser step as logged. */
  public record Logged(long step, long totalSteps, int epoch, double loss, double lr, double gradNorm,
      long targetTokens) {}

  /** Hears every step (logging, progress). */
  @FunctionalInterface
  public interface Listener {
    void step(Logged step);
  }

  private FineTuner() {}

  /** Optimiser steps a run of {@code config} takes over {@code examples} training sequences. */
  public static long totalSteps(int examples, FineTuneConfig config) {
    return (long) config.epochs() * ((examples + config.batch() - 1) / config.batch());
  }

  /**
   * Trains {@code params} in place (the model reads them) on {@code data}; the starting weights
   * are the L2 anchor.
   */
  public static void train(OlmoModel model, Parameters params, List<Sequence> data, int paddingId,
      FineTuneConfig config, Listener listener) {
    if (data.isEmpty()) throw new IllegalArgumentException("no training examples");
    long totalSteps = totalSteps(data.size(), config);
    Step step = new Step(model, params, new AdamW(params.specs(), config.optim().weightDecay()),
        config.schedule().build(config.lr(), totalSteps), config.optim().clip(), l2Pull(params, config), 0);
    SplittableRandom random = new SplittableRandom(config.seed());
    int[] order = new int[data.size()];
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      for (int i = 0; i < order.length; i++) order[i] = i;
      shuffle(order, random);
      for (int from = 0; from < order.length; from += config.batch()) {
        int to = Math.min(order.length, from + config.batch());
        List<Sequence> chunk = new ArrayList<>(to - from);
        for (int k = from; k < to; k++) chunk.add(data.get(order[k]));
        Batch batch = Batch.of(chunk, paddingId);
        Step.Result r = step.run(batch.tokens(), batch.targets(), batch.batch(), batch.seqLen());
        listener.step(new Logged(r.step(), totalSteps, epoch, r.loss(), r.lr(), r.gradNorm(), batch.targetCount()));
      }
    }
  }

  /**
   * The gradient of lambda/2 * ||theta - theta_start||^2, part of the objective, so it is
   * clipped and Adam-normalised with the task gradient; null when lambda is 0.
   */
  private static Step.GradientTerm l2Pull(Parameters params, FineTuneConfig config) {
    if (!(config.l2ToInit() > 0)) return null;
    float[] anchor = params.data().clone();
    float lambda = (float) config.l2ToInit();
    return (theta, grads) -> {
      for (int i = 0; i < theta.length; i++) grads[i] += lambda * (theta[i] - anchor[i]);
    };
  }

  /** Fisher-Yates with the run's generator: the order depends only on the seed. */
  public static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
