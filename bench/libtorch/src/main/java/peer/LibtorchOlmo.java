package peer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.training.GradientCollector;
import com.google.gson.Gson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The libtorch peer for the speed benchmarks: current libtorch (the CPU build DJL ships in its
 * Maven artifacts) training the OLMo block that overtrain and bench/peer_olmo.py train, on
 * random tokens, from Java.
 *
 * <p>Token embedding; per block a non-parametric LayerNorm (eps 1e-5), causal multi-head
 * attention with rotary embeddings (theta 10000, rotate-half), output projection, residual,
 * non-parametric LayerNorm, SwiGLU down(silu(gate(x)) * up(x)), residual; a final
 * non-parametric LayerNorm and an untied head; no biases; cross-entropy; gradients clipped to
 * norm 1; AdamW (0.9, 0.95, eps 1e-8, weight decay 0.1 on every matrix but the embedding).
 * Weights are drawn from N(0, 0.02^2), as overtrain's are, so the first loss is near ln(vocab).
 *
 * <p>Every tensor operation is one libtorch call (DJL's JNI binding of the ATen function of the
 * same name). DJL binds no silu, so SiLU is x * sigmoid(x): one more elementwise pass forward
 * and two more backward over the gate's activations, memory-bound and small beside the
 * products. The optimizer is DJL's {@code adamUpdate} in AdamW mode, libtorch's in-place tensor
 * ops per parameter, as torch's own single-tensor AdamW does on a CPU.
 *
 * <p>It never reaches the network: offline mode is set before DJL loads (DJL then neither
 * downloads a library nor calls home), and the native library comes out of the
 * pytorch-native-cpu jar on the class path into the cache directory (ENGINE_CACHE_DIR).
 * Prints one JSON line in bench/peer_olmo.py's shape.
 */
public final class LibtorchOlmo {
  private int layers = 4, dModel = 256, heads = 4, intermediate = 0, vocab = 8192, context = 256;
  private int batch = 16, threads = 2, steps = 10, warmup = 2;
  private long seed = 1;

  private NDManager manager;
  private NDArray embed, head, cos, sin, mask, normWeight, normBias;
  private final List<NDArray[]> blocks = new ArrayList<>(); // q, k, v, o, gate, up, down
  private final List<NDArray> params = new ArrayList<>();
  private final List<Boolean> decays = new ArrayList<>();
  private final List<NDArray[]> moments = new ArrayList<>(); // AdamW's m and v per parameter
  private int hd, ff;

  public static void main(String[] args) {
    // before any DJL class reads them: no library download, no call home
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("OPT_OUT_TRACKING", "true");
    new LibtorchOlmo().run(args);
  }

  private void run(String[] args) {
    parse(args);
    Engine engine = Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
    JniUtils.setNumInteropThreads(1);
    JniUtils.setSeed(seed);
    manager = engine.newBaseManager();
    build();

    SplittableRandom rng = new SplittableRandom(seed);
    float loss = Float.NaN, initialLoss = Float.NaN;
    for (int s = 0; s < warmup; s++) {
      loss = step(rng, s + 1);
      if (s == 0) initialLoss = loss;
    }
    double seconds = 0;
    double[] stepMillis = new double[steps];
    for (int s = 0; s < steps; s++) {
      long start = System.nanoTime();
      loss = step(rng, warmup + s + 1);
      long took = System.nanoTime() - start;
      seconds += took / 1e9;
      stepMillis[s] = Math.round(took / 1e4) / 100.0;
      if (warmup == 0 && s == 0) initialLoss = loss;
    }

    long tokens = (long) steps * batch * context;
    long nonEmbed = (long) layers * (4L * dModel * dModel + 3L * dModel * ff);
    double flopsPerToken = 6.0 * nonEmbed + 6.0 * vocab * dModel + 12.0 * layers * dModel * context;
    long count = 0;
    for (NDArray p : params) count += p.size();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("peer", "libtorch");
    out.put("torch", engine.getVersion());
    out.put("djl", Engine.getDjlVersion());
    out.put("libtorch_path", LibUtils.getLibtorchPath());
    out.put("features", new TreeSet<>(JniUtils.getFeatures()).toString());
    out.put("threads", threads);
    out.put("layers", layers);
    out.put("d_model", dModel);
    out.put("heads", heads);
    out.put("intermediate", ff);
    out.put("vocab", vocab);
    out.put("context", context);
    out.put("batch", batch);
    out.put("steps", steps);
    out.put("params", count);
    out.put("tokens_per_s", Math.round(tokens / seconds * 10) / 10.0);
    out.put("gflops", Math.round(tokens * flopsPerToken / seconds / 1e8) / 10.0);
    out.put("step_times_ms", stepMillis);
    out.put("initial_loss", Math.round(initialLoss * 1e4) / 1e4);
    out.put("loss", Math.round(loss * 1e4) / 1e4);
    System.out.println(new Gson().toJson(out));
    manager.close();
  }

