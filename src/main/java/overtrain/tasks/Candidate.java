package overtrain.tasks;

/**
 * One thing the model may be asked to produce: the text it is given and the text it should
 * continue with. Fine-tuning takes its loss on the continuation only; evaluation compares the
 * continuations' likelihoods. Tokenisation happens later, in the consumer.
 */
public record Candidate(String context, String continuation) {
  public Candidate {
    if (context == null || continuation == null)
      throw new IllegalArgumentException("context and continuation must not be null");
  }
}
