package overtrain.model.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import overtrain.kernels.Parallel;

/**
 * Rotary position embedding in Hugging Face's rotate-half convention: within each head, element
 * i pairs with element i + headDim/2 and the pair turns by angle pos * invFreq[i], where
 * invFreq[i] = theta^(-2i/headDim). The tables are built in float32 the way Hugging Face builds
 * them (float inverse frequencies times float positions), so long contexts round alike. Pairs
 * turn a vector at a time where half a head fills one, with a scalar tail that rounds as the
 * lanes do (no fused multiply-adds in either): element by element, the pass ran at a fraction
 * of the speed of a stream of that size (StepPassesBenchmark, bench/HISTORY.md). A head
 * that fills exactly one vector (16 floats on AVX-512, the tiny study shape's heads) turns in
 * one piece: the vector, times the cosines, plus its halves swapped, times the sines negated
 * on the first half; the same products and sums as element by element, so the same bits.
 *
 * <pre>
 *   forward   x[b*t, heads*headDim] -> rotated in place (row r sits at position r mod t)
 *   backward  dx[b*t, heads*headDim] -> turned back in place (the transpose of a rotation)
 * </pre>
 */
public final class Rope {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Exchanges a vector's halves: lane i with lane i ^ L/2. */
  private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(S, i -> i ^ (L / 2));
  private final int headDim, half, maxContext;
  private final float[] cos, sin; // [maxContext, half]
  /** For a head of exactly L floats: [maxContext, headDim], cos twice over; -sin, then sin. */
  private final float[] cosHead, sinHead;

  public Rope(int headDim, int maxContext, double theta) {
    this.headDim = headDim;
    this.half = headDim / 2;
    this.maxContext = maxContext;
    this.cos = new float[maxContext * half];
    this.sin = new float[maxContext * half];
    for (int i = 0; i < half; i++) {
      float invFreq = (float) (1.0 / Math.pow(theta, (float) (2 * i) / headDim));
      for (int p = 0; p < maxContext; p++) {
        float angle = p * invFreq;
        cos[p * half + i] = (float) Math.cos(angle);
        sin[p * half + i] = (float) Math.sin(angle);
      }
    }
    if (headDim != L) {
      this.cosHead = this.sinHead = null;
      return;
    }
    this.cosHead = new float[maxContext * headDim];
    this.sinHead = new float[maxContext * headDim];
    for (int p = 0; p < maxContext; p++) {
      for (int i = 0; i < half; i++) {
        cosHead[p * headDim + i] = cosHead[p * headDim + half + i] = cos[p * half + i];
        sinHead[p * headDim + i] = -sin[p * half + i];
        sinHead[p * headDim + half + i] = sin[p * half + i];
      }
    }
  }

  public void forward(float[] x, int batch, int seqLen, int heads) {
    rotate(x, null, batch, seqLen, heads, 1f);
  }

  public void backward(float[] dx, int batch, int seqLen, int heads) {
    rotate(dx, null, batch, seqLen, heads, -1f);
  }

  /**
   * Rotates q and k (same shape) in one pass over the engine's threads: two passes would each
   * hand work to the other thread and wait for it.
   */
  public void forward(float[] q, float[] k, int batch, int seqLen, int heads) {
    rotate(q, k, batch, seqLen, heads, 1f);
  }

  /** Turns dq and dk back, in one pass as {@link #forward(float[], float[], int, int, int)}. */
  public void backward(float[] dq, float[] dk, int batch, int seqLen, int heads) {
    rotate(dq, dk, batch, seqLen, heads, -1f);
  }

  /** Turns every head's pairs of x (and of y unless null) by +angle (direction 1) or -angle (-1). */
  private void rotate(float[] x, float[] y, int batch, int seqLen, int heads, float direction) {
    if (seqLen > maxContext) {
      throw new IllegalArgumentException(
          "sequence length " + seqLen + " exceeds max_position_embeddings " + maxContext);
    }
    Parallel.range(batch * seqLen, (from, to) -> {
      rotateRows(x, from, to, seqLen, heads, direction);
      if (y != null) rotateRows(y, from, to, seqLen, heads, direction);
    });
  }

  private void rotateRows(float[] x, int from, int to, int seqLen, int heads, float direction) {
    int width = heads * headDim;
    FloatVector turn = FloatVector.broadcast(S, direction);
    if (cosHead != null) {
      for (int r = from; r < to; r++) {
        int table = (r % seqLen) * headDim;
        FloatVector c = FloatVector.fromArray(S, cosHead, table);
        FloatVector s = FloatVector.fromArray(S, sinHead, table).mul(turn);
        for (int base = r * width; base < (r + 1) * width; base += headDim) {
          FloatVector v = FloatVector.fromArray(S, x, base);
          v.mul(c).add(v.rearrange(SWAP_HALVES).mul(s)).intoArray(x, base);
        }
      }
      return;
    }
    for (int r = from; r < to; r++) {
      int table = (r % seqLen) * half;
      for (int h = 0; h < heads; h++) {
        int base = r * width + h * headDim;
        int i = 0;
        for (; i <= half - L; i += L) {
          FloatVector c = FloatVector.fromArray(S, cos, table + i);
          FloatVector s = FloatVector.fromArray(S, sin, table + i).mul(turn);
          FloatVector a = FloatVector.fromArray(S, x, base + i);
          FloatVector b = FloatVector.fromArray(S, x, base + half + i);
          a.mul(c).sub(b.mul(s)).intoArray(x, base + i);
          b.mul(c).add(a.mul(s)).intoArray(x, base + half + i);
        }
        for (; i < half; i++) {
          float c = cos[table + i], s = direction * sin[table + i];
          float a = x[base + i], b = x[base + half + i];
          x[base + i] = a * c - b * s;
          x[base + half + i] = b * c + a * s;
        }
      }
    }
  }
}
