package overtrain.tasks.encoding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One scored sequence: the tokens a model reads and, from {@code firstTarget} on, the tokens
 * whose log-probabilities count (the continuation: a class's label words, a response, an
 * {@code lm} text). Position t of the model's input predicts {@code tokens[t + 1]}.
 *
 * <p>Sequences longer than the model's context lose tokens from the left (the input, never the
 * continuation when it fits), as lm-evaluation-harness does; {@code truncated} counts the
 * tokens before the window, which for a window of a long continuation (see
 * {@link #windows}) includes continuation tokens that earlier windows score.
 *
 * @param tokens context then continuation, at most {@code maxContext + 1} tokens
 * @param firstTarget index in {@code tokens} of the first scored token (at least 1)
 * @param truncated tokens before this window that the model does not read
 */
public record Sequence(int[] tokens, int firstTarget, int truncated) {

  public Sequence {
    if (tokens.length < 2) {
      throw new IllegalArgumentException("a sequence needs at least 2 tokens, got " + tokens.length);
    }
    if (firstTarget < 1 || firstTarget >= tokens.length) {
      throw new IllegalArgumentException(
          "first target " + firstTarget + " outside [1, " + tokens.length + ")");
    }
  }

  /**
   * Joins a context and its continuation, keeping the last {@code maxContext + 1} tokens so that
   * the model reads at most {@code maxContext} of them.
   *
   * @param context at least one token (an empty context is the end-of-text token, so that the
   *     continuation's first token has something to be predicted from)
   * @param continuation the tokens to score, at least one
   */
  public static Sequence of(int[] context, int[] continuation, int maxContext) {
    if (context.length == 0) {
      throw new IllegalArgumentException("empty context: use the end-of-text token as context");
    }
    if (continuation.length == 0) throw new IllegalArgumentException("empty continuation");
    if (maxContext < 1) throw new IllegalArgumentException("max context must be positive");
    int total = context.length + continuation.length;
    int dropped = Math.max(0, total - (maxContext + 1));
    int[] tokens = new int[total - dropped];
    for (int i = dropped; i < total; i++) {
      tokens[i - dropped] =
          i < context.length ? context[i] : continuation[i - context.length];
    }
    // When the continuation alone overflows the window its first tokens go too: the first
    // kept token has no predecessor, so scoring starts at 1 at the earliest.
    int firstTarget = Math.max(1, context.length - dropped);
    return new Sequence(tokens, firstTarget, dropped);
  }

  /**
   * The sequences that score every continuation token: one left-truncated sequence when the
   * continuation fits the context, else rolling windows (lm-evaluation-harness's
   * {@code loglikelihood_rolling}): each window predicts the next {@code maxContext}
   * continuation tokens, or fewer at the end, reading as many tokens before them as fit.
   */
  public static List<Sequence> windows(int[] context, int[] continuation, int maxContext) {
    if (continuation.length <= maxContext) return List.of(of(context, continuation, maxContext));
    if (context.length == 0) {
      throw new IllegalArgumentException("empty context: use the end-of-text token as context");
    }
    int[] all = Arrays.copyOf(context, context.length + continuation.length);
    System.arraycopy(continuation, 0, all, context.length, continuation.length);
    List<Sequence> out = new ArrayList<>();
    for (int first = context.length; first < all.length; first += maxContext) {
      int end = Math.min(all.length, first + maxContext);
      int start = Math.max(0, end - maxContext - 1);
      out.add(new Sequence(Arrays.copyOfRange(all, start, end), first - start, start));
    }
    return out;
  }

  /** Positions the model reads: every token but the last. */
  public int inputLength() {
    return tokens.length - 1;
  }

  /** Tokens whose log-probabilities count. */
  public int targetCount() {
    return tokens.length - firstTarget;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sequence s
        && Arrays.equals(tokens, s.tokens)
        && firstTarget == s.firstTarget
        && truncated == s.truncated;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(tokens) * 31 + firstTarget;
  }

  @Override
  public String toString() {
    return "Sequence" + Arrays.toString(tokens) + " from " + firstTarget;
  }
}
