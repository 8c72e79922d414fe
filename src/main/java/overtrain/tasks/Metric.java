package overtrain.tasks;

import java.util.List;
import java.util.function.BiFunction;
import overtrain.tasks.metrics.Score;
import overtrain.tasks.metrics.TaskMetrics;

/**
 * How a task type is scored: which candidates of an example the model scores, and how their
 * log-likelihoods become the type's metrics.
 *
 * @param type the type's name, recorded with its metrics
 * @param everyCandidate true to score every candidate (classes, choices), false for the gold
 *     one only (a text, a response)
 * @param rule the metrics from the examples and, in order, the scores of their scored
 *     candidates
 */
public record Metric(String type, boolean everyCandidate,
    BiFunction<List<Example>, List<Score>, TaskMetrics> rule) {

  /** The candidates of {@code example} that are scored. */
  public List<Candidate> scored(Example example) {
    return everyCandidate ? example.candidates() : List.of(example.target());
  }

  /** The metrics of {@code examples} from their scored candidates' scores, in order. */
  public TaskMetrics of(List<Example> examples, List<Score> scores) {
    return rule.apply(examples, scores);
  }
}
