package overtrain.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * The engine's threads. One pool for the whole process, sized by the system property
 * {@code overtrain.threads} (default: every core), so that a study running one cell per core
 * can pin each cell to one thread.
 */
public final class Parallel {
  private static final int THREADS =
      Integer.getInteger("overtrain.threads", Runtime.getRuntime().availableProcessors());
  private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

  private Parallel() {}

  /** A body run over the half-open index range [from, to). */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  public static int threads() {
    return THREADS;
  }

  /**
   * Whether the calling thread is one of the pool's: work started from inside a parallel body
   * runs on its own thread rather than forking again (which could re-enter a caller's buffers).
   */
  public static boolean inWorker() {
    return POOL != null
        && Thread.currentThread() instanceof ForkJoinWorkerThread w
        && w.getPool() == POOL;
  }

  /**
   * Runs {@code body} over [0, n) split into at most {@link #threads()} contiguous chunks; runs
   * inline when one thread is configured or n is too small to share.
   */
  public static void range(int n, RangeBody body) {
    if (POOL == null || n < 2) {
      body.run(0, n);
      return;
    }
    int chunks = Math.min(THREADS, n);
    POOL.invoke(new Chunk(body, n, 0, chunks, chunks));
  }

  private static final class Chunk extends RecursiveAction {
    private final RangeBody body;
    private final int n, first, last, chunks;

    Chunk(RangeBody body, int n, int first, int last, int chunks) {
      this.body = body;
      this.n = n;
      this.first = first;
      this.last = last;
      this.chunks = chunks;
    }

    @Override
    protected void compute() {
      if (last - first == 1) {
        body.run((int) ((long) n * first / chunks), (int) ((long) n * last / chunks));
        return;
      }
      int mid = (first + last) >>> 1;
      invokeAll(new Chunk(body, n, first, mid, chunks), new Chunk(body, n, mid, last, chunks));
    }
  }
}
