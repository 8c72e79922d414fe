package overtrain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import overtrain.tasks.encoding.Sequence;
import overtrain.tasks.metrics.ClassificationMetrics;
import overtrain.tasks.metrics.LossMetrics;
import overtrain.tasks.metrics.MultipleChoiceMetrics;
import overtrain.tasks.metrics.Score;

class MetricsTest {

  /** A model that gives every token of a vocabulary of this size the same probability. */
  private static TokenLogProbs uniform(int vocab) {
    return (tokens, targets, batch, seqLen, out) -> {
      for (int i = 0; i < out.length; i++) out[i] = targets[i] < 0 ? 0f : (float) -Math.log(vocab);
    };
  }

  @Test
  void classPerplexityOfAUniformModelIsTheNumberOfClasses() {
    // Label words of different token lengths: length normalisation makes them tie.
    int[][] labels = {{5}, {6, 7}, {8, 9, 10}};
    List<Sequence> sequences = new ArrayList<>();
    int examples = 4;
    for (int e = 0; e < examples; e++) {
      for (int[] label : labels) sequences.add(Sequence.of(new int[] {1, 2 + e}, label, 32));
    }
    List<Score> scores = new SequenceScorer(uniform(50), 0, 5).score(sequences);
    List<double[]> byExample = new ArrayList<>();
    for (int e = 0; e < examples; e++) {
      double[] s = new double[labels.length];
      for (int c = 0; c < labels.length; c++) s[c] = scores.get(e * labels.length + c).meanLogProb();
      byExample.add(s);
    }
    ClassificationMetrics m = ClassificationMetrics.of(byExample, new int[] {0, 1, 2, 1});
    assertEquals(3.0, m.classPerplexity(), 1e-6);
  }

  @Test
  void classificationMatchesTheSoftmaxByHand() {
    double[] s1 = {-1.0, -2.0};
    double[] s2 = {-0.5, -0.2};
    ClassificationMetrics m = ClassificationMetrics.of(List.of(s1, s2), new int[] {0, 0});
    double p1 = Math.exp(-1.0) / (Math.exp(-1.0) + Math.exp(-2.0));
    double p2 = Math.exp(-0.5) / (Math.exp(-0.5) + Math.exp(-0.2));
    assertEquals(0.5, m.accuracy());
    assertEquals(Math.exp(-(Math.log(p1) + Math.log(p2)) / 2), m.classPerplexity(), 1e-12);
  }

  @Test
  void accAndAccNormDisagreeWhenALongChoiceHasMoreTotalButLessPerCharacterLikelihood() {
    // Choice 0 " no" (2 characters) at -3 nats; choice 1 " absolutely" (10) at -10 nats.
    // acc takes the larger sum (choice 0); acc_norm the larger per character: -1.5 vs -1.0.
    List<double[]> ll = List.of(new double[] {-3.0, -10.0});
    List<int[]> chars =
        List.of(new int[] {MultipleChoiceMetrics.characters(" no"),
            MultipleChoiceMetrics.characters(" absolutely")});
    assertEquals(2, chars.get(0)[0]);
    assertEquals(10, chars.get(0)[1]);
    MultipleChoiceMetrics gold1 = MultipleChoiceMetrics.of(ll, chars, new int[] {1});
    assertEquals(0.0, gold1.acc());
    assertEquals(1.0, gold1.accNorm());
    MultipleChoiceMetrics gold0 = MultipleChoiceMetrics.of(ll, chars, new int[] {0});
    assertEquals(1.0, gold0.acc());
    assertEquals(0.0, gold0.accNorm());
  }

  @Test
  void scoresSumOnlyContinuationPositionsAndComeBackInOrder() {
    // log p(target) = -target, so a sequence's score is minus the sum of its continuation.
    TokenLogProbs byId = (tokens, targets, batch, seqLen, out) -> {
      for (int i = 0; i < out.length; i++) out[i] = targets[i] < 0 ? 0f : -targets[i];
    };
    List<Sequence> seqs = List.of(
        Sequence.of(new int[] {9}, new int[] {1}, 8),
        Sequence.of(new int[] {9, 9, 9}, new int[] {2, 3}, 8),
        Sequence.of(new int[] {9, 9}, new int[] {4, 5, 6}, 8));
    List<Score> scores = new SequenceScorer(byId, 0, 2).score(seqs);
    assertEquals(new Score(-1, 1), scores.get(0));
    assertEquals(new Score(-5, 2), scores.get(1));
    assertEquals(new Score(-15, 3), scores.get(2));
    LossMetrics loss = LossMetrics.of(scores);
    assertEquals(6, loss.tokens());
    assertEquals(21.0 / 6, loss.loss(), 1e-12);
  }
}
