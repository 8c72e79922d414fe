package overtrain.tasks.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Token-level loss over scored continuations: language-modelling text, instruction responses.
 *
 * @param tokens tokens scored
 * @param loss mean negative log-likelihood per token (nats)
 * @param perplexity exp(loss)
 */
public record LossMetrics(long tokens, double loss, double perplexity)
    implements TaskMetrics {

  @Override
  public double selectionLoss() {
    return loss;
  }

  @Override
  public String summary() {
    return String.format(Locale.ROOT, "loss %.4f, perplexity %.3f over %d tokens", loss, perplexity, tokens);
  }

  public static LossMetrics of(List<Score> scores) {
    long tokens = 0;
    double negLog = 0;
    for (Score s : scores) {
      tokens += s.tokens();
      negLog -= s.logProb();
    }
    if (tokens == 0) throw new IllegalArgumentException("no tokens to score");
    double loss = negLog / tokens;
    return new LossMetrics(tokens, loss, Math.exp(loss));
  }
}