  private void build() {
    int d = dModel;
    if (d % heads != 0 || (d / heads) % 2 != 0) {
      throw new IllegalArgumentException("--d-model " + d + " must split into --heads " + heads
          + " of even size");
    }
    hd = d / heads;
    ff = intermediate > 0 ? intermediate : 4 * d;
    embed = param(vocab, d, false);
    for (int l = 0; l < layers; l++) {
      blocks.add(new NDArray[] {param(d, d, true), param(d, d, true), param(d, d, true),
          param(d, d, true), param(ff, d, true), param(ff, d, true), param(d, ff, true)});
    }
    head = param(vocab, d, true);
    // rotate-half RoPE tables [ctx, hd] and the causal mask, constants outside autograd
    float[] c = new float[context * hd], s = new float[context * hd];
    for (int t = 0; t < context; t++) {
      for (int i = 0; i < hd / 2; i++) {
        double angle = t / Math.pow(10000.0, 2.0 * i / hd);
        c[t * hd + i] = c[t * hd + i + hd / 2] = (float) Math.cos(angle);
        s[t * hd + i] = s[t * hd + i + hd / 2] = (float) Math.sin(angle);
      }
    }
    cos = manager.create(c, new Shape(context, hd));
    sin = manager.create(s, new Shape(context, hd));
    float[] m = new float[context * context];
    for (int i = 0; i < context; i++) {
      for (int j = i + 1; j < context; j++) m[i * context + j] = Float.NEGATIVE_INFINITY;
    }
    mask = manager.create(m, new Shape(context, context));
    // the non-parametric LayerNorm: weight 1 and bias 0, never trained (DJL's binding wants both)
    normWeight = manager.ones(new Shape(d));
    normBias = manager.zeros(new Shape(d));
  }

  private NDArray param(int rows, int cols, boolean decay) {
    NDArray p = manager.randomNormal(0f, 0.02f, new Shape(rows, cols), DataType.FLOAT32);
    p.setRequiresGradient(true);
    params.add(p);
    decays.add(decay);
    moments.add(new NDArray[] {manager.zeros(p.getShape()), manager.zeros(p.getShape())});
    return p;
  }

