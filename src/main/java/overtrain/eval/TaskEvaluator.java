package overtrain.eval;

import java.util.ArrayList;
import java.util.List;
import overtrain.tasks.Candidate;
import overtrain.tasks.Example;
import overtrain.tasks.TaskType;

/**
 * Scores a task split with a model, by the task's type: classification by length-normalised
 * label likelihood, multiple choice by acc and acc_norm, language modelling and instructions
 * by the loss on what is to be produced. Every type goes through one {@link SequenceScorer}.
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

  public TaskEvaluation evaluate(TaskType type, List<Example> examples, Listener listener) {
    if (examples.isEmpty()) throw new IllegalArgumentException("no examples to evaluate");
    List<Sequence> sequences = new ArrayList<>();
    // Candidate k's sequences are sequences[bounds[k] .. bounds[k + 1]).
    List<Integer> bounds = new ArrayList<>(List.of(0));
    int truncated = 0;
    for (int e = 0; e < examples.size(); e++) {
      Example example = examples.get(e);
      List<Candidate> scored =
          scoresEveryCandidate(type) ? example.candidates() : List.of(example.target());
      for (Candidate c : scored) {
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
    TaskMetrics metrics = switch (type) {
      case CLASSIFICATION -> classification(examples, scores);
      case MULTIPLE_CHOICE -> multipleChoice(examples, scores);
      case LM, INSTRUCTION -> LossMetrics.of(scores);
    };
    return new TaskEvaluation(
        type, examples.size(), scores.size(), sequences.size(), truncated, metrics);
  }

  private static boolean scoresEveryCandidate(TaskType type) {
    return type == TaskType.CLASSIFICATION || type == TaskType.MULTIPLE_CHOICE;
  }

  private static ClassificationMetrics classification(List<Example> examples, List<Score> scores) {
    List<double[]> perClass = new ArrayList<>();
    int[] gold = new int[examples.size()];
    int k = 0;
    for (int e = 0; e < examples.size(); e++) {
      Example example = examples.get(e);
      double[] s = new double[example.candidates().size()];
      for (int c = 0; c < s.length; c++) s[c] = scores.get(k++).meanLogProb();
      perClass.add(s);
      gold[e] = example.gold();
    }
    return ClassificationMetrics.of(perClass, gold);
  }

  private static MultipleChoiceMetrics multipleChoice(List<Example> examples, List<Score> scores) {
    List<double[]> logLikelihoods = new ArrayList<>();
    List<int[]> characters = new ArrayList<>();
    int[] gold = new int[examples.size()];
    int k = 0;
    for (int e = 0; e < examples.size(); e++) {
      List<Candidate> choices = examples.get(e).candidates();
      double[] ll = new double[choices.size()];
      int[] chars = new int[choices.size()];
      for (int c = 0; c < ll.length; c++) {
        ll[c] = scores.get(k++).logProb();
        chars[c] = MultipleChoiceMetrics.characters(choices.get(c).continuation());
      }
      logLikelihoods.add(ll);
      characters.add(chars);
      gold[e] = examples.get(e).gold();
    }
    return MultipleChoiceMetrics.of(logLikelihoods, characters, gold);
  }
}
