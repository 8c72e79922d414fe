package overtrain.finetune;

import overtrain.optim.OptimConfig;
import overtrain.optim.ScheduleConfig;

/**
 * How one fine-tuning run trains: full-parameter AdamW from a checkpoint, each tensor's rate
 * scaled by the checkpoint's muP {@code lrScale}. A sweep ({@link SweepConfig}) makes one of
 * these per learning rate.
 *
 * @param lr peak learning rate
 * @param epochs passes over the training split
 * @param batch examples per optimiser step
 * @param schedule the learning-rate schedule (the same section as pre-training's)
 * @param optim weight decay and clipping
 * @param l2ToInit lambda of the penalty lambda/2 * ||theta - theta_pretrained||^2, the pull
 *     toward the pre-trained weights that the paper's theory discusses; 0 for none
 * @param seed shuffling seed: the same seed gives the same bits
 */
public record FineTuneConfig(
    double lr,
    int epochs,
    int batch,
    ScheduleConfig schedule,
    OptimConfig optim,
    double l2ToInit,
    long seed) {

  public FineTuneConfig {
    if (!(lr > 0)) throw new IllegalArgumentException("lr must be positive, got " + lr);
    if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    if (!(l2ToInit >= 0)) throw new IllegalArgumentException("l2_to_init must be >= 0, got " + l2ToInit);
    if (schedule == null || optim == null) throw new IllegalArgumentException("schedule and optim are required");
  }
}
