package overtrain.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply on row-major arrays, the one entry point every layer uses:
 *
 * <pre>C[m,n] = (accumulate ? C[m,n] : 0) + sum_k op(A)[m,k] * op(B)[k,n]</pre>
 *
 * where op(A) is A[m,k] (lda = row stride) or, when transA, A stored as [k,m]; likewise B is
 * [k,n] or, when transB, stored as [n,k]. The three products of a linear layer y = x W^T with
 * W stored [out,in] are then
 *
 * <pre>
 *   forward    y[M,out]  = x[M,in] . W^T        sgemm(false, true,  M, out, in, ...)
 *   input grad dx[M,in]  = dy[M,out] . W        sgemm(false, false, M, in, out, ...)
 *   weight grad dW[out,in] += dy^T . x          sgemm(true,  false, out, in, M, ..., accumulate)
 * </pre>
 *
 * <p>How it is fast (after Goto): B is packed once per call into column panels PANEL wide and KC
 * deep, shared by all threads (or, when it is too large for L2 and A is packed, by each work item
 * a depth block at a time: {@link #multiplyByDepth}); each work item (a block of up to MC rows by
 * NC columns of C) runs an MR x NR register-tiled micro-kernel, 4 * MR vector accumulators fed by
 * one broadcast of A and one fused multiply-add per element, over its rows and the panels. A is read
 * where it lies, stepping by its row and depth strides, unless C is wide enough for a copy of A to
 * pay ({@link #packsA}): then each item first copies its rows of A into tiles of MR_PACKED rows,
 * which a kernel reads at strides the compiler knows, so that its loop holds loads and
 * multiply-adds only. Read in place, each row of A costs an index computation and a bounds check a
 * step; AMD's Zen 5 issues those beside its multiply-adds, Intel's server cores on the ports their
 * multiply-adds need (bench/HISTORY.md). On two threads a product is split into at least {@link
 * #ITEMS_PER_THREAD} items a thread, as square as the shape allows, since square items read the
 * fewest floats per multiply-add; items are handed out dynamically because the second core of the
 * machines this runs on is often slowed by its neighbours. Buffers grow once per thread and are
 * reused, so after the first step no arrays are allocated here (only {@link Parallel}'s one small
 * job object when a product runs on two threads).
 */
public final class Gemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Rows of the register tile. */
  static final int MR = 4;
  /**
   * Rows of the tile of a last panel of one or two vectors: with fewer columns to share each
   * broadcast of A, more rows keep the loads per multiply-add down. Items are whole tiles of
   * both kinds.
   */
  static final int MR_NARROW = 8;
  /**
   * Columns of the register tile over A read in place: four vectors, two panels of B, so MR x 4
   * accumulators stay in registers.
   */
  static final int NR = 4 * L;
  /**
   * Columns of a packed panel of B: two vectors, what the tile over A packed reads a depth step
   * of, so that its kc x PANEL block of B lies whole in L1's sets (half of a 64-wide panel's
   * rows, 256 bytes apart, used half of them: bench/HISTORY.md).
   */
  static final int PANEL = 2 * L;
  /**
   * Deepest block over which the tile over A read in place takes two panels of B at once: their
   * 2 x 128 x PANEL floats (32 KiB) stay in L1 from one tile to the next. Deeper, it takes one
   * panel at a time, MR_NARROW rows high (bench/HISTORY.md).
   */
  static final int TWO_PANEL_DEPTH = 128;
  /**
   * Rows of the tile over A packed: 2 * MR_PACKED accumulators, a panel of B (two vectors) at a
   * time, with the two vectors of B and a broadcast of A, 29 of the 32 registers. Fourteen rows
   * needed 31, and in about half of the processes C2 (its choice swayed by profile counts) then
   * kept one accumulator on the stack and moved three others around in the loop, every packed
   * product 10-20% slower (bench/HISTORY.md).
   */
  static final int MR_PACKED = 13;
  /**
   * Rows of C from which A stored transposed is packed however narrow C is: the output head's
   * weight gradient in a model narrower than 128, a row per vocabulary entry. Read in place its
   * tiles are MR_NARROW rows and pay for their index arithmetic on Intel's multiply-add ports;
   * packed, a tall C has tiles enough that the vector copy costs less than that, where a short
   * one (a layer's own weight gradients, 128 rows and fewer) ran slower packed (bench/HISTORY.md).
   */
  static final int PACKED_A_ROWS = 1024;
  /** Most rows of C one work item covers when it packs A: whole packed tiles. */
  static final int MC_PACKED = 9 * MR_PACKED;
  /**
   * Depth of a packed block: a KC x PANEL panel of B (32 KiB with 16-float vectors) stays in L1
   * while the packed tiles of an item's rows pass it. The depth blocks also fix the order in
   * which each element of C is summed, so the results depend on KC and on nothing else here.
   */
  static final int KC = 256;
  /** Most rows of C one work item covers (its MC x KC block of A stays in L2): whole tiles. */
  static final int MC = 128;
  /** Columns of C one work item covers. */
  static final int NC = 1024;
  /** Work items per thread at least, when the product runs on two threads. */
  static final int ITEMS_PER_THREAD = 2;
  /**
   * Below this many multiply-adds (m*n*k) a product stays on one thread: handing work to the
   * other thread costs microseconds, more on a busy machine. Square products
   * (GemmThresholdBenchmark) gain from two threads from about 160^3 (2^22) on, but thin products
   * do not: at d = 32 a training step's 4096 x 32 x 32 products ran slower on two threads with
   * the threshold at 2^22 than at 2^24 (bench/HISTORY.md, "Numbers behind the code").
   */
  static final long PARALLEL_MIN_MACS = 1L << 24;
  /**
   * Floats of a packed B worth packing on two threads: below it (every weight of a layer of
   * width 128, the square ones up to width 256) the copy costs less than handing half of it to
   * the other thread and waiting for it.
   */
  static final long PARALLEL_MIN_PACK = 1L << 18;

  /**
   * Floats of a packed B beyond which a product that packs A packs B a depth block at a time
   * instead ({@link #multiplyByDepth}): a B that does not stay in L2 would otherwise be read from
   * memory again by every row block of C, as fast as memory gives it, not as the kernel takes it.
   */
  static final long BLOCKED_B_FLOATS = 1L << 19;
  /** Most rows and columns of C a work item covers when B is packed a depth block at a time. */
  static final int MC_BY_DEPTH = 2 * MC_PACKED, NC_BY_DEPTH = 512;
  /**
   * Most floats of C a work item over a B beyond L2 covers ({@link #itemShape(int, int, int,
   * boolean, int)}): its block of C stays in L2 while B's depth blocks pass it.
   */
  static final int ITEM_C_FLOATS = 1 << 17;

  /** Row stride of A from which {@link #packStoredA} reads A's lines ahead of the copy. */
  static final int TOUCH_LDA = 4096;
  /** Where {@link #packStoredA}'s reads ahead go, so that they are not dropped as dead code. */
  private static float touched;

  /** A row of C's worth of zeros, what {@link #kernelPacked2} adds its sums to when it sets C. */
  private static final float[] ZEROS = new float[PANEL];

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * One thread's buffers: a last partial tile of A's rows, the packed B of the product it called
   * (shared with the other threads for that call), and an edge tile of C.
   */
  private static final class Scratch {
    /** A's rows packed: {@link #packA}'s tiles, or the edge rows of A read in place. */
    final float[] a = new float[MC_PACKED * KC];
    float[] b = new float[0];
    /** One depth block of a work item's columns of B: {@link #multiplyByDepth}. */
    float[] bBlock = new float[0];
    final float[] edge = new float[MR_PACKED * NR];
    /** Set while this thread's packed B serves a call, in case a body re-enters sgemm. */
    boolean bBusy;
  }

  private Gemm() {}

  /** C = op(A) op(B) (+ C when accumulate), on the engine's threads when the product is large. */
  public static void sgemm(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc,
      boolean accumulate) {
    boolean parallel = Parallel.threads() > 1 && !Parallel.inBody()
        && (long) m * n * k >= PARALLEL_MIN_MACS;
    long start = ProductTimes.timing() ? System.nanoTime() : 0;
    run(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, parallel);
    if (start != 0) {
      ProductTimes.add(ProductTimes.name(m, n, k, transA, transB ? 'T' : 'N'),
          System.nanoTime() - start, 2.0 * m * n * k);
    }
  }

  /**
   * The same product on the calling thread only, for callers that already run one product per
   * thread (attention, one head each).
   */
  public static void sgemmSerial(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc,
      boolean accumulate) {
    run(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, false);
  }

  /** Either entry point, with the choice of threads made: package-private for tests. */
  static void run(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc,
      boolean accumulate, boolean parallel) {
    checkShape(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (trivial(m, n, k, c, cOff, ldc, accumulate)) return;
    int nPad = padded(n);
    if (packsBByDepth(transA, m, n, k)) {
      multiplyByDepth(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc,
          accumulate, parallel);
      return;
    }
    Scratch scratch = SCRATCH.get();
    int bSize = Math.multiplyExact(k, nPad);
    boolean ownB = !scratch.bBusy;
    if (ownB && scratch.b.length < bSize) scratch.b = new float[bSize];
    final float[] packedB = ownB ? scratch.b : new float[bSize];
    scratch.bBusy = true;
    try {
      // A small B (a layer's weight) is packed on this thread alone: see PARALLEL_MIN_PACK.
      packAll(transB, n, k, b, bOff, ldb, packedB, nPad, parallel && bSize >= PARALLEL_MIN_PACK);
      multiply(transA, m, n, k, a, aOff, lda, packedB, nPad, c, cOff, ldc, accumulate, parallel,
          scratch);
    } finally {
      if (ownB) scratch.bBusy = false;
    }
  }

  /**
   * op(B) packed once for several products that share it: the output head's weights across the
   * row chunks of a batch, one attention head's keys across its blocks of queries. A product may
   * use the first n columns of what was packed (a causal block of queries sees only the keys
   * before it). Holds its buffer, grown when a larger B is packed and reused after.
   */
  public static final class PackedB {
    private float[] data = new float[0];
    private int n, k, nPad;

    /** Floats packing a k x n op(B) holds (columns padded to whole panels). */
    public static long floats(int n, int k) {
      return (long) k * padded(n);
    }

    /** Floats this one holds now. */
    public long heldFloats() {
      return data.length;
    }

    /** Packs op(B), k x n: B stored [k,n], or [n,k] when transB. */
    public PackedB pack(boolean transB, int n, int k, float[] b, int bOff, int ldb) {
      requireShape(n, k);
      checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
      long start = ProductTimes.timing() ? System.nanoTime() : 0;
      float[] bp = reserve(n, k);
      packAll(transB, n, k, b, bOff, ldb, bp, nPad, onThreads());
      if (start != 0) {
        ProductTimes.add("pack B " + k + "x" + n + (transB ? " T" : " N"), System.nanoTime() - start, 0);
      }
      return this;
    }

    /**
     * Packs op(B) = B^T, k x n, from B stored [n,k] in bfloat16 ({@link BFloat16}): a weight
     * matrix [out,in] of a model held in bfloat16, each number widened exactly as it is packed,
     * so that the product is the one the same weights held in float32 give, bit for bit.
     */
    public PackedB packTransposed(int n, int k, short[] b, int bOff, int ldb) {
      requireShape(n, k);
      checkMatrix("B", b.length, bOff, ldb, n, k);
      float[] bp = reserve(n, k);
      int panels = blocks(n, PANEL);
      if (onThreads() && panels > 1) {
        Parallel.range(panels, (from, to) -> packBfloat16(n, k, b, bOff, ldb, bp, nPad, from, to));
      } else {
        packBfloat16(n, k, b, bOff, ldb, bp, nPad, 0, panels);
      }
      return this;
    }

    private static void requireShape(int n, int k) {
      if (n < 0 || k < 0) {
        throw new IllegalArgumentException("sgemm: negative shape n=" + n + " k=" + k);
      }
    }

    /** Takes the shape of a k x n op(B), growing the buffer to hold it; returns the buffer. */
    private float[] reserve(int n, int k) {
      this.n = n;
      this.k = k;
      this.nPad = padded(n);
      int size = Math.multiplyExact(k, nPad);
      if (data.length < size) data = new float[size];
      return data;
    }

    /** Whether the op(B) just reserved is large enough to pack on the engine's threads. */
    private boolean onThreads() {
      return Parallel.threads() > 1 && !Parallel.inBody() && (long) k * nPad >= PARALLEL_MIN_PACK;
    }
  }

  /**
   * C = op(A) B' (+ C when accumulate), B' the first n columns of a packed B: op(A) is m x k
   * with k the packed depth. On the engine's threads when the product is large.
   */
  public static void sgemm(
      boolean transA, int m, int n, float[] a, int aOff, int lda, PackedB b,
      float[] c, int cOff, int ldc, boolean accumulate) {
    int k = b.k;
    if (m < 0 || n < 0 || n > b.n) {
      throw new IllegalArgumentException(
          "sgemm: m=" + m + ", n=" + n + " against a packed B of " + b.n + " columns");
    }
    checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
    checkMatrix("C", c, cOff, ldc, m, n);
    if (trivial(m, n, k, c, cOff, ldc, accumulate)) return;
    boolean parallel = Parallel.threads() > 1 && !Parallel.inBody()
        && (long) m * n * k >= PARALLEL_MIN_MACS;
    long start = ProductTimes.timing() ? System.nanoTime() : 0;
    multiply(transA, m, n, k, a, aOff, lda, b.data, b.nPad, c, cOff, ldc, accumulate, parallel,
        SCRATCH.get());
    if (start != 0) {
      ProductTimes.add(ProductTimes.name(m, n, k, transA, 'P'), System.nanoTime() - start, 2.0 * m * n * k);
    }
  }

  /** True (with C cleared unless accumulating) when the product has no terms to sum. */
  private static boolean trivial(
      int m, int n, int k, float[] c, int cOff, int ldc, boolean accumulate) {
    if (m == 0 || n == 0) return true;
    if (k > 0) return false;
    if (!accumulate) {
      for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
    }
    return true;
  }

  private static void packAll(
      boolean transB, int n, int k, float[] b, int bOff, int ldb, float[] packedB, int nPad,
      boolean parallel) {
    int panels = blocks(n, PANEL);
    if (parallel && panels > 1) {
      Parallel.range(panels, (from, to) -> packB(transB, n, k, b, bOff, ldb, packedB, nPad, from, to));
    } else {
      packB(transB, n, k, b, bOff, ldb, packedB, nPad, 0, panels);
    }
  }

  /** C (+)= op(A) times a packed B whose panels are nPad columns wide in all. */
  private static void multiply(
      boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
      float[] packedB, int nPad, float[] c, int cOff, int ldc,
      boolean accumulate, boolean parallel, Scratch scratch) {
    boolean packA = packsA(transA, m, n, k);
    long split = itemShape(m, n, k, packA, parallel ? ITEMS_PER_THREAD * Parallel.threads() : 1);
    int mc = (int) (split >>> 32), nc = (int) split;
    int colBlocks = blocks(n, nc);
    int items = blocks(m, mc) * colBlocks;
    if (!parallel || items < 2) {
      for (int item = 0; item < items; item++) {
        block(item, colBlocks, mc, nc, transA, packA, m, n, k, a, aOff, lda, packedB, nPad, c,
            cOff, ldc, accumulate, scratch);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    int mcf = mc, ncf = nc;
    Parallel.range(Parallel.threads(), (from, to) -> {
      Scratch mine = SCRATCH.get();
      for (int item; (item = next.getAndIncrement()) < items; ) {
        block(item, colBlocks, mcf, ncf, transA, packA, m, n, k, a, aOff, lda, packedB, nPad, c,
            cOff, ldc, accumulate, mine);
      }
    });
  }

  /**
   * C (+)= op(A) op(B) for a B too large for L2, Goto's loops the other way round: each work item
   * (up to MC_BY_DEPTH rows by NC_BY_DEPTH columns of C) goes through the depth blocks, packing
   * its columns of each block of B into a buffer of its thread's that stays in L2, and then runs
   * all its rows against it. B is then read from memory once per row block of items, as a copy
   * streams it, rather than once per MC_PACKED rows by the kernel. Each element of C is summed
   * in the same order as {@link #multiply} sums it: the same bits.
   */
  private static void multiplyByDepth(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, boolean accumulate, boolean parallel) {
    long split = itemShape(m, n, MC_BY_DEPTH, NC_BY_DEPTH, MR_PACKED,
        parallel ? ITEMS_PER_THREAD * Parallel.threads() : 1);
    int mc = (int) (split >>> 32), nc = (int) split;
    int colBlocks = blocks(n, nc), items = blocks(m, mc) * colBlocks;
    if (!parallel || items < 2) {
      Scratch scratch = SCRATCH.get();
      for (int item = 0; item < items; item++) {
        itemByDepth(item, colBlocks, mc, nc, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb,
            c, cOff, ldc, accumulate, scratch);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Parallel.range(Parallel.threads(), (from, to) -> {
      Scratch mine = SCRATCH.get();
      for (int item; (item = next.getAndIncrement()) < items; ) {
        itemByDepth(item, colBlocks, mc, nc, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb,
            c, cOff, ldc, accumulate, mine);
      }
    });
  }

  /**
   * One work item of {@link #multiplyByDepth}: each depth block of its columns of B packed as a
   * kc x cols op(B) of its own, then its rows against it ({@link #depthBlockPacked}).
   */
  private static void itemByDepth(
      int item, int colBlocks, int mc, int nc, boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, boolean accumulate, Scratch scratch) {
    int i0 = (item / colBlocks) * mc, j0 = (item % colBlocks) * nc;
    int rows = Math.min(mc, m - i0), cols = Math.min(nc, n - j0), nPad = padded(cols);
    if (scratch.bBlock.length < KC * nPad) scratch.bBlock = new float[KC * nPad];
    float[] bp = scratch.bBlock;
    for (int p0 = 0; p0 < k; p0 += KC) {
      int kc = Math.min(KC, k - p0);
      packB(transB, cols, kc, b, transB ? bOff + j0 * ldb + p0 : bOff + p0 * ldb + j0, ldb,
          bp, nPad, 0, blocks(cols, PANEL));
      depthBlockPacked(i0, 0, rows, cols, transA, p0, kc, a, aOff, lda, bp, 0, nPad, c,
          cOff + j0, ldc, accumulate || p0 > 0, scratch);
    }
  }

  /**
   * The rows and columns of a work item (as mc << 32 | nc), at most mcMax by ncMax, for an m x n
   * product in at least minItems items: the larger side of the item is split until there are
   * that many (handed out dynamically to balance the threads), since square items read the
   * fewest floats per multiply-add; then the rows are shared out as evenly as whole tiles of
   * tile rows allow.
   */
  private static long itemShape(int m, int n, int mcMax, int ncMax, int tile, int minItems) {
    int mc = Math.min(mcMax, roundUp(m, tile));
    int nc = Math.min(ncMax, roundUp(n, NR));
    while (blocks(m, mc) * blocks(n, nc) < minItems) {
      if (nc >= mc && nc > NR) nc = roundUp(nc / 2, NR);
      else if (mc > tile) mc = roundUp(mc / 2, tile);
      else break;
    }
    // as many row blocks, as even as whole tiles allow (200 rows: 100 and 100, not 128 and 72)
    mc = roundUp(blocks(m, blocks(m, mc)), tile);
    return (long) mc << 32 | nc;
  }

  /**
   * {@link #itemShape} of a product over a packed B, A packed or read in place. A packed item
   * covers MC_PACKED rows, its packed A's, while B stays in L2. A B larger than that is read from
   * beyond L2 by every item again, so then an item takes as many rows as minItems items leave
   * it, up to ITEM_C_FLOATS of C, and goes through them MC_PACKED at a time within each depth
   * block ({@link #depthBlockPacked}). The head's input gradient (1024 x 256 x 8192) on two
   * threads then reads B 4 times rather than 9 (bench/HISTORY.md).
   */
  static long itemShape(int m, int n, int k, boolean packA, int minItems) {
    int mcMax = packA ? MC_PACKED : MC;
    if (packA && (long) k * padded(n) > BLOCKED_B_FLOATS) {
      int cRows = ITEM_C_FLOATS / Math.min(roundUp(n, NR), NC) / MR_PACKED * MR_PACKED;
      mcMax = Math.max(MC_PACKED, Math.min(cRows, roundUp(blocks(m, minItems), MR_PACKED)));
    }
    return itemShape(m, n, mcMax, NC, packA ? MR_PACKED : MR_NARROW, minItems);
  }

  /**
   * Whether a product packs A (see the class comment), which pays only when each of A's
   * numbers takes part in many multiply-adds, C being wide. A stored transposed (a weight
   * gradient) packs cheaply, a depth step's rows of a tile lying side by side as one vector to
   * copy: from 128 columns of C, or from {@link #PACKED_A_ROWS} rows at any width. A as stored
   * packs a number at a time: from 256 columns, and only when it is a whole KC block deep, so
   * that the kernel's loops are long.
   */
  static boolean packsA(boolean transA, int m, int n, int k) {
    return transA ? n >= 128 || m >= PACKED_A_ROWS : n >= 256 && k >= KC;
  }

  /**
   * Whether a product packs B a depth block at a time for each work item ({@link
   * #multiplyByDepth}) rather than whole, once, for all of them: when A is packed, B is more than
   * one depth block and too large for L2, and C has at most two blocks of rows (a weight
   * gradient's few). With more, packing B again for every block of rows costs what reading it
   * from memory did, and the larger items share out less evenly over the threads.
   */
  static boolean packsBByDepth(boolean transA, int m, int n, int k) {
    return m <= 2 * MC_BY_DEPTH && k > KC && (long) k * padded(n) > BLOCKED_B_FLOATS
        && packsA(transA, m, n, k);
  }

  /**
   * Products C_i (+)= op(A_i) B_i, each B packed, that run as one hand-out of work: a layer's
   * projections of one input (q, k and v; gate and up), or its weight gradients against one
   * input. The items of all of them go to the threads together, so the layer waits for the other
   * thread once rather than once per product, and a thin product (a weight gradient of a few
   * items) shares out with its neighbours. Each C is what the product alone computes, bit for
   * bit; no two may write the same C. Holds the products from {@link #add} to {@link #run};
   * one caller at a time. A run allocates what one product on two threads does (its counter and
   * {@link Parallel}'s job).
   */
  public static final class Group {
    private static final int MAX = 4;
    private final boolean[] transA = new boolean[MAX], accumulate = new boolean[MAX];
    private final boolean[] packA = new boolean[MAX];
    private final int[] m = new int[MAX], n = new int[MAX], aOff = new int[MAX], lda = new int[MAX];
    private final int[] cOff = new int[MAX], ldc = new int[MAX];
    private final int[] mc = new int[MAX], nc = new int[MAX], colBlocks = new int[MAX];
    /** Items before product i's, and after the last (at count). */
    private final int[] firstItem = new int[MAX + 1];
    private final float[][] a = new float[MAX][], c = new float[MAX][];
    private final PackedB[] b = new PackedB[MAX];
    private int count;

    /**
     * Adds C (+)= op(A) B', B' the first n columns of a packed B, as the {@link PackedB} form
     * of {@link Gemm#sgemm} computes it.
     */
    public Group add(boolean transA, int m, int n, float[] a, int aOff, int lda, PackedB b,
        float[] c, int cOff, int ldc, boolean accumulate) {
      if (count == MAX) throw new IllegalStateException("a Gemm.Group holds " + MAX + " products");
      if (m < 0 || n < 0 || n > b.n) {
        throw new IllegalArgumentException(
            "sgemm: m=" + m + ", n=" + n + " against a packed B of " + b.n + " columns");
      }
      checkMatrix("A", a, aOff, lda, transA ? b.k : m, transA ? m : b.k);
      checkMatrix("C", c, cOff, ldc, m, n);
      if (trivial(m, n, b.k, c, cOff, ldc, accumulate)) return this;
      int i = count++;
      this.transA[i] = transA;
      this.m[i] = m;
      this.n[i] = n;
      this.a[i] = a;
      this.aOff[i] = aOff;
      this.lda[i] = lda;
      this.b[i] = b;
      this.c[i] = c;
      this.cOff[i] = cOff;
      this.ldc[i] = ldc;
      this.accumulate[i] = accumulate;
      return this;
    }

    /** Runs the products added since the last run, on the engine's threads when they are large. */
    public void run() {
      long start = ProductTimes.timing() ? System.nanoTime() : 0;
      long macs = 0;
      for (int i = 0; i < count; i++) macs += (long) m[i] * n[i] * b[i].k;
      try {
        multiplyAll(macs);
      } finally {
        if (start != 0) ProductTimes.add(name(), System.nanoTime() - start, 2.0 * macs);
        java.util.Arrays.fill(a, null);
        java.util.Arrays.fill(c, null);
        java.util.Arrays.fill(b, null);
        count = 0;
      }
    }

    /** "group of" and each product's {@link ProductTimes#name}. */
    private String name() {
      StringBuilder s = new StringBuilder("group of");
      for (int i = 0; i < count; i++) {
        s.append(i == 0 ? " " : ", ").append(ProductTimes.name(m[i], n[i], b[i].k, transA[i], 'P'));
      }
      return s.toString();
    }

    /** The products added, as one hand-out of work when they run on the engine's threads. */
    private void multiplyAll(long macs) {
      boolean parallel = Parallel.threads() > 1 && !Parallel.inBody() && macs >= PARALLEL_MIN_MACS;
      if (!parallel || count == 1) {
        for (int i = 0; i < count; i++) {
          multiply(transA[i], m[i], n[i], b[i].k, a[i], aOff[i], lda[i], b[i].data, b[i].nPad,
              c[i], cOff[i], ldc[i], accumulate[i], parallel, SCRATCH.get());
        }
        return;
      }
      for (int i = 0; i < count; i++) {
        packA[i] = packsA(transA[i], m[i], n[i], b[i].k);
        long split =
            itemShape(m[i], n[i], b[i].k, packA[i], ITEMS_PER_THREAD * Parallel.threads());
        mc[i] = (int) (split >>> 32);
        nc[i] = (int) split;
        colBlocks[i] = blocks(n[i], nc[i]);
        firstItem[i + 1] = firstItem[i] + blocks(m[i], mc[i]) * colBlocks[i];
      }
      int items = firstItem[count];
      AtomicInteger next = new AtomicInteger();
      Parallel.range(Parallel.threads(), (from, to) -> {
        Scratch mine = SCRATCH.get();
        for (int item; (item = next.getAndIncrement()) < items; ) {
          int i = 0;
          while (item >= firstItem[i + 1]) i++;
          block(item - firstItem[i], colBlocks[i], mc[i], nc[i], transA[i],
              packA[i], m[i], n[i], b[i].k,
              a[i], aOff[i], lda[i], b[i].data, b[i].nPad, c[i], cOff[i], ldc[i], accumulate[i],
              mine);
        }
      });
    }
  }

  private static int blocks(int size, int block) {
    return (size + block - 1) / block;
  }

  /**
   * One work item: rows [i0, i0+mc) by columns [j0, j0+NC) of C, over all of K, with A packed
   * or read in place.
   */
  private static void block(
      int item, int colBlocks, int mc, int nc, boolean transA, boolean packA, int m, int n, int k,
      float[] a, int aOff, int lda, float[] bp, int nPad,
      float[] c, int cOff, int ldc, boolean accumulate, Scratch scratch) {
    int i0 = (item / colBlocks) * mc;
    int j0 = (item % colBlocks) * nc;
    int rows = Math.min(mc, m - i0);
    int cols = Math.min(nc, n - j0);
    if (packA) {
      blockPacked(i0, j0, rows, cols, transA, k, a, aOff, lda, bp, nPad, c, cOff, ldc,
          accumulate, scratch);
    } else {
      blockInPlace(i0, j0, rows, cols, transA, k, a, aOff, lda, bp, nPad, c, cOff, ldc,
          accumulate, scratch);
    }
  }

  /**
   * {@link #block}'s rows x cols of C from (i0, j0), reading A in place, MR or MR_NARROW rows at
   * a time.
   */
  private static void blockInPlace(
      int i0, int j0, int rows, int cols, boolean transA, int k,
      float[] a, int aOff, int lda, float[] bp, int nPad,
      float[] c, int cOff, int ldc, boolean accumulate, Scratch scratch) {
    float[] ap = scratch.a;
    float[] edge = scratch.edge;
    int rowStep = transA ? 1 : lda, depthStep = transA ? lda : 1;
    for (int p0 = 0; p0 < k; p0 += KC) {
      int kc = Math.min(KC, k - p0);
      boolean add = accumulate || p0 > 0;
      int bBlock = p0 * nPad;
      int edgeRows = 0; // the tile height the copied edge of A holds for this depth block
      for (int jr = 0, width; jr < cols; jr += width) {
        // two whole panels of B over a shallow block, or else one (PANEL or L wide: padded())
        int rest = nPad - (j0 + jr);
        width = rest >= NR && kc <= TWO_PANEL_DEPTH ? NR : Math.min(rest, PANEL);
        int tileCols = Math.min(width, cols - jr);
        int mr = width == NR ? MR : MR_NARROW;
        // A is read in place, mr rows at a time; only a last tile of fewer rows is copied
        // aside, zero-padded, so that the kernel never reads past the matrix.
        int fullRows = rows / mr * mr;
        if (fullRows < rows && edgeRows != mr) {
          packEdgeA(transA, a, aOff, lda, i0 + fullRows, rows - fullRows, p0, kc, ap, mr);
          edgeRows = mr;
        }
        int bOffset = bBlock + (j0 + jr) * kc;
        for (int ir = 0; ir < rows; ir += mr) {
          int tileRows = Math.min(mr, rows - ir);
          int cTile = cOff + (i0 + ir) * ldc + j0 + jr;
          int aTile = aOff + (i0 + ir) * rowStep + p0 * depthStep;
          if (tileRows == mr && tileCols == width && !add) {
            tile(width, kc, a, aTile, rowStep, depthStep, bp, bOffset, c, cTile, ldc);
          } else {
            // Computed aside, then added or cut to size: past the edge the panel and the
            // copied rows are zeros.
            if (tileRows == mr) {
              tile(width, kc, a, aTile, rowStep, depthStep, bp, bOffset, edge, 0, NR);
            } else {
              tile(width, kc, ap, 0, 1, mr, bp, bOffset, edge, 0, NR);
            }
            storeTile(edge, c, cTile, ldc, tileRows, tileCols, add);
          }
        }
      }
    }
  }

  /**
   * {@link #block} with A packed, KC deep, into tiles of MR_PACKED rows ({@link #packA}): each
   * depth block in turn ({@link #depthBlockPacked}).
   */
  private static void blockPacked(
      int i0, int j0, int rows, int cols, boolean transA, int k,
      float[] a, int aOff, int lda, float[] bp, int nPad,
      float[] c, int cOff, int ldc, boolean accumulate, Scratch scratch) {
    for (int p0 = 0; p0 < k; p0 += KC) {
      depthBlockPacked(i0, j0, rows, cols, transA, p0, Math.min(KC, k - p0), a, aOff, lda,
          bp, p0 * nPad, nPad, c, cOff, ldc, accumulate || p0 > 0, scratch);
    }
  }

  /**
   * Rows [i0, i0+rows) by columns [j0, j0+cols) of C over one depth block of a packed B, the
   * rows MC_PACKED at a time ({@link #rowBlockPacked}), so that the block of B serves all of an
   * item's rows while it is in cache.
   */
  private static void depthBlockPacked(
      int i0, int j0, int rows, int cols, boolean transA, int p0, int kc,
      float[] a, int aOff, int lda, float[] bp, int bBlock, int nPad,
      float[] c, int cOff, int ldc, boolean add, Scratch scratch) {
    for (int r0 = 0; r0 < rows; r0 += MC_PACKED) {
      rowBlockPacked(i0 + r0, j0, Math.min(MC_PACKED, rows - r0), cols, transA, p0, kc, a, aOff,
          lda, bp, bBlock, nPad, c, cOff, ldc, add, scratch);
    }
  }

  /**
   * Rows [i0, i0+rows) (at most MC_PACKED) by columns [j0, j0+cols) of C, over depth [p0,
   * p0+kc) of a packed B whose block starts at bBlock: A packed, then each panel of B, two
   * vectors of columns or a last one of one, by every tile in turn. Adds to C when add.
   */
  private static void rowBlockPacked(
      int i0, int j0, int rows, int cols, boolean transA, int p0, int kc,
      float[] a, int aOff, int lda, float[] bp, int bBlock, int nPad,
      float[] c, int cOff, int ldc, boolean add, Scratch scratch) {
    float[] ap = scratch.a;
    float[] edge = scratch.edge;
    packA(transA, a, aOff, lda, i0, rows, p0, kc, ap);
    for (int jr = 0; jr < cols; jr += PANEL) {
      int width = Math.min(PANEL, nPad - (j0 + jr)); // the packed panel's: see padded()
      int tileCols = Math.min(width, cols - jr);
      int bOffset = bBlock + (j0 + jr) * kc;
      for (int ir = 0; ir < rows; ir += MR_PACKED) {
        int tileRows = Math.min(MR_PACKED, rows - ir);
        int cTile = cOff + (i0 + ir) * ldc + j0 + jr;
        // a whole tile of two vectors is set or added in C by the kernel; others are computed
        // aside and added or cut to size: past the edge the panel and packed rows are zeros
        boolean whole = tileRows == MR_PACKED && tileCols == PANEL;
        if (whole) {
          kernelPacked2(kc, ap, ir * kc, bp, bOffset, c, cTile, ldc, add);
          continue;
        }
        boolean direct = tileRows == MR_PACKED && tileCols == width && !add;
        float[] out = direct ? c : edge;
        int outOff = direct ? cTile : 0, ldOut = direct ? ldc : NR;
        if (width == PANEL) kernelPacked2(kc, ap, ir * kc, bp, bOffset, out, outOff, ldOut, false);
        else kernelPacked1(kc, ap, ir * kc, bp, bOffset, out, outOff, ldOut);
        if (!direct) storeTile(edge, c, cTile, ldc, tileRows, tileCols, add);
      }
    }
  }

  /**
   * Rows [i0, i0+rows) of op(A), depth [p0, p0+kc), packed as tiles of MR_PACKED rows, each kc
   * deep: A(i0 + t + r, p0 + p) at t*kc + p*MR_PACKED + r for the tile starting at row t, the
   * rows of a last tile past the matrix as zeros.
   */
  private static void packA(
      boolean transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int kc, float[] ap) {
    long start = ProductTimes.timingCopies() ? System.nanoTime() : 0;
    if (transA) packTransposedA(a, aOff, lda, i0, rows, p0, kc, ap);
    else packStoredA(a, aOff, lda, i0, rows, p0, kc, ap);
    if (start != 0) ProductTimes.addCopy(true, System.nanoTime() - start);
  }

  /**
   * {@link #packA} for A stored [k,m]: a depth step's rows of a tile lie side by side and move as
   * one vector of L >= MR_PACKED floats, whose lanes past the tile the same tile's next step
   * overwrites. The depth steps go outermost and the tiles within each, so that each step's rows
   * of the item are read together, where they lie side by side: a tile at a time, every tile's
   * pass would read a line of each depth step again, the lines lda apart, and with lda a multiple
   * of 4 KiB those lines share a few cache sets and are gone by the next tile's pass.
   */
  private static void packTransposedA(
      float[] a, int aOff, int lda, int i0, int rows, int p0, int kc, float[] ap) {
    int whole = L >= MR_PACKED ? rows / MR_PACKED * MR_PACKED : 0;
    // a last step's vector would spill into the next tile: the last step is copied by number
    int last = kc - 1;
    if (whole > 0 && aOff + (p0 + last - 1) * lda + i0 + whole - MR_PACKED + L > a.length) {
      whole = 0;
    }
    for (int p = 0; p < last && whole > 0; p++) {
      int src = aOff + (p0 + p) * lda + i0, dst = p * MR_PACKED;
      for (int t = 0; t < whole; t += MR_PACKED) {
        FloatVector.fromArray(S, a, src + t).intoArray(ap, t * kc + dst);
      }
    }
    for (int t = 0; t < rows; t += MR_PACKED) {
      int tileRows = Math.min(MR_PACKED, rows - t);
      for (int p = t < whole ? last : 0; p < kc; p++) {
        int src = aOff + (p0 + p) * lda + i0 + t, dst = t * kc + p * MR_PACKED;
        for (int r = 0; r < tileRows; r++) ap[dst + r] = a[src + r];
        for (int r = tileRows; r < MR_PACKED; r++) ap[dst + r] = 0f;
      }
    }
  }

  /**
   * {@link #packA} for A stored [m,k]: each tile's rows interleaved ({@link #interleave}). With
   * rows far apart (lda of TOUCH_LDA and more: the output head's input gradient, A being the
   * gradient of the logits) one number of every line of the block is read first, so that all of
   * them are on their way.
   */
  static void packStoredA(
      float[] a, int aOff, int lda, int i0, int rows, int p0, int kc, float[] ap) {
    if (lda >= TOUCH_LDA) {
      float sum = 0;
      for (int r = 0; r < rows; r++) {
        for (int p = 0, src = aOff + (i0 + r) * lda + p0; p < kc; p += L) sum += a[src + p];
      }
      touched = sum;
    }
    for (int t = 0; t < rows; t += MR_PACKED) {
      interleave(a, aOff + (i0 + t) * lda + p0, lda, Math.min(MR_PACKED, rows - t), kc, ap,
          t * kc, MR_PACKED);
    }
  }

  /**
   * Rows [0, count) of x, ld apart from x[src], kc numbers each, interleaved into y: row r's
   * p-th number at y[dst + p*width + r], rows count to width as zeros. A packs so into its
   * tiles (width MR_PACKED), B stored [n,k] into its panels (width the panel's). The rows go
   * eight at a time ({@link #interleave8}), then four, then one: each step's stores then sit
   * together, and eight rows' reads go out at once where a row at a time waits for one row's
   * lines at a time.
   */
  private static void interleave(
      float[] x, int src, int ld, int count, int kc, float[] y, int dst, int width) {
    int r = 0;
    for (; r + 8 <= count; r += 8) interleave8(x, src + r * ld, ld, kc, y, dst + r, width);
    for (; r + 4 <= count; r += 4) interleave4(x, src + r * ld, ld, kc, y, dst + r, width);
    for (; r < count; r++) {
      int from = src + r * ld;
      for (int p = 0; p < kc; p++) y[dst + p * width + r] = x[from + p];
    }
    for (; r < width; r++) {
      for (int p = 0; p < kc; p++) y[dst + p * width + r] = 0f;
    }
  }

  /** Eight rows of {@link #interleave}. */
  private static void interleave8(
      float[] x, int src, int ld, int kc, float[] y, int dst, int width) {
    int s1 = src + ld, s2 = s1 + ld, s3 = s2 + ld, s4 = s3 + ld, s5 = s4 + ld, s6 = s5 + ld;
    int s7 = s6 + ld;
    for (int p = 0, d = dst; p < kc; p++, d += width) {
      y[d] = x[src + p];
      y[d + 1] = x[s1 + p];
      y[d + 2] = x[s2 + p];
      y[d + 3] = x[s3 + p];
      y[d + 4] = x[s4 + p];
      y[d + 5] = x[s5 + p];
      y[d + 6] = x[s6 + p];
      y[d + 7] = x[s7 + p];
    }
  }

  /** Four rows of {@link #interleave}. */
  private static void interleave4(
      float[] x, int src, int ld, int kc, float[] y, int dst, int width) {
    int s1 = src + ld, s2 = s1 + ld, s3 = s2 + ld;
    for (int p = 0, d = dst; p < kc; p++, d += width) {
      y[d] = x[src + p];
      y[d + 1] = x[s1 + p];
      y[d + 2] = x[s2 + p];
      y[d + 3] = x[s3 + p];
    }
  }

  /**
   * The first rows x cols of a tile computed aside (rows NR apart) into C, set or added: C plus
   * the tile's sums, whole vectors where the row has them.
   */
  private static void storeTile(
      float[] tile, float[] c, int cOff, int ldc, int rows, int cols, boolean add) {
    for (int r = 0; r < rows; r++) {
      int dst = cOff + r * ldc, src = r * NR;
      if (add) {
        int j = 0;
        for (; j + L <= cols; j += L) {
          FloatVector.fromArray(S, c, dst + j).add(FloatVector.fromArray(S, tile, src + j))
              .intoArray(c, dst + j);
        }
        for (; j < cols; j++) c[dst + j] += tile[src + j];
      } else {
        System.arraycopy(tile, src, c, dst, cols);
      }
    }
  }

  /**
   * Copies the last rows (fewer than mr, the tile's height) of op(A), depth [p0, p0+kc), into
   * one zero-padded mr-row panel: A(i0 + r, p0 + p) at p*mr + r.
   */
  private static void packEdgeA(
      boolean transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int kc,
      float[] ap, int mr) {
    if (!transA) {
      interleave(a, aOff + i0 * lda + p0, lda, rows, kc, ap, 0, mr);
      return;
    }
    for (int p = 0; p < kc; p++) {
      int src = aOff + (p0 + p) * lda + i0;
      for (int r = 0; r < mr; r++) ap[p * mr + r] = r < rows ? a[src + r] : 0f;
    }
  }

  /**
   * Floats per depth step of a packed B of n columns: whole panels of PANEL, then a last panel
   * of the columns left rounded up to whole vectors, so that a narrow product (width 16) does
   * not multiply a padding of zeros.
   */
  static int padded(int n) {
    return roundUp(n, L);
  }

  /**
   * One KC block of one column panel of a packed B: the panel's first column j0, how many
   * columns B has there and the panel's width (the rest are zeros), the block's first depth p0
   * and depth kc, and where in the packed array it starts.
   */
  @FunctionalInterface
  private interface PanelBlock {
    void fill(int j0, int cols, int width, int p0, int kc, int base);
  }

  /**
   * Visits every KC block of column panels [from, to) of a packed B, in the layout every packer
   * writes and the kernels read: the block starting at depth p0 (kc deep) holds B(p0 + p, j) of
   * the panel starting at column j0 = j - j%PANEL at p0*nPad + j0*kc + p*width + j%PANEL, where
   * width is PANEL but for the last panel ({@link #padded}), columns past the edge as zeros.
   * Timed as packing B while {@link ProductTimes} is on.
   */
  private static void forEachPanelBlock(int n, int k, int nPad, int from, int to, PanelBlock block) {
    long start = ProductTimes.timingCopies() ? System.nanoTime() : 0;
    for (int panel = from; panel < to; panel++) {
      int j0 = panel * PANEL;
      int cols = Math.min(PANEL, n - j0);
      int width = Math.min(PANEL, nPad - j0);
      for (int p0 = 0; p0 < k; p0 += KC) {
        int kc = Math.min(KC, k - p0);
        block.fill(j0, cols, width, p0, kc, p0 * nPad + j0 * kc);
      }
    }
    if (start != 0) ProductTimes.addCopy(false, System.nanoTime() - start);
  }

  /** Packs column panels [from, to) of op(B): {@link #forEachPanelBlock}. */
  private static void packB(
      boolean transB, int n, int k, float[] b, int bOff, int ldb, float[] bp, int nPad,
      int from, int to) {
    forEachPanelBlock(n, k, nPad, from, to, (j0, cols, width, p0, kc, base) -> {
      if (transB) {
        // stored [n,k]: each stored row is a column of op(B)
        interleave(b, bOff + j0 * ldb + p0, ldb, cols, kc, bp, base, width);
      } else if (cols == PANEL) {
        // With K = batch x context and few rows of C (weight gradients) packing B is a large
        // share of the work: a full panel moves as vectors, not an arraycopy call per row.
        copyRows(b, bOff + p0 * ldb + j0, ldb, bp, base, kc);
      } else {
        for (int p = 0; p < kc; p++) {
          int src = bOff + (p0 + p) * ldb + j0;
          int dst = base + p * width;
          System.arraycopy(b, src, bp, dst, cols);
          if (cols < width) java.util.Arrays.fill(bp, dst + cols, dst + width, 0f);
        }
      }
    });
  }

  /** {@link #packB}'s transposed case, from bfloat16: the same panels, each number widened. */
  private static void packBfloat16(
      int n, int k, short[] b, int bOff, int ldb, float[] bp, int nPad, int from, int to) {
    forEachPanelBlock(n, k, nPad, from, to, (j0, cols, width, p0, kc, base) -> {
      for (int j = 0; j < width; j++) {
        if (j < cols) {
          int src = bOff + (j0 + j) * ldb + p0;
          for (int p = 0; p < kc; p++) bp[base + p * width + j] = BFloat16.toFloat(b[src + p]);
        } else {
          for (int p = 0; p < kc; p++) bp[base + p * width + j] = 0f;
        }
      }
    });
  }

  /**
   * kc rows of PANEL floats, stride ld, from x[src] to packed y[dst]. A method of its own and
   * the kernel's species: a 256-bit species for the MR-wide panels of A, tried too, made every
   * product here many times slower (the vectors no longer stayed unboxed).
   */
  private static void copyRows(float[] x, int src, int ld, float[] y, int dst, int kc) {
    for (int p = 0; p < kc; p++, src += ld, dst += PANEL) {
      FloatVector.fromArray(S, x, src).intoArray(y, dst);
      FloatVector.fromArray(S, x, src + L).intoArray(y, dst + L);
    }
  }

  private static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }

  private static void checkShape(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("sgemm: negative shape m=" + m + " n=" + n + " k=" + k);
    }
    checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
    checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
    checkMatrix("C", c, cOff, ldc, m, n);
  }

  /** A stored matrix of rows x cols with row stride ld must lie inside its array. */
  private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
    checkMatrix(name, x.length, off, ld, rows, cols);
  }

  private static void checkMatrix(String name, int length, int off, int ld, int rows, int cols) {
    if (rows == 0 || cols == 0) return;
    if (ld < cols) {
      throw new IllegalArgumentException(
          "sgemm: leading dimension of " + name + " is " + ld + ", expected at least " + cols);
    }
    long end = off + (long) (rows - 1) * ld + cols;
    if (off < 0 || end > length) {
      throw new IllegalArgumentException("sgemm: " + name + " (" + rows + "x" + cols + ", offset "
          + off + ", ld " + ld + ") needs " + end + " elements, array has " + length);
    }
  }

  /**
   * The MR x NR register tile and its narrower forms, chosen by the columns of B it covers:
   * {@code kernel4} (4 rows by two whole panels, 4 vectors of columns, 16 accumulators with
   * 16-float vectors); for a panel that has no whole second beside it, 2 vectors wide or 1
   * (widths 32 and 16: the narrowest models, attention at small head sizes, a product's last
   * columns), or a block deeper than {@link #TWO_PANEL_DEPTH}, {@code kernel2} and {@code
   * kernel1}, 8 rows each. Four rows by four
   * vectors load eight vectors (four of B, four broadcasts of A) per 16 multiply-adds, where
   * eight rows by two load ten: on a host whose neighbours share the cores' load side, that
   * is what a product loses least to. Six rows by four (24 accumulators) loaded fewer still,
   * but its loop needs 29 of the 32 vector registers, and in some processes C2 (its choice
   * swayed by profile counts) kept 14 accumulators on the stack and ran it at half speed; on
   * a narrow panel four rows share too few columns, so those keep eight (bench/HISTORY.md). Each
   * sets C: a tile added to C is set aside first and added by {@link #storeTile}, which keeps
   * one copy of each kernel (a flag for adding made C2 cut the adding path out of the first
   * compile, and some processes then ran many times slower after the recompile). The store is
   * inline so C2 keeps every vector in a register (a helper for the store stopped inlining and
   * boxed them). Row r of A at depth p is ap[aOff + r*rs + p*ps]: (lda, 1) for A as stored,
   * (1, lda) for A transposed, (1, mr) for an edge panel copied mr rows high. Each element of
   * C is the same sum in the same order whichever form computes it: from zero over the block's
   * depth, one fused multiply-add per term.
   */
  private static void tile(
      int width, int kc, float[] ap, int aOff, int rs, int ps, float[] bp, int bOff,
      float[] c, int cOff, int ldc) {
    if (width == NR) kernel4(kc, ap, aOff, rs, ps, bp, bOff, c, cOff, ldc);
    else if (width == 2 * L) kernel2(kc, ap, aOff, rs, ps, bp, bOff, c, cOff, ldc);
    else kernel1(kc, ap, aOff, rs, ps, bp, bOff, c, cOff, ldc);
  }

  private static void kernel4(
      int kc, float[] ap, int aOff, int rs, int ps, float[] bp, int bOff,
      float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    int a1 = rs, a2 = 2 * rs, a3 = 3 * rs;
    int bNext = bOff + kc * PANEL; // the second of the tile's two panels of B
    for (int p = 0, ai = aOff; p < kc; p++, ai += ps) {
      // B's offsets the loop's counter times a constant plus a base each, so that C2 checks
      // them before the loop and addresses each panel from a register of its own
      int bi = bOff + p * PANEL, bj = bNext + p * PANEL;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector b2 = FloatVector.fromArray(S, bp, bj);
      FloatVector b3 = FloatVector.fromArray(S, bp, bj + L);
      FloatVector x = FloatVector.broadcast(S, ap[ai]);
      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
      x = FloatVector.broadcast(S, ap[ai + a1]);
      c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
      x = FloatVector.broadcast(S, ap[ai + a2]);
      c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
      x = FloatVector.broadcast(S, ap[ai + a3]);
      c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
    }
    int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
    c00.intoArray(c, r0); c01.intoArray(c, r0 + L);
    c02.intoArray(c, r0 + 2 * L); c03.intoArray(c, r0 + 3 * L);
    c10.intoArray(c, r1); c11.intoArray(c, r1 + L);
    c12.intoArray(c, r1 + 2 * L); c13.intoArray(c, r1 + 3 * L);
    c20.intoArray(c, r2); c21.intoArray(c, r2 + L);
    c22.intoArray(c, r2 + 2 * L); c23.intoArray(c, r2 + 3 * L);
    c30.intoArray(c, r3); c31.intoArray(c, r3 + L);
    c32.intoArray(c, r3 + 2 * L); c33.intoArray(c, r3 + 3 * L);
  }

  private static void kernel2(
      int kc, float[] ap, int aOff, int rs, int ps, float[] bp, int bOff,
      float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    int a1 = rs, a2 = 2 * rs, a3 = 3 * rs, a4 = 4 * rs, a5 = 5 * rs, a6 = 6 * rs, a7 = 7 * rs;
    for (int p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += ps, bi += 2 * L) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector x = FloatVector.broadcast(S, ap[ai]);
      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, ap[ai + a1]);
      c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, ap[ai + a2]);
      c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, ap[ai + a3]);
      c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, ap[ai + a4]);
      c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, ap[ai + a5]);
      c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
      x = FloatVector.broadcast(S, ap[ai + a6]);
      c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
      x = FloatVector.broadcast(S, ap[ai + a7]);
      c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
    }
    int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
    int r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
    c00.intoArray(c, r0); c01.intoArray(c, r0 + L);
    c10.intoArray(c, r1); c11.intoArray(c, r1 + L);
    c20.intoArray(c, r2); c21.intoArray(c, r2 + L);
    c30.intoArray(c, r3); c31.intoArray(c, r3 + L);
    c40.intoArray(c, r4); c41.intoArray(c, r4 + L);
    c50.intoArray(c, r5); c51.intoArray(c, r5 + L);
    c60.intoArray(c, r6); c61.intoArray(c, r6 + L);
    c70.intoArray(c, r7); c71.intoArray(c, r7 + L);
  }

  private static void kernel1(
      int kc, float[] ap, int aOff, int rs, int ps, float[] bp, int bOff,
      float[] c, int cOff, int ldc) {
    FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
    FloatVector c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    int a1 = rs, a2 = 2 * rs, a3 = 3 * rs, a4 = 4 * rs, a5 = 5 * rs, a6 = 6 * rs, a7 = 7 * rs;
    for (int p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += ps, bi += L) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      c0 = FloatVector.broadcast(S, ap[ai]).fma(b0, c0);
      c1 = FloatVector.broadcast(S, ap[ai + a1]).fma(b0, c1);
      c2 = FloatVector.broadcast(S, ap[ai + a2]).fma(b0, c2);
      c3 = FloatVector.broadcast(S, ap[ai + a3]).fma(b0, c3);
      c4 = FloatVector.broadcast(S, ap[ai + a4]).fma(b0, c4);
      c5 = FloatVector.broadcast(S, ap[ai + a5]).fma(b0, c5);
      c6 = FloatVector.broadcast(S, ap[ai + a6]).fma(b0, c6);
      c7 = FloatVector.broadcast(S, ap[ai + a7]).fma(b0, c7);
    }
    c0.intoArray(c, cOff); c1.intoArray(c, cOff + ldc);
    c2.intoArray(c, cOff + 2 * ldc); c3.intoArray(c, cOff + 3 * ldc);
    c4.intoArray(c, cOff + 4 * ldc); c5.intoArray(c, cOff + 5 * ldc);
    c6.intoArray(c, cOff + 6 * ldc); c7.intoArray(c, cOff + 7 * ldc);
  }

  /**
   * The tile over A packed ({@link #packA}: row r at depth p at ap[aOff + p*MR_PACKED + r]):
   * 13 rows by a full panel of B (PANEL floats a depth step), 26 accumulators, 15
   * loads per 26 multiply-adds. Every offset is the loop's counter times a constant plus a
   * constant, so C2 checks the bounds once before the loop and the loop holds loads and
   * multiply-adds only. Sets C, or when add adds its sums to C as {@link #storeTile} adds a tile
   * computed aside (C plus the tile's sums: the same bits) without the round trip through it.
   */
  private static void kernelPacked2(
      int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc,
      boolean add) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
    FloatVector c20 = FloatVector.zero(S), c21 = c20, c30 = c20, c31 = c20;
    FloatVector c40 = FloatVector.zero(S), c41 = c40, c50 = c40, c51 = c40;
    FloatVector c60 = FloatVector.zero(S), c61 = c60, c70 = c60, c71 = c60;
    FloatVector c80 = FloatVector.zero(S), c81 = c80, c90 = c80, c91 = c80;
    FloatVector c100 = FloatVector.zero(S), c101 = c100, c110 = c100, c111 = c100;
    FloatVector c120 = FloatVector.zero(S), c121 = c120;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * MR_PACKED, bi = bOff + p * PANEL;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector x = FloatVector.broadcast(S, ap[ai]);
      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, ap[ai + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, ap[ai + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, ap[ai + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, ap[ai + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, ap[ai + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
      x = FloatVector.broadcast(S, ap[ai + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
      x = FloatVector.broadcast(S, ap[ai + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
      x = FloatVector.broadcast(S, ap[ai + 8]); c80 = x.fma(b0, c80); c81 = x.fma(b1, c81);
      x = FloatVector.broadcast(S, ap[ai + 9]); c90 = x.fma(b0, c90); c91 = x.fma(b1, c91);
      x = FloatVector.broadcast(S, ap[ai + 10]); c100 = x.fma(b0, c100); c101 = x.fma(b1, c101);
      x = FloatVector.broadcast(S, ap[ai + 11]); c110 = x.fma(b0, c110); c111 = x.fma(b1, c111);
      x = FloatVector.broadcast(S, ap[ai + 12]); c120 = x.fma(b0, c120); c121 = x.fma(b1, c121);
    }
    // added to C, or to zeros: x + 0 is x for every sum here, since fused multiply-adds that
    // start from +0 never give -0
    float[] to = add ? c : ZEROS;
    int at = add ? cOff : 0, ld = add ? ldc : 0;
    FloatVector.fromArray(S, to, at).add(c00).intoArray(c, cOff);
    FloatVector.fromArray(S, to, at + L).add(c01).intoArray(c, cOff + L);
    FloatVector.fromArray(S, to, at + 1 * ld).add(c10).intoArray(c, cOff + 1 * ldc);
    FloatVector.fromArray(S, to, at + 1 * ld + L).add(c11).intoArray(c, cOff + 1 * ldc + L);
    FloatVector.fromArray(S, to, at + 2 * ld).add(c20).intoArray(c, cOff + 2 * ldc);
    FloatVector.fromArray(S, to, at + 2 * ld + L).add(c21).intoArray(c, cOff + 2 * ldc + L);
    FloatVector.fromArray(S, to, at + 3 * ld).add(c30).intoArray(c, cOff + 3 * ldc);
    FloatVector.fromArray(S, to, at + 3 * ld + L).add(c31).intoArray(c, cOff + 3 * ldc + L);
    FloatVector.fromArray(S, to, at + 4 * ld).add(c40).intoArray(c, cOff + 4 * ldc);
    FloatVector.fromArray(S, to, at + 4 * ld + L).add(c41).intoArray(c, cOff + 4 * ldc + L);
    FloatVector.fromArray(S, to, at + 5 * ld).add(c50).intoArray(c, cOff + 5 * ldc);
    FloatVector.fromArray(S, to, at + 5 * ld + L).add(c51).intoArray(c, cOff + 5 * ldc + L);
    FloatVector.fromArray(S, to, at + 6 * ld).add(c60).intoArray(c, cOff + 6 * ldc);
    FloatVector.fromArray(S, to, at + 6 * ld + L).add(c61).intoArray(c, cOff + 6 * ldc + L);
    FloatVector.fromArray(S, to, at + 7 * ld).add(c70).intoArray(c, cOff + 7 * ldc);
    FloatVector.fromArray(S, to, at + 7 * ld + L).add(c71).intoArray(c, cOff + 7 * ldc + L);
    FloatVector.fromArray(S, to, at + 8 * ld).add(c80).intoArray(c, cOff + 8 * ldc);
    FloatVector.fromArray(S, to, at + 8 * ld + L).add(c81).intoArray(c, cOff + 8 * ldc + L);
    FloatVector.fromArray(S, to, at + 9 * ld).add(c90).intoArray(c, cOff + 9 * ldc);
    FloatVector.fromArray(S, to, at + 9 * ld + L).add(c91).intoArray(c, cOff + 9 * ldc + L);
    FloatVector.fromArray(S, to, at + 10 * ld).add(c100).intoArray(c, cOff + 10 * ldc);
    FloatVector.fromArray(S, to, at + 10 * ld + L).add(c101).intoArray(c, cOff + 10 * ldc + L);
    FloatVector.fromArray(S, to, at + 11 * ld).add(c110).intoArray(c, cOff + 11 * ldc);
    FloatVector.fromArray(S, to, at + 11 * ld + L).add(c111).intoArray(c, cOff + 11 * ldc + L);
    FloatVector.fromArray(S, to, at + 12 * ld).add(c120).intoArray(c, cOff + 12 * ldc);
    FloatVector.fromArray(S, to, at + 12 * ld + L).add(c121).intoArray(c, cOff + 12 * ldc + L);
  }

  /**
   * {@link #kernelPacked2}'s form for a last panel of one vector.
   */
  private static void kernelPacked1(
      int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
    FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0;
    FloatVector c7 = FloatVector.zero(S), c8 = c7, c9 = c7, c10 = c7, c11 = c7, c12 = c7;
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * MR_PACKED, bi = bOff + p * L;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      c0 = FloatVector.broadcast(S, ap[ai]).fma(b0, c0);
      c1 = FloatVector.broadcast(S, ap[ai + 1]).fma(b0, c1);
      c2 = FloatVector.broadcast(S, ap[ai + 2]).fma(b0, c2);
      c3 = FloatVector.broadcast(S, ap[ai + 3]).fma(b0, c3);
      c4 = FloatVector.broadcast(S, ap[ai + 4]).fma(b0, c4);
      c5 = FloatVector.broadcast(S, ap[ai + 5]).fma(b0, c5);
      c6 = FloatVector.broadcast(S, ap[ai + 6]).fma(b0, c6);
      c7 = FloatVector.broadcast(S, ap[ai + 7]).fma(b0, c7);
      c8 = FloatVector.broadcast(S, ap[ai + 8]).fma(b0, c8);
      c9 = FloatVector.broadcast(S, ap[ai + 9]).fma(b0, c9);
      c10 = FloatVector.broadcast(S, ap[ai + 10]).fma(b0, c10);
      c11 = FloatVector.broadcast(S, ap[ai + 11]).fma(b0, c11);
      c12 = FloatVector.broadcast(S, ap[ai + 12]).fma(b0, c12);
    }
    c0.intoArray(c, cOff);
    c1.intoArray(c, cOff + 1 * ldc);
    c2.intoArray(c, cOff + 2 * ldc);
    c3.intoArray(c, cOff + 3 * ldc);
    c4.intoArray(c, cOff + 4 * ldc);
    c5.intoArray(c, cOff + 5 * ldc);
    c6.intoArray(c, cOff + 6 * ldc);
    c7.intoArray(c, cOff + 7 * ldc);
    c8.intoArray(c, cOff + 8 * ldc);
    c9.intoArray(c, cOff + 9 * ldc);
    c10.intoArray(c, cOff + 10 * ldc);
    c11.intoArray(c, cOff + 11 * ldc);
    c12.intoArray(c, cOff + 12 * ldc);
  }
}
