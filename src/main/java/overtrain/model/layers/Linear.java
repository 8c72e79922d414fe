package overtrain.model.layers;

import overtrain.kernels.Gemm;

/**
 * A linear layer without bias, y = x W^T with W stored [out, in] as in PyTorch. Every product
 * goes through {@link Gemm#sgemm}, so the layer is as fast as the kernel behind it.
 *
 * <pre>
 *   forward   x[n,in], W[out,in]            -> y[n,out]
 *   backward  dy[n,out], x[n,in], W[out,in] -> dx[n,in] (set or added), dW[out,in] (added)
 * </pre>
 */
public final class Linear {
  private Linear() {}

  /** y = x W^T, or y += x W^T when {@code accumulate} (a residual add for free). */
  public static void forward(
      float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
      int n, int in, int out, boolean accumulate) {
    Gemm.sgemm(false, true, n, out, in, x, xOff, in, w, wOff, in, y, yOff, out, accumulate);
  }

  /**
   * {@link #forward} with W packed already ({@link Gemm.PackedB#pack} of W^T, or, for a model
   * holding its weights in bfloat16, {@link Gemm.PackedB#packTransposed}, which widens them):
   * the same product, bit for bit.
   */
  public static void forward(
      float[] x, Gemm.PackedB w, float[] y, int n, int in, int out, boolean accumulate) {
    Gemm.sgemm(false, n, out, x, 0, in, w, y, 0, out, accumulate);
  }

  /**
   * y_i = x W_i^T (set) for weights that share their input x, a layer's q, k and v or its gate
   * and up, each packed already into {@code packed[i]} (as for {@link #forward(float[],
   * Gemm.PackedB, float[], int, int, int, boolean)}): the products run as one
   * {@link Gemm.Group}, so the layer hands work to the other thread once for all of them.
   */
  public static void forward(
      Gemm.Group group, Gemm.PackedB[] packed, float[] x, float[][] ys, int n, int in, int out) {
    for (int i = 0; i < ys.length; i++) group.add(false, n, out, x, 0, in, packed[i], ys[i], 0, out, false);
    group.run();
  }

  /**
   * dW_i += dy_i^T x for weights that share their input x, as one {@link Gemm.Group}: x is
   * packed once into {@code packedX} for all of them (each product alone packed it again).
   */
  public static void weightGradients(
      Gemm.Group group, Gemm.PackedB packedX, float[] x, float[][] dys, float[] dw, int[] dwOffs,
      int n, int in, int out) {
    packedX.pack(false, in, n, x, 0, in);
    for (int i = 0; i < dys.length; i++) {
      group.add(true, out, in, dys[i], 0, out, packedX, dw, dwOffs[i], in, true);
    }
    group.run();
  }

  /** dx = dy W, or dx += dy W when {@code accumulateDx}. */
  public static void inputGradient(
      float[] dy, float[] w, int wOff, float[] dx, boolean accumulateDx, int n, int in, int out) {
    Gemm.sgemm(false, false, n, in, out, dy, 0, out, w, wOff, in, dx, 0, in, accumulateDx);
  }

  /**
   * dW += dy^T x; and dx = dy W (or dx += dy W when {@code accumulateDx}) unless dx is null.
   * dx may be x itself when not accumulating: the weight gradient has read x by then.
   */
  public static void backward(
      float[] dy, int dyOff, float[] x, int xOff, float[] w, int wOff,
      float[] dx, int dxOff, boolean accumulateDx, float[] dw, int dwOff,
      int n, int in, int out) {
    Gemm.sgemm(true, false, out, in, n, dy, dyOff, out, x, xOff, in, dw, dwOff, in, true);
    if (dx != null) {
      Gemm.sgemm(false, false, n, in, out, dy, dyOff, out, w, wOff, in, dx, dxOff, in, accumulateDx);
    }
  }
}
