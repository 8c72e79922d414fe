package overtrain.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
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

  /** How many sequences {@link #evaluate} scores for these examples (for a progress bar). */
  public static int sequenceCount(TaskType type, List<Example> examples) {
    if (!scoresEveryCandidate(type)) return examples.size();
    int n = 0;
    for (Example e : examples) n += e.candidates().size();
    return n;
  }

  public TaskEvaluation evaluate(TaskType type, List<Example> examples, IntConsumer progress) {
    if (examples.isEmpty()) throw new IllegalArgumentException("no examples to evaluate");
    List<Sequence> sequences = new ArrayList<>();
    for (int e = 0; e < examples.size(); e++) {
      Example example = examples.get(e);
      List<Candidate> scored =
          scoresEveryCandidate(type) ? example.candidates() : List.of(example.target());
      for (Candidate c : scored) {
        try {
          sequences.add(encoder.encode(c));
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException("example " + e + ": " + ex.getMessage(), ex);
        }
      }
    }
    int truncated = 0;
    for (Sequence s : sequences) if (s.truncated() > 0) truncated++;
    List<Score> scores = scorer.score(sequences, progress);
    TaskMetrics metrics = switch (type) {
      case CLASSIFICATION -> classification(examples, scores);
      case MULTIPLE_CHOICE -> multipleChoice(examples, scores);
      case LM, INSTRUCTION -> LossMetrics.of(scores);
    };
    return new TaskEvaluation(type, examples.size(), sequences.size(), truncated, metrics);
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
