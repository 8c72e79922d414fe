package overtrain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import overtrain.tasks.Candidate;
import overtrain.tasks.Classification;
import overtrain.tasks.Example;
import overtrain.tasks.LanguageModelling;
import overtrain.tasks.Metric;
import overtrain.tasks.MultipleChoice;
import overtrain.tasks.encoding.CandidateEncoder;
import overtrain.tasks.metrics.ClassificationMetrics;
import overtrain.tasks.metrics.LossMetrics;
import overtrain.tasks.metrics.MultipleChoiceMetrics;
import overtrain.tokenizer.BpeTrainer;
import overtrain.tokenizer.Tokenizer;

/**
 * The evaluator's grouping of candidates into examples, checked with a byte-level tokenizer
 * (no merges: one token per byte) and a model that gives every target log-probability -1, so
 * that a continuation's log-likelihood is minus its length in bytes.
 */
class TaskEvaluatorTest {
  private static final TokenLogProbs MINUS_ONE = (tokens, targets, batch, seqLen, out) -> {
    for (int i = 0; i < out.length; i++) out[i] = targets[i] < 0 ? 0f : -1f;
  };
  private static Tokenizer bytes;

  @BeforeAll
  static void tokenizer() {
    int vocab = 256 + Tokenizer.REQUIRED_SPECIALS.size();
    bytes = BpeTrainer.train(List.of("anything"), vocab, List.of());
  }

  private static TaskEvaluation evaluate(Metric type, List<Example> examples, int maxContext) {
    return new TaskEvaluator(MINUS_ONE, new CandidateEncoder(bytes, maxContext), 3)
        .evaluate(type, examples, TaskEvaluator.Listener.NONE);
  }

  @Test
  void multipleChoiceSumsForAccAndDividesByCharactersForAccNorm() {
    // " ab": 3 tokens, 2 characters, -3 (-1.5 per character); " abcdef": 7 tokens, 6
    // characters, -7 (-1.17 per character). acc takes the first, acc_norm the second.
    Example q = new Example(
        List.of(new Candidate("Q: which?", " ab"), new Candidate("Q: which?", " abcdef")), 1);
    TaskEvaluation e = evaluate(MultipleChoice.METRIC, List.of(q, q), 64);
    assertEquals(new MultipleChoiceMetrics(2, 0.0, 1.0), e.metrics());
    assertEquals(4, e.candidates());
  }

  @Test
  void languageModellingCountsEveryTokenOnceAcrossWindows() {
    String text = "0123456789".repeat(4);
    Example example = new Example(List.of(new Candidate("", text)), 0);
    TaskEvaluation e = evaluate(LanguageModelling.METRIC, List.of(example), 16);
    assertEquals(new LossMetrics(40, 1.0, Math.E), e.metrics());
    assertEquals(1, e.candidates());
    assertEquals(3, e.sequences());
    assertEquals(0, e.truncated());
  }

  @Test
  void classesOfEqualPerTokenLikelihoodAreUniformWhateverTheirLengths() {
    Example x = new Example(List.of(new Candidate("Text: hi\nLabel:", " a"),
        new Candidate("Text: hi\nLabel:", " bbbb"), new Candidate("Text: hi\nLabel:", " cc")), 2);
    TaskEvaluation e = evaluate(Classification.METRIC, List.of(x), 8);
    assertEquals(3.0, ((ClassificationMetrics) e.metrics()).classPerplexity(), 1e-12);
    assertEquals(3, e.truncated(), "15 context bytes do not fit beside the label in 8");
  }
}
