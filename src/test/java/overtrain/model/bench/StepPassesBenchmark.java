package overtrain.model.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import overtrain.kernels.Parallel;
import overtrain.kernels.VectorOps;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.TensorSpec;
import overtrain.model.layers.LayerNorm;
import overtrain.model.layers.Rope;
import overtrain.model.layers.SwiGlu;
import overtrain.optim.AdamW;
import overtrain.optim.GradientClipping;

/**
 * The memory-bound passes of one training step at 4 layers, d 256, vocab 8192 and 4096 rows
 * (batch 16 x context 256), each once per operation, on the engine's threads (two here; for
 * one, pass {@code -jvmArgsAppend "--add-modules=jdk.incubator.vector -Dovertrain.threads=1"}).
 * What a pass must move at least, every array it reads once and every array it writes once, is
 * {@link #bytes}; {@code bench/jmh.sh} turns the scores into GB/s and compares them with
 * {@link overtrain.kernels.bench.BandwidthCeilingBenchmark} when both run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dovertrain.threads=2"})
public class StepPassesBenchmark {
  static final int LAYERS = 4, D = 256, HEADS = 4, VOCAB = 8192, CONTEXT = 256, BATCH = 16;
  static final int ROWS = BATCH * CONTEXT, FF = 4 * D;
  /** Rows of logits one pass of the cross-entropy row work covers (one training chunk's worth). */
  static final int LOGIT_ROWS = 1024;
  static final ModelConfig CONFIG = new ModelConfig(VOCAB, D, LAYERS, HEADS, FF, CONTEXT, false,
      10000.0, Parameterization.MUP, D, 0.02);

  private float[] x, xhat, rstd, dxhat, dx, g, u, h, dh, dg, du, q, logits, params, grads;
  private Rope rope;
  private AdamW adam;

  /** Bytes the pass a benchmark method times must move, by the method's name. */
  public static long bytes(String method) {
    long nd = (long) ROWS * D, nf = (long) ROWS * FF, p = parameterCount();
    return switch (method) {
      case "layerNormForward" -> 4 * (2 * nd + ROWS); // x in; xhat, rstd out
      case "layerNormBackward" -> 4 * (4 * nd + ROWS); // dxhat, xhat, rstd, dx in; dx out
      case "swigluForward" -> 4 * 3 * nf; // g, u in; h out
      case "swigluBackward" -> 4 * 5 * nf; // dh, g, u in; dg, du out
      case "rope" -> 4 * 2 * nd; // q in and out (the tables are small)
      case "crossEntropyRows" -> 4 * 2L * LOGIT_ROWS * VOCAB; // logits in and out
      case "gradientNorm" -> 4 * p; // gradients in
      case "adamw" -> 4 * 7 * p; // params, grads, m, v in; params, m, v out
      default -> throw new IllegalArgumentException("no byte count for " + method);
    };
  }

  static long parameterCount() {
    long n = 0;
    for (TensorSpec s : OlmoModel.layout(CONFIG)) n += s.size();
    return n;
  }

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(1);
    int nd = ROWS * D, nf = ROWS * FF;
    x = random(rnd, nd);
    xhat = new float[nd];
    rstd = new float[ROWS];
    dxhat = random(rnd, nd);
    dx = new float[nd];
    g = random(rnd, nf);
    u = random(rnd, nf);
    h = new float[nf];
    dh = random(rnd, nf);
    dg = new float[nf];
    du = new float[nf];
    q = random(rnd, nd);
    logits = random(rnd, LOGIT_ROWS * VOCAB);
    List<TensorSpec> specs = OlmoModel.layout(CONFIG);
    params = random(rnd, (int) parameterCount());
    grads = random(rnd, params.length);
    rope = new Rope(D / HEADS, CONTEXT, 10000.0);
    adam = new AdamW(specs, 0.1);
    LayerNorm.forward(x, xhat, rstd, ROWS, D);
  }

  @Benchmark
  public float[] layerNormForward() {
    LayerNorm.forward(x, xhat, rstd, ROWS, D);
    return xhat;
  }

  @Benchmark
  public float[] layerNormBackward() {
    LayerNorm.backward(dxhat, xhat, rstd, dx, ROWS, D);
    return dx;
  }

  @Benchmark
  public float[] swigluForward() {
    SwiGlu.forward(g, u, h, ROWS * FF);
    return h;
  }

  @Benchmark
  public float[] swigluBackward() {
    SwiGlu.backward(dh, g, u, dg, du, ROWS * FF);
    return du;
  }

  @Benchmark
  public float[] rope() {
    rope.forward(q, BATCH, CONTEXT, HEADS); // a rotation: repeating it keeps q bounded
    return q;
  }

  /**
   * What cross-entropy does to each row of a training chunk's logits between its forward and
   * backward products: the row's maximum, its exponentials and their sum, then the scale by
   * 1/sum (the rows, already exponentials after the first call, stay in (0, 1]).
   */
  @Benchmark
  public float[] crossEntropyRows() {
    Parallel.range(LOGIT_ROWS, (from, to) -> {
      for (int i = from; i < to; i++) {
        int off = i * VOCAB;
        double sum = VectorOps.expSum(logits, off, VOCAB, VOCAB, 1f, VectorOps.max(logits, off, VOCAB));
        VectorOps.scale((float) (1 / sum), logits, off, VOCAB);
      }
    });
    return logits;
  }

  @Benchmark
  public double gradientNorm() {
    return GradientClipping.globalNorm(grads);
  }

  @Benchmark
  public float[] adamw() {
    adam.update(params, grads, 1e-3);
    return params;
  }

  private static float[] random(SplittableRandom rnd, int size) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) a[i] = (float) (rnd.nextDouble() - 0.5);
    return a;
  }
}
