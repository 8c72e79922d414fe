package overtrain.optim;

import overtrain.kernels.Parallel;
import overtrain.kernels.VectorOps;

/** Global gradient-norm clipping, as {@code torch.nn.utils.clip_grad_norm_} does it. */
public final class GradientClipping {
  private GradientClipping() {}

  /** Floats whose squares are summed in float before their sum joins the double total. */
  private static final int BLOCK = 4096;
  /** The calling thread's block sums, grown once, so a training step allocates nothing here. */
  private static final ThreadLocal<double[]> BLOCK_SUMS =
      ThreadLocal.withInitial(() -> new double[0]);

  /**
   * The L2 norm of all gradients together, in a fixed order: squares summed on vectors in float
   * within blocks of {@link #BLOCK} (at most 64 terms per partial sum, so a block's relative
   * error stays near 1e-6 at worst), the blocks on the engine's threads, then their sums added in
   * double in block order, so the bits do not depend on the thread count. One scalar chain in
   * double, as this was, waited on every add and ran at a small fraction of the memory's speed;
   * the blocks on vectors, and then on both threads, each multiplied it (StepPassesBenchmark;
   * figures in bench/HISTORY.md).
   */
  public static double globalNorm(float[] grads) {
    int blocks = (grads.length + BLOCK - 1) / BLOCK;
    double[] sums = BLOCK_SUMS.get();
    if (sums.length < blocks) {
      sums = new double[blocks];
      BLOCK_SUMS.set(sums);
    }
    double[] blockSums = sums;
    Parallel.range(blocks, (from, to) -> {
      for (int b = from; b < to; b++) {
        int start = b * BLOCK;
        int len = Math.min(BLOCK, grads.length - start);
        blockSums[b] = VectorOps.dot(grads, start, grads, start, len);
      }
    });
    double sum = 0;
    for (int b = 0; b < blocks; b++) sum += blockSums[b];
    return Math.sqrt(sum);
  }

  /**
   * Scales {@code grads} so that their global norm is at most {@code maxNorm} and returns the
   * norm before clipping (what a run logs). {@code maxNorm <= 0} disables clipping.
   */
  public static double clip(float[] grads, double maxNorm) {
    double norm = globalNorm(grads);
    if (maxNorm > 0 && norm > maxNorm) {
      // PyTorch's epsilon keeps the scale finite when the norm is tiny.
      float scale = (float) (maxNorm / (norm + 1e-6));
      for (int i = 0; i < grads.length; i++) grads[i] *= scale;
    }
    return norm;
  }
}
