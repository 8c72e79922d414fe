package overtrain.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's threads: the caller plus {@code threads - 1} workers started once for the whole
 * process, sized by the system property {@code overtrain.threads} (default: every core), so that
 * a study running one cell per core can pin each cell to one thread.
 *
 * <p>Why not a {@link java.util.concurrent.ForkJoinPool}: with the caller waiting on two pool
 * workers, joins made the pool start spare workers, and three threads took turns on the two
 * cores: a product on two threads ran well below two single-threaded processes side by side
 * (bench/HISTORY.md, "Numbers behind the code"). Here the caller works
 * too, chunks are claimed from a counter (a thread slowed by a neighbour on the shared host
 * takes fewer), and waiting threads spin briefly before they park, since the next range usually
 * follows within microseconds.
 */
public final class Parallel {
  private static final int THREADS =
      Integer.getInteger("overtrain.threads", Runtime.getRuntime().availableProcessors());
  /**
   * Chunks per thread in {@link #range}: with one chunk each, a thread slowed by a neighbour on
   * the shared host held the other one waiting at the end of every layer.
   */
  static final int CHUNKS_PER_THREAD = 4;
  /**
   * Spin-wait iterations before a waiting thread parks: the next range usually starts within
   * microseconds. The two-thread product speed does not depend on the exact count over two
   * orders of magnitude around this one (bench/HISTORY.md).
   */
  private static final int SPINS = 5_000;

  private static final Team TEAM = THREADS > 1 ? new Team(THREADS - 1) : null;
  /** Set on a thread while it runs a body: ranges started inside run inline. */
  private static final ThreadLocal<boolean[]> IN_BODY = ThreadLocal.withInitial(() -> new boolean[1]);

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
   * Whether the calling thread is running a parallel body: work started from inside one runs on
   * its own thread rather than sharing out again (which could re-enter a caller's buffers).
   */
  public static boolean inBody() {
    return TEAM != null && IN_BODY.get()[0];
  }

  /**
   * Runs {@code body} over [0, n) split into at most {@link #CHUNKS_PER_THREAD} contiguous chunks
   * a thread, claimed as threads come free; runs inline when one thread is configured, n is too
   * small to share, the caller is inside a body, or another caller holds the team. Bodies must
   * not depend on where the chunks fall. An exception thrown by a body is rethrown here.
   */
  public static void range(int n, RangeBody body) {
    boolean[] inBody = IN_BODY.get();
    if (TEAM == null || n < 2 || inBody[0] || !TEAM.lock.tryLock()) {
      body.run(0, n);
      return;
    }
    try {
      Job job = new Job(body, n, Math.min(THREADS * CHUNKS_PER_THREAD, n), Thread.currentThread());
      TEAM.start(job);
      inBody[0] = true;
      try {
        job.work();
      } finally {
        inBody[0] = false;
      }
      job.await();
    } finally {
      TEAM.lock.unlock();
    }
  }

  /** One call of {@link #range}: its chunks, claimed by counter, and how many have finished. */
  private static final class Job {
    final RangeBody body;
    final int n, chunks;
    final Thread caller;
    final AtomicInteger next = new AtomicInteger(), finished = new AtomicInteger();
    volatile Throwable error;

    Job(RangeBody body, int n, int chunks, Thread caller) {
      this.body = body;
      this.n = n;
      this.chunks = chunks;
      this.caller = caller;
    }

    /** Claims and runs chunks until none is left. */
    void work() {
      for (int c; (c = next.getAndIncrement()) < chunks; ) {
        try {
          if (error == null) {
            body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
          }
        } catch (Throwable t) {
          if (error == null) error = t;
        } finally {
          if (finished.incrementAndGet() == chunks) LockSupport.unpark(caller);
        }
      }
    }

    /** Waits for every chunk, then rethrows what a body threw. */
    void await() {
      for (int spins = 0; finished.get() < chunks; spins++) {
        if (spins < SPINS) Thread.onSpinWait();
        else LockSupport.park(this);
      }
      Throwable t = error;
      if (t instanceof RuntimeException e) throw e;
      if (t instanceof Error e) throw e;
      if (t != null) throw new IllegalStateException(t);
    }
  }

  /** The workers, and the one job they serve at a time. */
  private static final class Team {
    final ReentrantLock lock = new ReentrantLock();
    final Thread[] workers;
    volatile Job job;

    Team(int size) {
      workers = new Thread[size];
      for (int i = 0; i < size; i++) {
        workers[i] = new Thread(this::serve, "overtrain-worker-" + (i + 1));
        workers[i].setDaemon(true);
        workers[i].start();
      }
    }

    void start(Job next) {
      job = next;
      for (Thread w : workers) LockSupport.unpark(w);
    }

    private void serve() {
      IN_BODY.get()[0] = true;
      Job done = null;
      while (true) {
        Job current;
        for (int spins = 0; (current = job) == done; spins++) {
          if (spins < SPINS) Thread.onSpinWait();
          else LockSupport.park(this);
        }
        current.work();
        done = current;
      }
    }
  }
}
