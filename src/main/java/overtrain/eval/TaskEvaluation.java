package overtrain.eval;

import overtrain.tasks.metrics.TaskMetrics;

/**
 * A task split's metrics and how its sequences fitted the context.
 *
 * @param type the task type's name ({@code classification}, ...), whose metric was taken
 * @param examples examples scored
 * @param candidates candidates scored (classes, choices, texts)
 * @param sequences sequences scored: one per candidate, more where a long continuation is
 *     scored in rolling windows
 * @param truncated candidates whose input lost tokens on the left to fit the model's context
 * @param metrics the type's metrics
 */
public record TaskEvaluation(
    String type, int examples, int candidates, int sequences, int truncated,
    TaskMetrics metrics) {}
