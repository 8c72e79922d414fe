package overtrain.tasks.encoding;

import java.util.Arrays;
import java.util.List;
import overtrain.tasks.Candidate;
import overtrain.tokenizer.Tokenizer;

/**
 * Turns a (context, continuation) candidate into a scored {@link Sequence} the way
 * lm-evaluation-harness tokenises loglikelihood requests, so that fine-tuning and evaluation
 * see the same tokens: whitespace at the end of the context moves to the start of the
 * continuation; the context and the whole are encoded and the continuation is what the whole
 * holds beyond the context's tokens (BPE merges across the seam stay as a tokenizer makes them
 * for running text). An empty context becomes the end-of-text token.
 */
public final class CandidateEncoder {
  private final Tokenizer tokenizer;
  private final int maxContext;

  public CandidateEncoder(Tokenizer tokenizer, int maxContext) {
    this.tokenizer = tokenizer;
    this.maxContext = maxContext;
  }

  public int maxContext() {
    return maxContext;
  }

  public int paddingId() {
    return tokenizer.padding();
  }

  /**
   * The sequences of one candidate: one, or rolling windows when the continuation alone
   * outgrows the context (see {@link Sequence#windows}); an error when the continuation has no
   * tokens.
   */
  public List<Sequence> encode(Candidate candidate) {
    String context = candidate.context();
    int end = context.length();
    while (end > 0 && Character.isWhitespace(context.charAt(end - 1))) end--;
    String continuation = context.substring(end) + candidate.continuation();
    context = context.substring(0, end);
    int[] contextTokens;
    int[] continuationTokens;
    if (context.isEmpty()) {
      contextTokens = new int[] {tokenizer.endOfText()};
      continuationTokens = tokenizer.encode(continuation);
    } else {
      int[] whole = tokenizer.encode(context + continuation);
      contextTokens = tokenizer.encode(context);
      int n = Math.min(contextTokens.length, whole.length);
      continuationTokens = Arrays.copyOfRange(whole, n, whole.length);
    }
    if (continuationTokens.length == 0) {
      throw new IllegalArgumentException(
          "continuation '" + candidate.continuation() + "' encodes to no tokens");
    }
    return Sequence.windows(contextTokens, continuationTokens, maxContext);
  }
}
