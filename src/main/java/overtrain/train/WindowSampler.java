package overtrain.train;

import java.util.SplittableRandom;
import overtrain.data.TokenFile;

/**
 * Where training windows of {@code context + 1} consecutive tokens come from. The whole
 * state is one long: a checkpoint stores it, and a resumed run reads exactly the windows the
 * uninterrupted run would have.
 *
 * <ul>
 *   <li>{@link Order#PERMUTATION} (the default): the file cut into non-overlapping windows
 *       (neighbours share the one boundary token that is one's last target and the next's
 *       first input), read in a seeded permutation, epoch after epoch with a fresh permutation
 *       each. Every token is seen once per epoch, as pre-training on unique text does, and for
 *       one seed a longer budget reads a continuation of the shorter one's stream: two budgets
 *       differ only in how long they trained.
 *   <li>{@link Order#RANDOM}: windows at uniformly random starts, with replacement (a budget
 *       equal to the file sees about 63% of its tokens, some twice).
 * </ul>
 */
public abstract sealed class WindowSampler {

  /** How windows are drawn. */
  public enum Order {
    PERMUTATION,
    RANDOM
  }

  final TokenFile file;
  final int context;
  private final int[] scratch;

  private WindowSampler(TokenFile file, int context) {
    if (file.length() < context + 1L) {
      throw new IllegalArgumentException(file.file() + ": " + file.length()
          + " tokens, a training window needs context + 1 = " + (context + 1));
    }
    this.file = file;
    this.context = context;
    this.scratch = new int[context + 1];
  }

  public static WindowSampler of(Order order, TokenFile file, int context, long seed) {
    return order == Order.RANDOM ? new Random(file, context, seed) : new Permutation(file, context, seed);
  }

  /** The sampler's state: save it to resume. */
  public abstract long state();

  public abstract void restore(long state);

  /** Passes over the file's windows so far (fractional); for the random order, tokens drawn / file. */
  public abstract double epochs();

  /** The start of the next window. */
  abstract long nextStart();

  /**
   * A batch of windows: row b of {@code tokens} and {@code targets} (each {@code [batch,
   * context]}) is a window and the same window shifted by one.
   */
  public void nextBatch(int[] tokens, int[] targets, int batch) {
    for (int b = 0; b < batch; b++) {
      file.read(nextStart(), scratch, 0, context + 1);
      System.arraycopy(scratch, 0, tokens, b * context, context);
      System.arraycopy(scratch, 1, targets, b * context, context);
    }
  }

  /** Non-overlapping windows in a fresh seeded permutation per epoch; state = windows read. */
  static final class Permutation extends WindowSampler {
    private final long seed;
    private final int windows;
    private final int[] order;
    private long read;
    private long epochInOrder = -1;

    Permutation(TokenFile file, int context, long seed) {
      super(file, context);
      long n = (file.length() - 1) / context;
      if (n > Integer.MAX_VALUE) throw new IllegalArgumentException(file.file() + ": too many windows");
      this.seed = seed;
      this.windows = (int) n;
      this.order = new int[windows];
    }

    @Override
    public long state() {
      return read;
    }

    @Override
    public void restore(long state) {
      read = state;
    }

    @Override
    public double epochs() {
      return (double) read / windows;
    }

    @Override
    long nextStart() {
      long epoch = read / windows;
      if (epoch != epochInOrder) shuffle(epoch);
      int w = order[(int) (read % windows)];
      read++;
      return (long) w * context;
    }

    /** Fisher-Yates from a generator seeded by (seed, epoch): any epoch can be rebuilt alone. */
    private void shuffle(long epoch) {
      for (int i = 0; i < windows; i++) order[i] = i;
      // Decorrelated from the initialisation, which the model seeds with the same number.
      SplittableRandom r = new SplittableRandom((seed ^ 0x5DEECE66DL) * 0x9E3779B97F4A7C15L + epoch);
      for (int i = windows - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      epochInOrder = epoch;
    }
  }

  /** Uniformly random starts from a SplitMix64 stream whose state is one long. */
  static final class Random extends WindowSampler {
    private final long starts;
    private final long firstState;
    private long state;

    Random(TokenFile file, int context, long seed) {
      super(file, context);
      this.starts = file.length() - context;
      // Decorrelate from the initialisation, which the model seeds with the same number.
      this.state = this.firstState = seed ^ 0x5DEECE66DL;
    }

    @Override
    public long state() {
      return state;
    }

    @Override
    public void restore(long state) {
      this.state = state;
    }

    @Override
    public double epochs() {
      // the state advances by an odd constant per draw: its inverse mod 2^64 counts the draws
      long inverse = GAMMA;
      for (int i = 0; i < 5; i++) inverse *= 2 - GAMMA * inverse;
      long drawn = (state - firstState) * inverse;
      return (double) drawn * (context + 1) / file.length();
    }

    @Override
    long nextStart() {
      long limit = Long.MAX_VALUE - Long.MAX_VALUE % starts;
      long r;
      do {
        r = nextLong() >>> 1;
      } while (r >= limit);
      return r % starts;
    }

    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private long nextLong() {
      long z = (state += GAMMA);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }
  }
}
