package overtrain.finetune;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A learning-rate sweep: one fine-tuning run per rate, each from the same checkpoint, the best
 * chosen on the validation split, the test split reported for that one only.
 *
 * @param lrs the peak learning rates to try
 * @param run every other setting of a run (its {@code lr} is replaced by each of {@code lrs},
 *     so the result file leaves it out)
 * @param evalBatchSize sequences per forward pass when scoring
 * @param maxTrainExamples use at most this many training examples (the first ones); 0 for all
 * @param maxEvalExamples score at most this many validation and test examples; 0 for all
 * @param heldoutTokens predictions scored on the held-out token file per measurement
 */
public record SweepConfig(
    List<Double> lrs,
    @JsonIgnoreProperties("lr") FineTuneConfig run,
    int evalBatchSize,
    int maxTrainExamples,
    int maxEvalExamples,
    long heldoutTokens) {

  public SweepConfig {
    lrs = List.copyOf(lrs);
    if (lrs.isEmpty()) throw new IllegalArgumentException("give at least one learning rate");
    for (double lr : lrs) {
      if (!(lr > 0)) throw new IllegalArgumentException("learning rates must be positive, got " + lr);
    }
    if (evalBatchSize < 1) throw new IllegalArgumentException("eval batch size must be >= 1");
    if (maxTrainExamples < 0 || maxEvalExamples < 0) {
      throw new IllegalArgumentException("example limits must be >= 0 (0 means all)");
    }
    if (heldoutTokens < 1) throw new IllegalArgumentException("held-out tokens must be >= 1");
  }
}
