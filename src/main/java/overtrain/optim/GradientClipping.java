package overtrain.optim;

/** Global gradient-norm clipping, as {@code torch.nn.utils.clip_grad_norm_} does it. */
public final class GradientClipping {
  private GradientClipping() {}

  /** The L2 norm of all gradients together, accumulated in double in a fixed order. */
  public static double globalNorm(float[] grads) {
    double sum = 0;
    for (float g : grads) sum += (double) g * g;
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
