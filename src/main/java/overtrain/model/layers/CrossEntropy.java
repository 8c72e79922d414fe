package overtrain.model.layers;

import overtrain.kernels.Gemm;
import overtrain.kernels.Parallel;
import overtrain.kernels.VectorOps;

/**
 * The output head fused with softmax and cross-entropy: logits = scale * x W^T are made a chunk
 * of rows at a time, turned into losses (and, when asked, into their gradient in place), and
 * pushed back through the head before the next chunk, so the logits of a whole batch never
 * exist at once. A forward pass alone goes further: each thread makes the logits of a few rows
 * at a time and reduces them while they are still in its cache. Rows whose target is negative
 * count for nothing. Holds its own scratch, grown when a larger chunk is needed and reused
 * after.
 *
 * <pre>
 *   x[n,c], W[vocab,c], targets[n]
 *   forward   -> sum over counted rows of -log p(target) (returned), logProb[n] (optional)
 *   backward  of (that sum * gradScale) -> dx[n,c] (set), dW[vocab,c] (added)
 * </pre>
 */
public final class CrossEntropy {
  /**
   * A training pass makes the logits of at most 16 x width x threads rows at a time, and at
   * most 2^23 logits (32 MiB): {@link #trainingChunk}. Fewer rows repack W and re-add dW more
   * often; more rows push the logits out of cache, which costs most where the width is small
   * (the logits then outweigh the multiply-adds behind them). The rule was chosen from timings
   * of cross-entropy's forward and backward passes for chunks of 2^20 to 2^23 logits at widths
   * 32 to 256; the table is in bench/HISTORY.md ("Numbers behind the code").
   */
  private static final int CHUNK_LOGITS = 1 << 23, ROWS_PER_WIDTH_AND_THREAD = 16;
  /**
   * A forward pass alone makes about 2^16 logits (256 KiB) per thread at a time, at least
   * {@link #SCORE_MIN_ROWS} rows so the product still fills the GEMM's tiles: reduced while they
   * are still in cache, they cost less than logits shared by all threads, written to memory and
   * read back (bench/HISTORY.md).
   */
  private static final int SCORE_BLOCK_LOGITS = 1 << 16, SCORE_MIN_ROWS = 8;
  private static final ThreadLocal<ScoreScratch> SCORE_SCRATCH =
      ThreadLocal.withInitial(ScoreScratch::new);

  private final int vocab, chunkLogits;
  /** W^T packed once per call for every chunk's logits (a transposed pack goes float by float). */
  private final Gemm.PackedB headT = new Gemm.PackedB();
  private float[] logits = new float[0];
  private double[] rowLoss = new double[0];
  private int[] countedRows = new int[0];

  /**
   * @param chunkLogits how many logits a training pass may hold at once (rounded to whole
   *     rows, at least one); {@link #trainingChunk} gives the measured choice
   */
  public CrossEntropy(int vocab, int chunkLogits) {
    this.vocab = vocab;
    this.chunkLogits = chunkLogits;
  }

  /**
   * Bytes a training pass over {@code n} rows makes this hold: a chunk's logits and row losses,
   * and the head packed for them. {@link #heldBytes} is what it holds after such a pass.
   */
  public static long trainingBytes(int vocab, int width, long n, int chunkLogits) {
    long chunk = Math.max(1, Math.min(n, chunkLogits / vocab));
    return 4 * chunk * vocab + 8 * chunk + 4 * Gemm.PackedB.floats(vocab, width);
  }

  /** Bytes of the buffers this holds now (not the per-thread scoring ones). */
  public long heldBytes() {
    return 4L * logits.length + 8L * rowLoss.length + 4L * countedRows.length + 4 * headT.heldFloats();
  }

  /** The training chunk for rows of this width on the engine's threads: see CHUNK_LOGITS. */
  public static int trainingChunk(int vocab, int width) {
    return (int) Math.min(CHUNK_LOGITS,
        (long) ROWS_PER_WIDTH_AND_THREAD * width * Parallel.threads() * vocab);
  }

  /**
   * @param scale the logits' multiplier, positive (a row's largest logit is found before scaling)
   * @param dx where d(loss * gradScale)/dx goes, or null for a forward pass only
   * @param logProb where log p(target) goes per row (0 for ignored rows), or null
   * @return the summed loss over rows with a target >= 0, in nats
   */
  public double run(
      float[] x, float[] w, int wOff, int[] targets, int n, int c, float scale,
      float[] logProb, float[] dx, float[] dw, int dwOff, float gradScale) {
    if (!(scale > 0)) throw new IllegalArgumentException("logit scale must be positive: " + scale);
    Gemm.PackedB head = headT.pack(true, vocab, c, w, wOff, c);
    if (dx == null) return score(x, head, targets, n, c, scale, logProb);
    int chunk = Math.max(1, Math.min(n, chunkLogits / vocab));
    if (logits.length < chunk * vocab) logits = new float[chunk * vocab];
    if (rowLoss.length < chunk) rowLoss = new double[chunk];
    float[] z = logits;
    double[] loss = rowLoss;
    double total = 0;
    for (int start = 0; start < n; start += chunk) {
      int rows = Math.min(chunk, n - start), first = start;
      Gemm.sgemm(false, rows, vocab, x, start * c, c, head, z, 0, vocab, false);
      Parallel.range(rows, (from, to) -> {
        for (int i = from; i < to; i++) {
          loss[i] = row(z, i * vocab, scale, targets[first + i], logProb, first + i, gradScale);
        }
      });
      for (int i = 0; i < rows; i++) total += loss[i];
      Gemm.sgemm(false, false, rows, c, vocab, z, 0, vocab, w, wOff, c, dx, start * c, c, false);
      Gemm.sgemm(true, false, vocab, c, rows, z, 0, vocab, x, start * c, c, dw, dwOff, c, true);
    }
    return total;
  }

