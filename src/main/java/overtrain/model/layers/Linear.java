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
   * {@link #forward} with W held in bfloat16: W is widened into {@code packed} (the caller's
   * buffer, reused from call to call) and multiplied as the same W in float32 is, bit for bit.
   */
  public static void forward(
      float[] x, int xOff, short[] w, Gemm.PackedB packed, float[] y, int yOff,
      int n, int in, int out, boolean accumulate) {
    Gemm.sgemm(false, n, out, x, xOff, in, packed.packTransposed(out, in, w, 0, in), y, yOff, out, accumulate);
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
