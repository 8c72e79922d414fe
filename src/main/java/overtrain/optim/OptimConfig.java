package overtrain.optim;

/**
 * The optimizer section ({@code optim:}): AdamW's settings other than the learning rate, which
 * the schedule shapes from the peak each command is given.
 *
 * @param weightDecay AdamW's decoupled weight decay (not on embeddings)
 * @param clip global gradient-norm limit; 0 turns clipping off
 */
public record OptimConfig(double weightDecay, double clip) {
  public OptimConfig {
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
    if (!(clip >= 0)) throw new IllegalArgumentException("clip must be a norm >= 0 (0 turns clipping off), got " + clip);
  }
}
