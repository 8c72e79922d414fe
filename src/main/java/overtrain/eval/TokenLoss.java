package overtrain.eval;

import java.util.Arrays;
import overtrain.data.TokenFile;
import overtrain.model.OlmoModel;

/**
 * Mean next-token cross-entropy of a model over a token file, scored in consecutive
 * non-overlapping windows of {@code context} predictions from the start of the file: the
 * held-out loss a run logs and {@code overtrain eval} prints.
 */
public final class TokenLoss {
  private TokenLoss() {}

  /** Mean loss in nats over {@code tokens} predicted tokens. */
  public record Result(double loss, long tokens) {
    public double perplexity() {
      return Math.exp(loss);
    }
  }

  /**
   * Scores at most {@code maxTokens} predictions (whole windows only), {@code batch} windows
   * per forward pass.
   */
  public static Result evaluate(OlmoModel model, TokenFile file, int context, int batch, long maxTokens) {
    return evaluate(model, file, context, batch, maxTokens, (done, total) -> {});
  }

  /** Told how many of the tokens to score are scored. */
  @FunctionalInterface
  public interface Progress {
    void tokens(long done, long total);
  }

  /** The tokens {@link #evaluate} scores: whole windows of the file, at most maxTokens. */
  public static long tokensScored(TokenFile file, int context, long maxTokens) {
    return Math.min((file.length() - 1) / context, maxTokens / context) * context;
  }

  /**
   * As {@link #evaluate(OlmoModel, TokenFile, int, int, long)}, reporting as each block of the
   * model finishes a batch's forward pass (the head counted as one more block).
   */
  public static Result evaluate(OlmoModel model, TokenFile file, int context, int batch, long maxTokens,
      Progress progress) {
    long windows = tokensScored(file, context, maxTokens) / context;
    if (windows < 1) {
      throw new IllegalArgumentException(file.file() + ": " + file.length() + " tokens, scoring needs at least "
          + (context + 1) + " (context " + context + " + 1)" + (maxTokens < context ? " and at least "
          + context + " tokens to score, got " + maxTokens : ""));
    }
    int[] tokens = new int[batch * context];
    int[] targets = new int[batch * context];
    int[] scratch = new int[context + 1];
    double sum = 0;
    long total = windows * context;
    int blocks = model.config().numLayers() + 1;
    try {
      for (long w = 0; w < windows; w += batch) {
        int rows = (int) Math.min(batch, windows - w);
        for (int r = 0; r < rows; r++) {
          file.read((w + r) * context, scratch, 0, context + 1);
          System.arraycopy(scratch, 0, tokens, r * context, context);
          System.arraycopy(scratch, 1, targets, r * context, context);
        }
        // The model averages over its batch; weight each batch by its windows.
        int n = rows * context;
        boolean full = rows == batch;
        long before = w * context;
        model.onBlock(l -> progress.tokens(before + (long) n * (l + 1) / blocks, total));
        sum += model.loss(full ? tokens : Arrays.copyOf(tokens, n), full ? targets : Arrays.copyOf(targets, n),
            rows, context) * rows;
        progress.tokens(before + n, total);
      }
    } finally {
      model.onBlock(null);
    }
    return new Result(sum / windows, windows * context);
  }
}
