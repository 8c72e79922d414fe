package overtrain.tasks.metrics;

/**
 * The metrics of one task type. A sweep picks the run whose validation metrics have the
 * lowest {@link #selectionLoss()}.
 */
public sealed interface TaskMetrics
    permits ClassificationMetrics, MultipleChoiceMetrics, LossMetrics {

  /**
   * Lower is better: class perplexity for classification (the paper's in-distribution
   * measure), token loss for language modelling and instructions, minus acc_norm for multiple
   * choice.
   */
  double selectionLoss();

  /** One line for people, e.g. {@code accuracy 0.912, class perplexity 1.31}. */
  String summary();
}