  /**
   * {@link #run}'s forward pass with the head's weights [vocab, c] held in bfloat16: they are
   * widened as they are packed, so the result is the float32 head's, bit for bit.
   */
  public double score(float[] x, short[] w, int[] targets, int n, int c, float scale, float[] logProb) {
    if (!(scale > 0)) throw new IllegalArgumentException("logit scale must be positive: " + scale);
    return score(x, headT.packTransposed(vocab, c, w, 0, c), targets, n, c, scale, logProb);
  }

  /**
   * The forward pass alone: the counted rows split over threads, each thread making their logits
   * block by block. Ignored rows cost nothing: a block whose rows are not consecutive in x is
   * gathered first, so scoring only a sequence's last tokens (a class label, a continuation)
   * pays the head for those alone.
   */
  private double score(
      float[] x, Gemm.PackedB head, int[] targets, int n, int c, float scale, float[] logProb) {
    if (rowLoss.length < n) rowLoss = new double[n];
    if (countedRows.length < n) countedRows = new int[n];
    int[] rowAt = countedRows;
    int counted = 0;
    for (int i = 0; i < n; i++) {
      if (targets[i] >= 0) rowAt[counted++] = i;
      else if (logProb != null) logProb[i] = 0f;
    }
    double[] loss = rowLoss;
    int block = Math.max(SCORE_MIN_ROWS, SCORE_BLOCK_LOGITS / vocab);
    Parallel.range(counted, (from, to) -> {
      ScoreScratch scratch = SCORE_SCRATCH.get().ensure(block * vocab, block * c);
      float[] z = scratch.logits;
      for (int start = from; start < to; start += block) {
        int rows = Math.min(block, to - start);
        float[] a = x;
        int aOff = rowAt[start] * c;
        if (rowAt[start + rows - 1] - rowAt[start] != rows - 1) {
          for (int i = 0; i < rows; i++) {
            System.arraycopy(x, rowAt[start + i] * c, scratch.rows, i * c, c);
          }
          a = scratch.rows;
          aOff = 0;
        }
        // inside a parallel body the product runs on this thread alone
        Gemm.sgemm(false, rows, vocab, a, aOff, c, head, z, 0, vocab, false);
        for (int i = 0; i < rows; i++) {
          int row = rowAt[start + i];
          // the loss alone needs no softmax written back: half the memory traffic of the row
          double lp = z[i * vocab + targets[row]] * scale
              - VectorOps.logSumExp(scale, z, i * vocab, vocab);
          if (logProb != null) logProb[row] = (float) lp;
          loss[start + i] = -lp;
        }
      }
    });
    double total = 0;
    for (int i = 0; i < counted; i++) total += loss[i];
    return total;
  }

  /** One thread's logits for a block of rows, and those rows gathered when not consecutive. */
  private static final class ScoreScratch {
    float[] logits = new float[0], rows = new float[0];

    ScoreScratch ensure(int logitFloats, int rowFloats) {
      if (logits.length < logitFloats) logits = new float[logitFloats];
      if (rows.length < rowFloats) rows = new float[rowFloats];
      return this;
    }
  }

  /**
   * One row of a training pass: loss = logsumexp(scale * z) - scale * z[target], and the row
   * becomes d(loss * gradScale)/dz = gradScale * scale * (softmax - onehot); all zeros when the
   * target is ignored. Runs on full vectors ({@link VectorOps#exp}), a scalar tail after.
   */
  private double row(
      float[] z, int off, float scale, int target, float[] logProb, int row, float gradScale) {
    if (target < 0) {
      if (logProb != null) logProb[row] = 0f;
      java.util.Arrays.fill(z, off, off + vocab, 0f);
      return 0;
    }
    float max = VectorOps.max(z, off, vocab);
    float targetLogit = z[off + target] * scale;
    double sum = VectorOps.expSum(z, off, vocab, vocab, scale, max);
    double lp = targetLogit - VectorOps.softmaxShift(scale, max) - Math.log(sum);
    if (logProb != null) logProb[row] = (float) lp;
    VectorOps.scale((float) (gradScale * scale / sum), z, off, vocab);
    z[off + target] -= gradScale * scale;
    return -lp;
  }
}
