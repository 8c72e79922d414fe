package overtrain.tasks.metrics;

/**
 * The log-likelihood a model gives one sequence's continuation.
 *
 * @param logProb sum of the continuation tokens' log-probabilities (nats)
 * @param tokens continuation tokens scored
 */
public record Score(double logProb, int tokens) {

  /** Length-normalised log-likelihood: mean log-probability per continuation token. */
  public double meanLogProb() {
    return logProb / tokens;
  }
}
