package overtrain.model.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import overtrain.kernels.Gemm;
import overtrain.kernels.Parallel;
import overtrain.kernels.VectorOps;

/**
 * Causal multi-head softmax attention on already projected and rotated q, k, v. Heads sit side
 * by side in each row (head h owns columns h*headDim .. (h+1)*headDim), as a [n, d] projection
 * produces them, so one head of one sequence is a strided [t, headDim] matrix that
 * {@link Gemm#sgemm} reads in place. Work is split over (sequence, head) pairs, which write
 * disjoint memory, so the result does not depend on the thread count.
 *
 * <p>The products skip the masked half in blocks of {@link #BLOCK} rows: rows [i0, i1) of
 * the scores need keys [0, i1) only, and columns [j0, j1) of the probabilities only queries
 * [j0, t). The terms left out are products with masked (zero) probabilities, so the sums are
 * those of the full square (bit for bit while t fits one depth block of {@link Gemm}, 256);
 * at t = 256 the blocks do 5/8 of its work.
 *
 * <pre>
 *   forward   q,k,v[b*t, heads*hd] -> y[b*t, heads*hd], att[b, heads, t, t] (zero above the diagonal)
 *   backward  dy[b*t, heads*hd], q,k,v, att -> dq,dk,dv[b*t, heads*hd] (set)
 *             att is overwritten with d(scores); d(att) of one (sequence, head) at a time
 *             lives in a t x t buffer per thread
 * </pre>
 */
