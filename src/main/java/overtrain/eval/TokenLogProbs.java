package overtrain.eval;

/**
 * A forward-only language model as evaluation sees it: the log-probability of each target
 * token. {@code OlmoModel::targetLogProbs} is one; tests pass hand-made ones whose answers are
 * known.
 */
@FunctionalInterface
public interface TokenLogProbs {
  /**
   * Writes log p(targets[i] | tokens up to i) into {@code out[i]}, 0 where {@code targets[i] < 0}.
   *
   * @param tokens [batch, seqLen] input ids
   * @param targets [batch, seqLen] next-token ids, -1 to skip
   * @param out [batch, seqLen]
   */
  void targetLogProbs(int[] tokens, int[] targets, int batch, int seqLen, float[] out);
}
