package overtrain.kernels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wall time of the products {@link Gemm} runs from outside parallel bodies, by shape and operand
 * form, while switched on: where a training step's time goes ({@code overtrain bench train
 * --products}). A product's time includes packing its B where the call packs it; packing ahead
 * ({@link Gemm.PackedB}) is an entry of its own, and a {@link Gemm.Group} is one entry for all
 * its products. Products run inside a parallel body (attention's, one head per thread) count as
 * part of the work around them. Off, a product pays one test of a flag; on, a map lookup and a
 * string, which is why it is off unless asked for.
 *
 * <p>Beside the products, the thread time spent copying their operands into the layouts the
 * kernels read ({@link #copyNanos}), on every thread and inside parallel bodies too: the part of
 * a product's time that a kernel as fast as the machine allows would not remove.
 */
public final class ProductTimes {
  /**
   * One kind of product: "MxNxK XY" (X, Y = N as stored, T transposed, P packed ahead; a group
   * lists its products), how many calls, their wall time and their floating-point operations.
   */
  public record Entry(String product, long calls, long nanos, double flops) {}

  private static volatile boolean on;
  private static final Map<String, Entry> TOTALS = new HashMap<>();
  private static final LongAdder COPY_A = new LongAdder(), PACK_B = new LongAdder();

  private ProductTimes() {}

  /** Starts or stops timing; what was timed is kept until {@link #clear}. */
  public static void enable(boolean enabled) {
    on = enabled;
  }

  public static synchronized void clear() {
    TOTALS.clear();
    COPY_A.reset();
    PACK_B.reset();
  }

  /**
   * Thread time, summed over the threads, spent copying A into tiles ({@code a}) or packing B into
   * panels (otherwise) since the last {@link #clear}, in products timed here and in those run
   * inside parallel bodies alike.
   */
  public static long copyNanos(boolean a) {
    return (a ? COPY_A : PACK_B).sum();
  }

  /** What was timed since the last {@link #clear}, the longest first. */
  public static synchronized List<Entry> entries() {
    List<Entry> list = new ArrayList<>(TOTALS.values());
    list.sort(Comparator.comparingLong(Entry::nanos).reversed());
    return list;
  }

  /** Whether a product starting now on this thread is timed. */
  static boolean timing() {
    return on && !Parallel.inBody();
  }

  /** Whether a copy of an operand starting now, on any thread, is timed. */
  static boolean timingCopies() {
    return on;
  }

  static void addCopy(boolean a, long nanos) {
    (a ? COPY_A : PACK_B).add(nanos);
  }

  static synchronized void add(String product, long nanos, double flops) {
    TOTALS.merge(product, new Entry(product, 1, nanos, flops),
        (x, y) -> new Entry(product, x.calls() + 1, x.nanos() + y.nanos(), x.flops() + y.flops()));
  }

  /** "MxNxK XY": the shape and the forms of A and B (B 'P' when packed ahead). */
  static String name(int m, int n, int k, boolean transA, char b) {
    return m + "x" + n + "x" + k + " " + (transA ? 'T' : 'N') + b;
  }
}
