package overtrain.kernels;

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
 * <p>This reference version is plain loops, correct and slow; the packed Vector API kernel
 * replaces its body and keeps this signature.
 */
public final class Gemm {
  private Gemm() {}

  public static void sgemm(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc,
      boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int cRow = cOff + i * ldc;
      if (!accumulate) java.util.Arrays.fill(c, cRow, cRow + n, 0f);
      for (int p = 0; p < k; p++) {
        float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        if (aip == 0f) continue;
        if (transB) {
          for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bOff + j * ldb + p];
        } else {
          int bRow = bOff + p * ldb;
          for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
        }
      }
    }
  }
}
