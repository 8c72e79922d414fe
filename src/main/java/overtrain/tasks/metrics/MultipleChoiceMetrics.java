package overtrain.tasks.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Multiple choice as lm-evaluation-harness scores it. {@code acc}: the choice with the highest
 * summed log-likelihood. {@code acc_norm}: the highest summed log-likelihood divided by the
 * choice's length in characters (the harness's {@code len(choice)}, taken on the choice text
 * without the separating space), which does not depend on the tokenizer.
 *
 * @param examples questions scored
 * @param acc fraction right by raw log-likelihood
 * @param accNorm fraction right by log-likelihood per character
 */
public record MultipleChoiceMetrics(int examples, double acc, double accNorm)
    implements TaskMetrics {

  @Override
  public double selectionLoss() {
    return -accNorm;
  }

  @Override
  public String summary() {
    return String.format(Locale.ROOT, "acc %.4f, acc_norm %.4f", acc, accNorm);
  }

  /**
   * @param logLikelihoods per question, the summed log-likelihood of each choice
   * @param characters per question, each choice's length in characters
   * @param gold per question, the index of the right choice
   */
  public static MultipleChoiceMetrics of(
      List<double[]> logLikelihoods, List<int[]> characters, int[] gold) {
    if (logLikelihoods.size() != gold.length || characters.size() != gold.length) {
      throw new IllegalArgumentException(
          "scored " + logLikelihoods.size() + " questions, " + characters.size()
              + " length lists, " + gold.length + " gold answers");
    }
    if (gold.length == 0) throw new IllegalArgumentException("no questions to score");
    int right = 0, rightNorm = 0;
    for (int q = 0; q < gold.length; q++) {
      double[] ll = logLikelihoods.get(q);
      int[] chars = characters.get(q);
      if (chars.length != ll.length) {
        throw new IllegalArgumentException(
            "question " + q + ": " + ll.length + " scores but " + chars.length + " lengths");
      }
      double[] perChar = new double[ll.length];
      for (int c = 0; c < ll.length; c++) {
        if (chars[c] <= 0) {
          throw new IllegalArgumentException("question " + q + ", choice " + c + " is empty");
        }
        perChar[c] = ll[c] / chars[c];
      }
      if (ClassificationMetrics.argmax(ll) == gold[q]) right++;
      if (ClassificationMetrics.argmax(perChar) == gold[q]) rightNorm++;
    }
    return new MultipleChoiceMetrics(
        gold.length, (double) right / gold.length, (double) rightNorm / gold.length);
  }

  /**
   * The length acc_norm divides by: characters (code points) of the continuation without the
   * whitespace that separates it from the question.
   */
  public static int characters(String continuation) {
    String choice = continuation.stripLeading();
    return choice.codePointCount(0, choice.length());
  }
}
