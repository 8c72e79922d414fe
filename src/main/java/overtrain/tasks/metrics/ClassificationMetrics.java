package overtrain.tasks.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Classification scored as the paper does: each class's score is the length-normalised
 * log-likelihood of its label words given the input (mean log-probability per label token);
 * a softmax over the classes turns scores into a distribution.
 *
 * @param examples examples scored
 * @param accuracy fraction whose highest-scoring class is the gold one (ties: the first)
 * @param classPerplexity exp of the mean over examples of -log p_norm(gold): the number of
 *     classes for a model that cannot tell them apart, 1 for a certain and right one
 */
public record ClassificationMetrics(int examples, double accuracy, double classPerplexity)
    implements TaskMetrics {

  @Override
  public double selectionLoss() {
    return classPerplexity;
  }

  @Override
  public String summary() {
    return String.format(Locale.ROOT, "accuracy %.4f, class perplexity %.4f", accuracy, classPerplexity);
  }

  /**
   * @param classScores per example, the length-normalised log-likelihood of each class
   * @param gold per example, the index of the right class
   */
  public static ClassificationMetrics of(List<double[]> classScores, int[] gold) {
    if (classScores.size() != gold.length) {
      throw new IllegalArgumentException(
          classScores.size() + " examples scored but " + gold.length + " gold labels");
    }
    if (gold.length == 0) throw new IllegalArgumentException("no examples to score");
    int right = 0;
    double negLogGold = 0;
    for (int e = 0; e < gold.length; e++) {
      double[] s = classScores.get(e);
      if (gold[e] < 0 || gold[e] >= s.length) {
        throw new IllegalArgumentException(
            "example " + e + ": gold class " + gold[e] + " outside [0, " + s.length + ")");
      }
      if (argmax(s) == gold[e]) right++;
      negLogGold += logSumExp(s) - s[gold[e]];
    }
    return new ClassificationMetrics(
        gold.length, (double) right / gold.length, Math.exp(negLogGold / gold.length));
  }

  /** Index of the largest value, the first among equals (numpy's argmax). */
  static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
    return best;
  }

  static double logSumExp(double[] v) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) max = Math.max(max, x);
    double sum = 0;
    for (double x : v) sum += Math.exp(x - max);
    return max + Math.log(sum);
  }
}
