package overtrain.model.layers;

/**
 * LLaVA-1.5's projector ({@code mlp2x_gelu}): two linear layers with biases and a GELU between,
 * from a vision encoder's features to the language model's width, one visual token per row.
 * Parameters at {@code off} in one buffer, in this order: W1 [d, f], b1 [d], W2 [d, d], b2 [d].
 * GELU is the tanh form (GPT-2's; within 1e-3 of the erf form everywhere), because Java has no
 * erf and the form does not matter to what the projector can learn.
 *
 * <pre>
 *   forward   x[n,f] -> h = x W1^T + b1 [n,d], a = gelu(h) [n,d], y = a W2^T + b2 [n,d]
 *   backward  dy[n,d], x, h, a -> dW1, db1, dW2, db2 (added into grads at gOff); da [n,d] is workspace
 * </pre>
 */
public final class Projector {
  private static final double C = Math.sqrt(2 / Math.PI);

  private Projector() {}

  /** Floats of the parameters for features of width {@code f} into a model of width {@code d}. */
  public static int size(int f, int d) {
    return d * f + d + d * d + d;
  }

  public static void forward(float[] x, int n, int f, int d, float[] w, int off, float[] h, float[] a, float[] y) {
    int b1 = off + d * f, w2 = b1 + d, b2 = w2 + d * d;
    Linear.forward(x, 0, w, off, h, 0, n, f, d, false);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        float v = h[i * d + j] + w[b1 + j];
        h[i * d + j] = v;
        a[i * d + j] = gelu(v);
      }
    }
    Linear.forward(a, 0, w, w2, y, 0, n, d, d, false);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) y[i * d + j] += w[b2 + j];
    }
  }

  /** Adds the parameters' gradients into {@code grads} at {@code gOff}; {@code da} is overwritten. */
  public static void backward(float[] dy, float[] x, float[] h, float[] a, int n, int f, int d,
      float[] w, int off, float[] grads, int gOff, float[] da) {
    int w2 = off + d * f + d;
    int gb1 = gOff + d * f, gw2 = gb1 + d, gb2 = gw2 + d * d;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) grads[gb2 + j] += dy[i * d + j];
    }
    Linear.backward(dy, 0, a, 0, w, w2, da, 0, false, grads, gw2, n, d, d);
    for (int i = 0; i < n * d; i++) da[i] *= geluGrad(h[i]);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) grads[gb1 + j] += da[i * d + j];
    }
    Linear.backward(da, 0, x, 0, w, off, null, 0, false, grads, gOff, n, f, d);
  }

  static float gelu(float v) {
    double x = v;
    return (float) (0.5 * x * (1 + Math.tanh(C * (x + 0.044715 * x * x * x))));
  }

  static float geluGrad(float v) {
    double x = v, t = Math.tanh(C * (x + 0.044715 * x * x * x));
    return (float) (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * 0.044715 * x * x));
  }
}
