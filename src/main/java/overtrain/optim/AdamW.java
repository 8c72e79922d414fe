package overtrain.optim;

import java.util.List;
import overtrain.kernels.Parallel;
import overtrain.model.TensorSpec;

/**
 * AdamW with decoupled weight decay (Loshchilov and Hutter; PyTorch's {@code torch.optim.AdamW}
 * formula), over the flat parameter layout: the two moment buffers share the parameters'
 * layout, so a step is one pass per tensor. Each tensor's learning rate is the schedule's
 * rate times its {@link TensorSpec#lrScale()} (how muP scales hidden matrices), and decay
 * applies only where {@link TensorSpec#weightDecay()} says so (never to embeddings).
 */
public final class AdamW {
  /** PyTorch's defaults except beta2, which OLMo and most LM recipes lower to 0.95. */
  public static final double BETA1 = 0.9;
  public static final double BETA2 = 0.95;
  public static final double EPS = 1e-8;

  private final List<TensorSpec> specs;
  private final double weightDecay;
  private final float[] m;
  private final float[] v;
  private long step;

  /** A fresh optimiser: zero moments, no steps taken. */
  public AdamW(List<TensorSpec> specs, double weightDecay) {
    this(specs, weightDecay, new float[size(specs)], new float[size(specs)], 0);
  }

  /** An optimiser resumed from saved moments after {@code step} steps. */
  public AdamW(List<TensorSpec> specs, double weightDecay, float[] m, float[] v, long step) {
    int n = size(specs);
    if (m.length != n || v.length != n) {
      throw new IllegalArgumentException(
          "moment buffers have " + m.length + " and " + v.length + " floats, layout needs " + n);
    }
    if (step < 0) throw new IllegalArgumentException("step must be >= 0, got " + step);
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    this.specs = List.copyOf(specs);
    this.weightDecay = weightDecay;
    this.m = m;
    this.v = v;
    this.step = step;
  }

  /** First moments (exp_avg in PyTorch), in the parameters' layout. */
  public float[] firstMoment() {
    return m;
  }

  /** Second moments (exp_avg_sq in PyTorch), in the parameters' layout. */
  public float[] secondMoment() {
    return v;
  }

  /** Steps taken so far; bias correction uses it. */
  public long step() {
    return step;
  }

  /** Applies one update with base learning rate {@code lr} to {@code params} from {@code grads}. */
  public void update(float[] params, float[] grads, double lr) {
    if (params.length != m.length || grads.length != m.length) {
      throw new IllegalArgumentException("params/grads of " + params.length + "/" + grads.length
          + " floats do not match the optimiser's layout of " + m.length);
    }
    step++;
    double bc1 = 1 - Math.pow(BETA1, step);
    double bc2 = 1 - Math.pow(BETA2, step);
    for (TensorSpec s : specs) {
      double tensorLr = lr * s.lrScale();
      float decay = (float) (s.weightDecay() ? 1 - tensorLr * weightDecay : 1.0);
      float stepSize = (float) (tensorLr / bc1);
      float sqrtBc2 = (float) Math.sqrt(bc2);
      int base = s.at();
      // Elementwise, so splitting across threads cannot change a bit of the result.
      Parallel.range(s.size(), (from, to) ->
          apply(params, grads, base + from, base + to, decay, stepSize, sqrtBc2));
    }
  }

  private void apply(float[] p, float[] g, int from, int to, float decay, float stepSize, float sqrtBc2) {
    final float b1 = (float) BETA1, b2 = (float) BETA2, eps = (float) EPS;
    for (int i = from; i < to; i++) {
      float gi = g[i];
      float mi = b1 * m[i] + (1 - b1) * gi;
      float vi = b2 * v[i] + (1 - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      float denom = (float) Math.sqrt(vi) / sqrtBc2 + eps;
      p[i] = p[i] * decay - stepSize * mi / denom;
    }
  }

  private static int size(List<TensorSpec> specs) {
    long n = 0;
    for (TensorSpec s : specs) n += s.size();
    return Math.toIntExact(n);
  }
}