public final class Attention {
  /** Rows (or columns) per causal block: a multiple of the matrix kernel's tile. */
  static final int BLOCK = 64;
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Each thread's buffers for the (sequence, head) it is on, grown once. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * d(att), t x t, and k^T or v^T of one head packed once for all its blocks of queries (packing
   * a transposed matrix goes float by float, and each block used to repack the keys before it).
   */
  private static final class Scratch {
    final Gemm.PackedB transposed = new Gemm.PackedB();
    float[] dAtt = new float[0];
  }

  private Attention() {}

  public static void forward(
      float[] q, float[] k, float[] v, float[] att, float[] y,
      int batch, int seqLen, int heads, int headDim, float scale) {
    int width = heads * headDim, t = seqLen;
    Parallel.range(batch * heads, (from, to) -> {
      Gemm.PackedB packed = SCRATCH.get().transposed;
      for (int bh = from; bh < to; bh++) {
        int rows = (bh / heads) * t * width + (bh % heads) * headDim, a = bh * t * t;
        Gemm.PackedB kT = packed.pack(true, t, headDim, k, rows, width);
        for (int i0 = 0; i0 < t; i0 += BLOCK) {
          int i1 = Math.min(t, i0 + BLOCK), m = i1 - i0;
          // scores = q k^T for these rows against keys [0, i1), then a causal softmax by row
          Gemm.sgemm(false, m, i1, q, rows + i0 * width, width, kT, att, a + i0 * t, t, false);
          for (int i = i0; i < i1; i++) causalSoftmax(att, a + i * t, i, t, scale);
          // y = att v over the same keys
          Gemm.sgemm(false, false, m, headDim, i1, att, a + i0 * t, t, v, rows, width,
              y, rows + i0 * width, width, false);
        }
      }
    });
  }

  /**
   * Row {@code row} of a t x t score matrix becomes softmax over columns 0..row, zero after. The
   * row's exponentials and scaling run in whole vectors up to the next multiple of the vector
   * length (within t): {@link VectorOps#expSum} zeroes the masked lanes of the vector that
   * straddles the diagonal, so no exponential is taken lane by lane, and the rest of the row is
   * zeroed after.
   */
  private static void causalSoftmax(float[] s, int off, int row, int t, float scale) {
    int len = row + 1, padded = Math.min(t, VectorOps.roundUp(len));
    float max = VectorOps.max(s, off, len);
    double sum = VectorOps.expSum(s, off, len, padded, scale, max);
    VectorOps.scale((float) (1.0 / sum), s, off, padded);
    java.util.Arrays.fill(s, off + padded, off + t, 0f);
  }

  /**
   * Row {@code row} of the softmax's backward pass, in place of att: d(scores) = scale * att *
   * (d(att) - sum att d(att)). Runs over whole vectors up to the next multiple of the vector
   * length, as the forward pass does: past the diagonal att is zero, and d(att) is finite there
   * (a product the causal blocks computed), so those columns add nothing and stay zero. (It was
   * a scalar loop in double, and much slower.) The scale is a broadcast vector, not a float
   * operand: written p.mul(scale), in some processes C2 later compiled the forward pass's softmax
   * with a vector store left to its slow fallback, which made attention about twice as slow;
   * written as below, no process did (bench/HISTORY.md).
   */
  private static void softmaxBackward(
      float[] att, int off, float[] dAtt, int dOff, int row, int t, float scale) {
    int padded = Math.min(t, VectorOps.roundUp(row + 1));
    float weighted = VectorOps.dot(att, off, dAtt, dOff, padded);
    FloatVector w = FloatVector.broadcast(S, weighted), vScale = FloatVector.broadcast(S, scale);
    int j = 0;
    for (; j <= padded - L; j += L) {
      FloatVector d = FloatVector.fromArray(S, dAtt, dOff + j).sub(w).mul(vScale);
      d.mul(FloatVector.fromArray(S, att, off + j)).intoArray(att, off + j);
    }
    for (; j < padded; j++) att[off + j] = (dAtt[dOff + j] - weighted) * scale * att[off + j];
  }

  public static void backward(
      float[] dy, float[] q, float[] k, float[] v, float[] att,
      float[] dq, float[] dk, float[] dv,
      int batch, int seqLen, int heads, int headDim, float scale) {
    int width = heads * headDim, t = seqLen;
    Parallel.range(batch * heads, (from, to) -> {
      Scratch scratch = SCRATCH.get();
      if (scratch.dAtt.length < t * t) scratch.dAtt = new float[t * t];
      float[] dAtt = scratch.dAtt;
      for (int bh = from; bh < to; bh++) {
        int rows = (bh / heads) * t * width + (bh % heads) * headDim, a = bh * t * t;
        // dv = att^T dy, column block by column block over the queries that see it
        for (int j0 = 0; j0 < t; j0 += BLOCK) {
          int j1 = Math.min(t, j0 + BLOCK);
          Gemm.sgemm(true, false, j1 - j0, headDim, t - j0, att, a + j0 * t + j0, t,
              dy, rows + j0 * width, width, dv, rows + j0 * width, width, false);
        }
        // d(att) = dy v^T on the lower blocks
        Gemm.PackedB vT = scratch.transposed.pack(true, t, headDim, v, rows, width);
        for (int i0 = 0; i0 < t; i0 += BLOCK) {
          int i1 = Math.min(t, i0 + BLOCK);
          Gemm.sgemm(false, i1 - i0, i1, dy, rows + i0 * width, width, vT, dAtt, i0 * t, t, false);
        }
        for (int i = 0; i < t; i++) softmaxBackward(att, a + i * t, dAtt, i * t, i, t, scale);
        // dq = d(scores) k by row blocks; dk = d(scores)^T q by column blocks
        for (int i0 = 0; i0 < t; i0 += BLOCK) {
          int i1 = Math.min(t, i0 + BLOCK);
          Gemm.sgemm(false, false, i1 - i0, headDim, i1, att, a + i0 * t, t, k, rows, width,
              dq, rows + i0 * width, width, false);
          Gemm.sgemm(true, false, i1 - i0, headDim, t - i0, att, a + i0 * t + i0, t,
              q, rows + i0 * width, width, dk, rows + i0 * width, width, false);
        }
      }
    });
  }
}