  /** One training step on fresh random tokens; returns its loss. */
  private float step(SplittableRandom rng, int t) {
    long[] in = new long[batch * context], target = new long[batch * context];
    for (int i = 0; i < in.length; i++) in[i] = rng.nextInt(vocab);
    for (int i = 0; i < target.length; i++) target[i] = rng.nextInt(vocab);
    try (NDManager scope = manager.newSubManager()) {
      NDArray tokens = scope.create(in, new Shape(batch, context));
      NDArray targets = scope.create(target, new Shape((long) batch * context, 1));
      float loss;
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray logits = forward(tokens);
        NDArray l = logits.reshape(-1, vocab).logSoftmax(-1).gather(targets, 1).mean().neg();
        collector.backward(l);
        loss = l.getFloat();
      }
      List<NDArray> grads = new ArrayList<>();
      for (NDArray p : params) {
        NDArray g = p.getGradient();
        g.attach(scope);
        grads.add(g);
      }
      clip(scope, grads, 1.0f);
      adamW(grads, t, 1e-3f, 0.1f, 0.9f, 0.95f, 1e-8f);
      return loss;
    }
  }

  private NDArray forward(NDArray tokens) {
    NDArray x = JniUtils.embedding((PtNDArray) tokens, (PtNDArray) embed, false); // [B, T, d]
    for (NDArray[] w : blocks) {
      NDArray y = norm(x);
      NDArray q = rope(split(linear(y, w[0])));
      NDArray k = rope(split(linear(y, w[1])));
      NDArray v = split(linear(y, w[2]));
      NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(hd)).add(mask);
      NDArray o = att.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(batch, context, dModel);
      x = x.add(linear(o, w[3]));
      y = norm(x);
      NDArray gate = linear(y, w[4]);
      NDArray silu = gate.mul(JniUtils.sigmoid((PtNDArray) gate));
      x = x.add(linear(silu.mul(linear(y, w[5])), w[6]));
    }
    return linear(norm(x), head);
  }

  private NDArray norm(NDArray x) {
    return JniUtils.layerNorm((PtNDArray) x, new Shape(dModel), (PtNDArray) normWeight,
        (PtNDArray) normBias, 1e-5);
  }

  private static NDArray linear(NDArray x, NDArray w) {
    return JniUtils.linear((PtNDArray) x, (PtNDArray) w, null);
  }

  /** [B, T, d] to [B, h, T, hd]. */
  private NDArray split(NDArray x) {
    return x.reshape(batch, context, heads, hd).transpose(0, 2, 1, 3);
  }

  private NDArray rope(NDArray x) {
    NDArray x1 = x.get(new NDIndex("..., :" + hd / 2));
    NDArray x2 = x.get(new NDIndex("..., " + hd / 2 + ":"));
    return x.mul(cos).add(NDArrays.concat(new NDList(x2.neg(), x1), -1).mul(sin));
  }

  /** torch.nn.utils.clip_grad_norm_: scale every gradient by min(1, max / (norm + 1e-6)). */
  private static void clip(NDManager scope, List<NDArray> grads, float max) {
    NDList norms = new NDList(grads.size());
    for (NDArray g : grads) norms.add(g.norm());
    NDArray total = NDArrays.stack(norms).norm();
    NDArray coef = total.add(1e-6f).pow(-1).mul(max).minimum(1f);
    for (NDArray g : grads) g.muli(coef);
  }

  private void adamW(List<NDArray> grads, int t, float lr, float decay, float b1, float b2,
      float eps) {
    float corrected = (float) (lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t)));
    for (int i = 0; i < params.size(); i++) {
      NDArray p = params.get(i);
      NDArray[] m = moments.get(i);
      p.getNDArrayInternal().adamUpdate(new NDList(p, grads.get(i), m[0], m[1]), new NDList(p),
          lr, corrected, decays.get(i) ? decay : 0f, 1f, -1f, b1, b2, eps, false, true);
    }
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) throw new IllegalArgumentException(name + " needs a value");
      String value = args[++i];
      int n;
      try {
        n = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ": expected an integer, got '" + value + "'");
      }
      switch (name) {
        case "--layers" -> layers = n;
        case "--d-model" -> dModel = n;
        case "--heads" -> heads = n;
        case "--intermediate" -> intermediate = n;
        case "--vocab" -> vocab = n;
        case "--context" -> context = n;
        case "--batch" -> batch = n;
        case "--threads" -> threads = n;
        case "--steps" -> steps = n;
        case "--warmup" -> warmup = n;
        case "--seed" -> seed = n;
        default -> throw new IllegalArgumentException("unknown option " + name + " (expected "
            + "--layers, --d-model, --heads, --intermediate, --vocab, --context, --batch, "
            + "--threads, --steps, --warmup, --seed)");
      }
    }
    if (steps < 1 || warmup < 0 || threads < 1) {
      throw new IllegalArgumentException("--steps and --threads must be >= 1, --warmup >= 0");
    }
  }
}
