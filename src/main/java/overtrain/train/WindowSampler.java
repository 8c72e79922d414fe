package overtrain.train;

import overtrain.data.TokenFile;

/**
 * Draws training windows of {@code context + 1} consecutive tokens at uniformly random starts,
 * from a seeded SplitMix64 stream whose whole state is one long: a checkpoint stores it, and a
 * resumed run draws exactly the windows the uninterrupted run would have.
 */
public final class WindowSampler {
  private final TokenFile file;
  private final int context;
  private final long starts;
  private long state;

  public WindowSampler(TokenFile file, int context, long seed) {
    if (file.length() < context + 1L) {
      throw new IllegalArgumentException(file.file() + ": " + file.length()
          + " tokens, a training window needs context + 1 = " + (context + 1));
    }
    this.file = file;
    this.context = context;
    this.starts = file.length() - context;
    // Decorrelate from the initialisation, which the model seeds with the same number.
    this.state = seed ^ 0x5DEECE66DL;
  }

  /** The generator's state: save it to resume. */
  public long state() {
    return state;
  }

  public void restore(long state) {
    this.state = state;
  }

  /**
   * Fills row {@code row} of {@code tokens} and {@code targets} (each {@code [batch, context]})
   * with a window and the same window shifted by one.
   */
  public void next(int[] tokens, int[] targets, int row, int[] scratch) {
    long start = uniform(starts);
    file.read(start, scratch, 0, context + 1);
    System.arraycopy(scratch, 0, tokens, row * context, context);
    System.arraycopy(scratch, 1, targets, row * context, context);
  }

  /** A batch of windows into {@code tokens} and {@code targets}. */
  public void nextBatch(int[] tokens, int[] targets, int batch) {
    int[] scratch = new int[context + 1];
    for (int b = 0; b < batch; b++) next(tokens, targets, b, scratch);
  }

  private long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, bound), without modulo bias (rejection on the top of the range). */
  private long uniform(long bound) {
    long limit = Long.MAX_VALUE - Long.MAX_VALUE % bound;
    long r;
    do {
      r = nextLong() >>> 1;
    } while (r >= limit);
    return r % bound;
  }
}
