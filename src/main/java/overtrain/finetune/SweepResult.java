package overtrain.finetune;

import java.util.List;
import overtrain.eval.TaskEvaluation;
import overtrain.tasks.TaskType;
import overtrain.tasks.metrics.LossMetrics;

/**
 * What {@code result.json} holds: the task metrics and the held-out pre-training loss before
 * fine-tuning and after it (for the learning rate the validation split chose), every run of
 * the sweep, and the configuration exactly as used.
 *
 * @param task the task's name
 * @param type the task's type
 * @param model the checkpoint fine-tuned
 * @param tokenizer the tokenizer (file or name)
 * @param heldoutFile the held-out pre-training token file; null when none was given
 * @param config the sweep as run
 * @param trainExamples training examples used
 * @param trainTruncated training sequences that lost tokens on the left to fit the context
 * @param before the checkpoint's own scores
 * @param runs one entry per learning rate, in the order given
 * @param bestLr the learning rate with the lowest validation selection loss
 * @param after the chosen run's scores; only it is scored on the test split
 */
public record SweepResult(
    String task,
    TaskType type,
    String model,
    String tokenizer,
    String heldoutFile,
    SweepConfig config,
    int trainExamples,
    int trainTruncated,
    Scores before,
    List<Run> runs,
    double bestLr,
    Scores after) {

  /**
   * One model's scores.
   *
   * @param validation the validation split
   * @param test the test split
   * @param heldout loss on the held-out pre-training tokens (the forgetting measure); null when
   *     no token file was given
   */
  public record Scores(TaskEvaluation validation, TaskEvaluation test, LossMetrics heldout) {}

  /**
   * One learning rate's run.
   *
   * @param lr the peak learning rate
   * @param steps optimiser steps taken
   * @param finalTrainLoss the mean training loss over the last epoch
   * @param validation the validation split after fine-tuning
   * @param test the test split after fine-tuning, when every rate is scored on it (a
   *     fixed-rate study needs them all); null otherwise
   * @param heldout held-out pre-training loss after fine-tuning; null without a token file
   */
  public record Run(double lr, long steps, double finalTrainLoss, TaskEvaluation validation,
      TaskEvaluation test, LossMetrics heldout) {}
}
