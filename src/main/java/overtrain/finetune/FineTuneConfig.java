package overtrain.finetune;

import java.util.List;
import overtrain.optim.Schedule;

/**
 * How one fine-tuning run trains: full-parameter AdamW from a checkpoint, each tensor's rate
 * scaled by the checkpoint's muP {@code lrScale}.
 *
 * @param lr peak learning rate
 * @param epochs passes over the training split
 * @param batchSize examples per optimiser step
 * @param warmup fraction of the steps spent ramping the rate up linearly
 * @param schedule {@code cosine} or {@code linear} (to zero at the last step), or
 *     {@code constant}
 * @param weightDecay AdamW's decoupled decay (not on embeddings)
 * @param l2ToInit lambda of the penalty lambda/2 * ||theta - theta_pretrained||^2, the pull
 *     toward the pre-trained weights that the paper's theory discusses; 0 for none
 * @param clip global gradient-norm limit; 0 for none
 * @param seed shuffling seed: the same seed gives the same bits
 */
public record FineTuneConfig(
    double lr,
    int epochs,
    int batchSize,
    double warmup,
    String schedule,
    double weightDecay,
    double l2ToInit,
    double clip,
    long seed) {

  /** The schedules a fine-tuning run may take. */
  public static final List<String> SCHEDULES = List.of("cosine", "linear", "constant");

  public FineTuneConfig {
    if (!(lr > 0)) throw new IllegalArgumentException("lr must be positive, got " + lr);
    if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    if (!(warmup >= 0 && warmup < 1)) {
      throw new IllegalArgumentException("warmup is a fraction of the steps in [0, 1), got " + warmup);
    }
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0");
    if (!(l2ToInit >= 0)) throw new IllegalArgumentException("l2-to-init must be >= 0");
    if (!(clip >= 0)) throw new IllegalArgumentException("clip must be >= 0");
    if (!SCHEDULES.contains(schedule)) {
      throw new IllegalArgumentException(
          "schedule '" + schedule + "' is unknown; expected one of " + SCHEDULES);
    }
  }

  /** The same run at another learning rate (one cell of a sweep). */
  public FineTuneConfig withLr(double newLr) {
    return new FineTuneConfig(
        newLr, epochs, batchSize, warmup, schedule, weightDecay, l2ToInit, clip, seed);
  }

  /** The learning-rate schedule over {@code totalSteps}; linear decay is WSD decaying throughout. */
  public Schedule schedule(long totalSteps) {
    long warmupSteps = Math.min(totalSteps - 1, Math.round(warmup * totalSteps));
    return switch (schedule) {
      case "cosine" -> new Schedule.Cosine(lr, warmupSteps, totalSteps);
      case "linear" -> new Schedule.WarmupStableDecay(lr, warmupSteps, totalSteps, 1.0);
      case "constant" -> new Schedule.Constant(lr, warmupSteps, totalSteps);
      default -> throw new IllegalStateException("unchecked schedule " + schedule);
    };
  }
}
