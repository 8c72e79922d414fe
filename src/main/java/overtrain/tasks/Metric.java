package overtrain.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;
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

  /**
   * For a metric that scores every candidate: per example, one value per candidate taken from
   * its score, the scores being those of all candidates in order.
   */
  public static List<double[]> perCandidate(List<Example> examples, List<Score> scores, ToDoubleFunction<Score> value) {
    List<double[]> out = new ArrayList<>(examples.size());
    int k = 0;
    for (Example example : examples) {
      double[] v = new double[example.candidates().size()];
      for (int c = 0; c < v.length; c++) v[c] = value.applyAsDouble(scores.get(k++));
      out.add(v);
    }
    return out;
  }

  /** Each example's gold candidate. */
  public static int[] gold(List<Example> examples) {
    return examples.stream().mapToInt(Example::gold).toArray();
  }
}
