package overtrain.eval;

import java.util.ArrayList;
import java.util.List;
import overtrain.tasks.Candidate;
import overtrain.tasks.Example;
import overtrain.tasks.Metric;
import overtrain.tasks.TaskType;
import overtrain.tasks.encoding.CandidateEncoder;
import overtrain.tasks.encoding.Sequence;
import overtrain.tasks.metrics.Score;

/**
 * Scores a task split with a model, by its type's {@link Metric}: the candidates it names are
 * encoded and scored through one {@link SequenceScorer}, and the metric turns their
 * log-likelihoods into the type's metrics.
 */
public final class TaskEvaluator {
  private final CandidateEncoder encoder;
  private final SequenceScorer scorer;

  public TaskEvaluator(TokenLogProbs model, CandidateEncoder encoder, int batchSize) {
    this.encoder = encoder;
    this.scorer = new SequenceScorer(model, encoder.paddingId(), batchSize);
  }

  /** Hears how much scoring there is to do, then how much is done (for a progress bar). */
  public interface Listener {
    /** Scoring of {@code sequences} sequences begins (after tokenisation). */
    void begin(int sequences);

    /** {@code sequences} more are scored. */
    void scored(int sequences);

    /** A listener that hears nothing. */
    Listener NONE = new Listener() {
      @Override
      public void begin(int sequences) {}

      @Override
      public void scored(int sequences) {}
    };
  }

  /** Scores {@code examples} of a task of {@code type}, by its metric. */
  public TaskEvaluation evaluate(TaskType type, List<Example> examples, Listener listener) {
    return evaluate(type.metric(), examples, listener);
  }

  /** Scores the candidates {@code metric} names and measures them by it. */
  public TaskEvaluation evaluate(Metric metric, List<Example> examples, Listener listener) {
    if (examples.isEmpty()) throw new IllegalArgumentException("no examples to evaluate");
    List<Sequence> sequences = new ArrayList<>();
    // Candidate k's sequences are sequences[bounds[k] .. bounds[k + 1]).
    List<Integer> bounds = new ArrayList<>(List.of(0));
    int truncated = 0;
    for (int e = 0; e < examples.size(); e++) {
      for (Candidate c : metric.scored(examples.get(e))) {
        List<Sequence> windows;
        try {
          windows = encoder.encode(c);
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException("example " + (e + 1) + ": " + ex.getMessage(), ex);
        }
        if (windows.get(0).truncated() > 0) truncated++;
        sequences.addAll(windows);
        bounds.add(sequences.size());
      }
    }
    listener.begin(sequences.size());
    List<Score> windowScores = scorer.score(sequences, listener::scored);
    List<Score> scores = new ArrayList<>(bounds.size() - 1);
    for (int k = 0; k + 1 < bounds.size(); k++) {
      double logProb = 0;
      int tokens = 0;
      for (int i = bounds.get(k); i < bounds.get(k + 1); i++) {
        logProb += windowScores.get(i).logProb();
        tokens += windowScores.get(i).tokens();
      }
      scores.add(new Score(logProb, tokens));
    }
    return new TaskEvaluation(metric.type(), examples.size(), scores.size(), sequences.size(), truncated,
        metric.of(examples, scores));
  }
}
