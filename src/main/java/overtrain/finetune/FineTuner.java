package overtrain.finetune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import overtrain.model.OlmoModel;
import overtrain.model.Parameters;
import overtrain.optim.AdamW;
import overtrain.optim.GradientClipping;
import overtrain.optim.Schedule;
import overtrain.tasks.encoding.Batch;
import overtrain.tasks.encoding.Sequence;

/**
 * The fine-tuning loop: shuffled batches of sequences whose loss counts only the
 * continuation tokens (the collation evaluation uses, so training and scoring see the same
 * tokens), AdamW over every parameter, an optional L2 pull toward the starting weights.
 */
public final class FineTuner {

  /** One optimiser step as logged. */
  public record Step(long step, long totalSteps, int epoch, double loss, double lr, double gradNorm,
      long targetTokens) {}

  /** Hears every step (logging, progress). */
  @FunctionalInterface
  public interface Listener {
    void step(Step step);
  }

  private FineTuner() {}

  /** Optimiser steps a run of {@code config} takes over {@code examples} training sequences. */
  public static long totalSteps(int examples, FineTuneConfig config) {
    return (long) config.epochs() * ((examples + config.batchSize() - 1) / config.batchSize());
  }

  /**
   * Trains {@code params} in place (the model reads them) on {@code data}; the starting weights
   * are the L2 anchor.
   */
  public static void train(OlmoModel model, Parameters params, List<Sequence> data, int paddingId,
      FineTuneConfig config, Listener listener) {
    if (data.isEmpty()) throw new IllegalArgumentException("no training examples");
    float[] theta = params.data();
    float[] anchor = config.l2ToInit() > 0 ? theta.clone() : null;
    float[] grads = new float[theta.length];
    AdamW adam = new AdamW(params.specs(), config.weightDecay());
    long totalSteps = totalSteps(data.size(), config);
    Schedule schedule = config.schedule(totalSteps);
    SplittableRandom random = new SplittableRandom(config.seed());
    int[] order = new int[data.size()];
    long step = 0;
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      for (int i = 0; i < order.length; i++) order[i] = i;
      shuffle(order, random);
      for (int from = 0; from < order.length; from += config.batchSize()) {
        int to = Math.min(order.length, from + config.batchSize());
        List<Sequence> chunk = new ArrayList<>(to - from);
        for (int k = from; k < to; k++) chunk.add(data.get(order[k]));
        Batch batch = Batch.of(chunk, paddingId);
        Arrays.fill(grads, 0f);
        double loss = model.forwardBackward(
            batch.tokens(), batch.targets(), batch.batch(), batch.seqLen(), grads);
        if (anchor != null) {
          // Gradient of lambda/2 * ||theta - anchor||^2, part of the objective, so it is
          // clipped and Adam-normalised with the task gradient.
          float lambda = (float) config.l2ToInit();
          for (int i = 0; i < theta.length; i++) grads[i] += lambda * (theta[i] - anchor[i]);
        }
        double norm = GradientClipping.clip(grads, config.clip());
        double lr = schedule.lr(step);
        adam.update(theta, grads, lr);
        step++;
        listener.step(new Step(step, totalSteps, epoch, loss, lr, norm, batch.targetCount()));
      }
    }
  }

  /** Fisher-Yates with the run's generator: the order depends only on the seed. */
  private static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
