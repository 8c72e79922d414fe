package overtrain.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import overtrain.kernels.BFloat16;
import overtrain.kernels.Gemm;
import overtrain.kernels.Parallel;
import overtrain.model.layers.Attention;
import overtrain.model.layers.CrossEntropy;
import overtrain.model.layers.LayerNorm;
import overtrain.model.layers.Linear;
import overtrain.model.layers.RmsNorm;
import overtrain.model.layers.Rope;
import overtrain.model.layers.SwiGlu;

/**
 * Hugging Face's {@code OlmoForCausalLM} in float32, and its {@code LlamaForCausalLM} and
 * {@code Olmo2ForCausalLM}, which differ from it in their norms only ({@link Architecture}):
 * token embedding; per block, q/k/v projections (q and k RMS-normalised under OLMo-2), rotary
 * embedding, causal attention, o_proj and a residual add, then a SwiGLU MLP and a residual add,
 * each sub-layer with its norm before it (OLMo's non-parametric LayerNorm, Llama's RMSNorm) or
 * after it (OLMo-2's RMSNorm); a final norm and the output head (its own matrix or the
 * embedding's). No biases. The parameterisation's multipliers come from
 * {@link ModelConfig#attentionScale()}, {@link ModelConfig#logitScale()} and
 * {@link ModelConfig#embeddingScale()}.
 *
 * <p>Activations live in buffers sized for the largest batch seen and reused; a model is
 * therefore not safe to share between threads (each thread builds its own over the same
 * {@link Parameters}). The work inside one call runs on {@link Parallel}.
 */
public final class OlmoModel {
  private static final String EMBED = "model.embed_tokens.weight";
  private static final String HEAD = "lm_head.weight";
  private static final String[] BLOCK = {
    "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"
  };
  private static final int Q = 0, K = 1, V = 2, O = 3, GATE = 4, UP = 5, DOWN = 6;
  /** A block's norm weights in {@link Architecture#blockNorms} order. */
  private static final int ATT_NORM = 0, MLP_NORM = 1, Q_NORM = 2, K_NORM = 3;

  private final ModelConfig config;
  private final Parameters params;
  private final Architecture arch;
  private final boolean before; // norms on the sub-layers' inputs (OLMo, Llama), or outputs (OLMo-2)
  private final double eps;
  // Where each weight is. Held in float32, its offset in params.data(); in bfloat16, its tensor's
  // index in params' specs, and the norms' gains, small, widened into `gains` before each
  // forward pass: the norms' offsets are then in that array.
  private final boolean bfloat16;
  private final int embedOff, headOff;
  private final int[] finalNormOff; // {offset}, {-1} where the final norm has no weight
  private final int[][] blockOff; // [layer][Q..DOWN]
  private final int[][] normOff; // [layer][ATT_NORM..K_NORM], as many as the architecture has
  private final float[] gains; // bfloat16: every norm's gain in float32, in layout order
  private final int[] gainTensors; // bfloat16: the tensors `gains` holds, in order
  private final Rope rope;
  private final CrossEntropy crossEntropy;
  private final Activations[] layers;
  private final Scratch scratch = new Scratch();
  /**
   * A layer's projections of one input (q, k and v; gate and up) run as one group, their
   * weights packed into packedW; their weight gradients run as one group against the input
   * packed once into packedX. See {@link Linear#forward(Gemm.Group, Gemm.PackedB[], float[],
   * float[][], int, int, int)}. A model held in bfloat16 also packs its other weights, one at a
   * time, into packedW[0].
   */
  private final Gemm.Group group = new Gemm.Group();
  private final Gemm.PackedB[] packedW = {new Gemm.PackedB(), new Gemm.PackedB(), new Gemm.PackedB()};
  private final Gemm.PackedB packedX = new Gemm.PackedB();
  /** Told the index of each block a forward pass finishes: {@link #onBlock}. */
  private IntConsumer blockDone = NO_LISTENER;
  private static final IntConsumer NO_LISTENER = l -> {};

  public OlmoModel(ModelConfig config, Parameters params) {
    List<TensorSpec> expected = layout(config);
    // The model's tensors may be followed by others in the same buffer (a projector trained
    // with it), so that one optimiser steps them all: the model reads only its own. A trailing
    // tensor named as a language model's (an untied head read as a tied model) is refused.
    List<TensorSpec> have = params.specs();
    boolean prefix = have.size() >= expected.size() && have.subList(0, expected.size()).equals(expected);
    for (int i = expected.size(); prefix && i < have.size(); i++) {
      String name = have.get(i).name();
      if (name.startsWith("model.") || name.equals(HEAD)) prefix = false;
    }
    if (!prefix) {
      throw new IllegalArgumentException(
          "parameters do not follow the layout of " + config + ": have " + params.specs()
              + ", expected " + expected);
    }
    this.config = config;
    this.params = params;
    this.arch = config.architecture();
    this.before = arch.placement() == Architecture.Placement.BEFORE;
    this.eps = config.normEps();
    this.bfloat16 = params.precision() == Parameters.Precision.BFLOAT16;
    this.embedOff = where(EMBED);
    this.headOff = where(config.tieWordEmbeddings() ? EMBED : HEAD);
    this.blockOff = new int[config.numLayers()][BLOCK.length];
    this.normOff = new int[config.numLayers()][];
    List<String> gainNames = new ArrayList<>();
    for (int l = 0; l < config.numLayers(); l++) {
      for (int j = 0; j < BLOCK.length; j++) blockOff[l][j] = where(blockName(l, j));
      List<String> norms = arch.blockNorms(l);
      normOff[l] = new int[norms.size()];
      for (int j = 0; j < norms.size(); j++) normOff[l][j] = gainAt(norms.get(j), gainNames);
    }
    this.finalNormOff = new int[] {arch.finalNorm() == null ? -1 : gainAt(arch.finalNorm(), gainNames)};
    this.gains = bfloat16 ? new float[gainNames.size() * config.hiddenSize()] : null;
    this.gainTensors = gainNames.stream().mapToInt(params::indexOf).toArray();
    this.rope = new Rope(config.headDim(), config.maxContext(), config.ropeTheta());
    this.crossEntropy = new CrossEntropy(config.vocabSize(),
        CrossEntropy.trainingChunk(config.vocabSize(), config.hiddenSize()));
    this.layers = new Activations[config.numLayers()];
    for (int l = 0; l < layers.length; l++) layers[l] = new Activations();
  }

  /** A weight's offset in the float32 buffer, or its tensor's index when held in bfloat16. */
  private int where(String name) {
    return bfloat16 ? params.indexOf(name) : params.spec(name).at();
  }

  /**
   * A norm gain's offset in the float32 buffer, or, held in bfloat16, in {@link #gains}, where
   * it is appended to {@code names}.
   */
  private int gainAt(String name, List<String> names) {
    if (!bfloat16) return params.spec(name).at();
    names.add(name);
    return (names.size() - 1) * config.hiddenSize();
  }

  /** The norms' gains in float32: the buffer itself, or their copies widened from bfloat16. */
  private float[] gains() {
    if (!bfloat16) return params.data();
    int d = config.hiddenSize();
    for (int g = 0; g < gainTensors.length; g++) {
      short[] h = params.bfloat16(gainTensors[g]);
      for (int i = 0; i < d; i++) gains[g * d + i] = BFloat16.toFloat(h[i]);
    }
    return gains;
  }

  /** y (+)= x W^T for block l's matrix j, in whichever precision the weights are held. */
  private void project(int l, int j, float[] x, float[] y, int n, int in, int out, boolean accumulate) {
    if (bfloat16) {
      Linear.forward(x, packWeight(l, j, packedW[0], in, out), y, n, in, out, accumulate);
    } else {
      Linear.forward(x, 0, params.data(), blockOff[l][j], y, 0, n, in, out, accumulate);
    }
  }

  /** y_i = x W_i^T for block l's matrices js[i], which share their input x, as one group. */
  private void project(int l, int[] js, float[] x, float[][] ys, int n, int in, int out) {
    for (int i = 0; i < js.length; i++) packWeight(l, js[i], packedW[i], in, out);
    Linear.forward(group, packedW, x, ys, n, in, out);
  }

  /** Block l's matrix j [out, in] packed for x W^T, widened where it is held in bfloat16. */
  private Gemm.PackedB packWeight(int l, int j, Gemm.PackedB into, int in, int out) {
    return bfloat16 ? into.packTransposed(out, in, params.bfloat16(blockOff[l][j]), 0, in)
        : into.pack(true, out, in, params.data(), blockOff[l][j], in);
  }

  /**
   * The tensors of a model in buffer order, with Hugging Face names and shapes [out, in].
   *
   * <p>Initialisation and learning-rate scales follow the {@code mup} library. Embedding and
   * output head are vector-like (one width-sized dimension): std = initStd and lrScale 1 in
   * both parameterisations; under muP the head's output is instead multiplied by
   * base_width/width ({@link ModelConfig#logitScale()}), as {@code MuReadout} does. Hidden
   * matrices are matrix-like: under muP std = initStd / sqrt(m) with m = width/base_width, which
   * is initStd * sqrt(base_fan_in/fan_in) for every one of them when the MLP width scales with
   * the model width ({@code mup.init.normal_}), and lrScale = 1/m ({@code MuAdam}). Weight decay
   * applies to every matrix except the embedding (and so not to a tied head).
   *
   * <p>Norm weights (RMSNorm's gains, where the architecture has them) follow each block's
   * matrices, and the final norm's the last block: they start at exactly 1 (std 0), are
   * vector-like (lrScale 1 under muP too) and are not decayed, which would pull them towards 0
   * rather than towards where they started.
   */
  public static List<TensorSpec> layout(ModelConfig config) {
    int d = config.hiddenSize(), f = config.intermediateSize();
    double m = config.widthMultiplier();
    double hiddenStd = config.initStd() / Math.sqrt(m), hiddenLr = 1.0 / m;
    List<TensorSpec> specs = new ArrayList<>();
    long[] offset = {0};
    add(specs, offset, EMBED, new int[] {config.vocabSize(), d}, config.initStd(), 1.0, false);
    for (int l = 0; l < config.numLayers(); l++) {
      for (int j = 0; j < BLOCK.length; j++) {
        int[] shape = j == DOWN ? new int[] {d, f} : j >= GATE ? new int[] {f, d} : new int[] {d, d};
        add(specs, offset, blockName(l, j), shape, hiddenStd, hiddenLr, true);
      }
      for (String norm : config.architecture().blockNorms(l)) addNorm(specs, offset, norm, d);
    }
    if (config.architecture().finalNorm() != null) {
      addNorm(specs, offset, config.architecture().finalNorm(), d);
    }
    if (!config.tieWordEmbeddings()) {
      add(specs, offset, HEAD, new int[] {config.vocabSize(), d}, config.initStd(), 1.0, true);
    }
    return specs;
  }

  /**
   * Parameters drawn from N(initMean, initStd^2) per tensor. Each tensor has its own generator seeded
   * from (seed, tensor index), so a tensor's values do not depend on the others' sizes. The
   * generator is {@link SplittableRandom}, whose ziggurat Gaussian is several times faster than
   * {@link java.util.Random#nextGaussian()}'s polar method (initialising 90M parameters is felt).
   */
  public static Parameters initialize(ModelConfig config, long seed) {
    return initialize(config, seed, Parameters.Precision.FLOAT32);
  }

  /**
   * {@link #initialize(ModelConfig, long)} held in {@code precision}: in bfloat16, the same
   * draws rounded (a model to score, too large to hold in float32).
   */
  public static Parameters initialize(ModelConfig config, long seed, Parameters.Precision precision) {
    List<TensorSpec> specs = layout(config);
    boolean wide = precision == Parameters.Precision.FLOAT32;
    Parameters p = wide ? new Parameters(specs) : Parameters.bfloat16(specs);
    Parallel.range(specs.size(), (from, to) -> {
      for (int t = from; t < to; t++) {
        TensorSpec s = specs.get(t);
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + t);
        double mean = s.initMean(), std = s.initStd();
        if (wide) {
          float[] data = p.data();
          for (int i = s.at(), end = s.end(); i < end; i++) data[i] = (float) (mean + random.nextGaussian() * std);
        } else {
          short[] h = p.bfloat16(t);
          for (int i = 0; i < h.length; i++) h[i] = BFloat16.round((float) (mean + random.nextGaussian() * std));
        }
      }
    });
    return p;
  }

  public ModelConfig config() {
    return config;
  }

  /**
   * What training {@code batch} x {@code context} holds, in bytes: the weights, their gradients,
   * AdamW's two moments, the activations one step keeps for backward (every layer's, the
   * residual stream and the final norm, the output head's chunk of logits and its packed
   * weights) and the workspace each engine thread keeps (attention's context x context
   * gradient). The one memory formula: commands check a run against it before starting.
   */
  public record Memory(long weights, long gradients, long adamMoments, long activations, long workspace) {
    public long total() {
      return weights + gradients + adamMoments + activations + workspace;
    }

    @Override
    public String toString() {
      return String.format("%s (weights %s, gradients %s, Adam moments %s, activations %s,"
          + " per-thread workspace %s)", mib(total()), mib(weights), mib(gradients), mib(adamMoments),
          mib(activations), mib(workspace));
    }
  }

  /** {@link Memory} for training {@code config} on {@code batch} sequences of {@code context} tokens. */
  public static Memory trainingMemory(ModelConfig config, int batch, int context) {
    long params = parameterCount(config);
    long n = (long) batch * context, d = config.hiddenSize(), f = config.intermediateSize();
    Architecture arch = config.architecture();
    boolean rms = arch.norm() == Architecture.Norm.RMS;
    long perLayer = 6 * n * d + 2 * n + 3 * n * f + n * context * config.numHeads()
        + (rms ? 2 * n * d : 0) // both norms' rows before their gains
        + (arch.qkNorm() ? 2 * n * d + 2 * n : 0); // q and k before their gains, and their rstd
    // residual (and its gradient), the final norm's output (and its rows before the gain) and rstd, dxn
    long shared = 3 * n * d + n + (rms ? n * d : 0);
    // the grouped projections' packed weights (gate and up in the first two, v in the third)
    // and their shared input packed for the weight gradients
    long packs = 2 * Math.max(Gemm.PackedB.floats((int) d, (int) d), Gemm.PackedB.floats((int) f, (int) d))
        + Gemm.PackedB.floats((int) d, (int) d) + Gemm.PackedB.floats((int) d, (int) n);
    long activations = 4 * (config.numLayers() * perLayer + shared + packs) + CrossEntropy.trainingBytes(
        config.vocabSize(), config.hiddenSize(), n,
        CrossEntropy.trainingChunk(config.vocabSize(), config.hiddenSize()));
    long workspace = 4L * Parallel.threads() * context * context;
    return new Memory(4 * params, 4 * params, 8 * params, activations, workspace);
  }

  /** Parameters in {@link #layout}, counted without overflow. */
  public static long parameterCount(ModelConfig c) {
    long vd = (long) c.vocabSize() * c.hiddenSize();
    return (c.tieWordEmbeddings() ? 1 : 2) * vd + c.nonEmbeddingParameters();
  }

  /**
   * Refuses, before anything is allocated, a run that cannot be held: one whose buffers would
   * need more elements than a Java array has, or whose {@link Memory} exceeds the JVM's max heap
   * ({@code -Xmx}). The message says what the run would need and what it is allowed.
   *
   * @param what the run, as the message should name it ("pretrain", "bench train")
   */
  public static void checkFits(ModelConfig config, int batch, int context, String what) {
    requireArray(parameterCount(config), "the parameters", "a smaller model");
    checkArraySizes(config, batch, context);
    Memory need = trainingMemory(config, batch, context);
    long max = Runtime.getRuntime().maxMemory();
    if (need.total() > max) {
      throw new IllegalArgumentException(what + " with batch " + batch + " x context " + context
          + " needs " + need + ", but the JVM's max heap is " + mib(max)
          + "; raise -Xmx (OVERTRAIN_JAVA_OPTS=-Xmx...) or lower the batch, the context or the model");
    }
  }

  /**
   * Each activation is one Java array, at most 2^31 - 1 elements: sizes past that are refused
   * with what they would need rather than left to overflow an int. (The parameters are checked
   * where they are made: training's are one array, a scored model's may be one per tensor.)
   */
  static void checkArraySizes(ModelConfig config, long batch, long seqLen) {
    long n = batch * seqLen, d = config.hiddenSize(), f = config.intermediateSize();
    requireArray(n, "batch x context = " + batch + " x " + seqLen + " token ids", "a smaller batch or context");
    requireArray(n * d, "one activation of batch x context x hidden_size", "a smaller batch or context");
    requireArray(n * f, "one MLP activation of batch x context x intermediate_size", "a smaller batch or context");
    requireArray(n * seqLen * config.numHeads(),
        "the attention probabilities (batch x context x context x heads)", "a smaller context or batch");
    requireArray(seqLen * seqLen, "attention's gradient (context x context)", "a smaller context");
  }

  private static void requireArray(long elements, String what, String remedy) {
    if (elements > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(what + " would need " + elements + " floats (" + mib(4 * elements)
          + "), more than one Java array holds (2^31 - 1 elements); use " + remedy);
    }
  }

  private static String mib(long bytes) {
    return String.format("%,.0f MiB", bytes / (1024.0 * 1024));
  }

  /**
   * Bytes of the step-sized buffers this model holds now: every layer's activations, the shared
   * scratch and the output head's. After a training step of batch x context it is
   * {@link #trainingMemory}'s activations.
   */
  public long heldActivationBytes() {
    // LayerNorm has no gain, so its normalised rows are its output: one array under two names,
    // counted once
    Set<float[]> held = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Activations a : layers) {
      if (a.rows < 0) continue;
      held.addAll(Arrays.asList(a.xn1, a.xhat1, a.rstd1, a.q, a.qhat, a.rstdq, a.k, a.khat,
          a.rstdk, a.v, a.att, a.y, a.xn2, a.xhat2, a.rstd2, a.g, a.u, a.h));
    }
    held.addAll(Arrays.asList(scratch.residual, scratch.xf, scratch.xhatf, scratch.rstdf, scratch.dxn));
    long floats = 0;
    for (float[] x : held) if (x != null) floats += x.length;
    for (Gemm.PackedB p : packedW) floats += p.heldFloats();
    return 4 * (floats + packedX.heldFloats()) + crossEntropy.heldBytes();
  }

  public Parameters parameters() {
    return params;
  }

  /**
   * Forward and backward on tokens [batch*seqLen] (row-major) predicting targets (same shape; a
   * target < 0 is ignored). Returns the mean cross-entropy (nats) over counted targets and ADDS
   * d(loss)/d(params) into grads (same layout as params.data()).
   */
  public double forwardBackward(int[] tokens, int[] targets, int batch, int seqLen, float[] grads) {
    return forwardBackward(tokens, targets, batch, seqLen, grads, null);
  }

  /**
   * {@link #forwardBackward(int[], int[], int, int, float[])} with some positions' inputs given
   * as vectors instead of token embeddings ({@code placed}, e.g. visual tokens); their
   * gradients are written into {@code placed.grads()}. The token ids at those positions are
   * not read, and their embedding rows get no gradient from them.
   */
  public double forwardBackward(int[] tokens, int[] targets, int batch, int seqLen, float[] grads,
      PlacedInputs placed) {
    if (grads.length != params.size()) {
      throw new IllegalArgumentException(
          "gradient buffer has " + grads.length + " floats, parameters have " + params.size());
    }
    int counted = check(tokens, targets, batch, seqLen);
    int n = batch * seqLen;
    checkPlaced(placed, n);
    forwardBlocks(tokens, batch, seqLen, true, placed);
    scratch.ensure(n, true);
    double loss = crossEntropy.run(scratch.xf, params.data(), headOff, targets, n,
        config.hiddenSize(), (float) config.logitScale(), null, scratch.dxn, grads, headOff,
        (float) (1.0 / counted));
    backwardBlocks(tokens, batch, seqLen, grads, placed);
    return loss / counted;
  }

  /** Forward only, no activations kept for backward: mean loss over counted targets. */
  public double loss(int[] tokens, int[] targets, int batch, int seqLen) {
    return loss(tokens, targets, batch, seqLen, null);
  }

  /** {@link #loss(int[], int[], int, int)} with {@code placed} inputs (their grads are not touched). */
  public double loss(int[] tokens, int[] targets, int batch, int seqLen, PlacedInputs placed) {
    int counted = check(tokens, targets, batch, seqLen);
    checkPlaced(placed, batch * seqLen);
    forwardBlocks(tokens, batch, seqLen, false, placed);
    return head(targets, batch * seqLen, null) / counted;
  }

  /**
   * Forward only: log p(target_i | prefix) at every position into out[batch*seqLen] (0 where
   * target < 0). Used for class likelihood scoring.
   */
  public void targetLogProbs(int[] tokens, int[] targets, int batch, int seqLen, float[] out) {
    targetLogProbs(tokens, targets, batch, seqLen, out, null);
  }

  /** {@link #targetLogProbs(int[], int[], int, int, float[])} with {@code placed} inputs. */
  public void targetLogProbs(int[] tokens, int[] targets, int batch, int seqLen, float[] out,
      PlacedInputs placed) {
    if (out.length < batch * seqLen) {
      throw new IllegalArgumentException(
          "output holds " + out.length + " floats, needs batch*seqLen = " + batch * seqLen);
    }
    checkShapes(tokens, targets, batch, seqLen);
    checkPlaced(placed, batch * seqLen);
    forwardBlocks(tokens, batch, seqLen, false, placed);
    head(targets, batch * seqLen, out);
  }

  private void checkPlaced(PlacedInputs placed, int n) {
    if (placed == null) return;
    int d = config.hiddenSize();
    if (placed.vectors().length < placed.rows().length * d) {
      throw new IllegalArgumentException("placed inputs: " + placed.rows().length + " rows need "
          + placed.rows().length * d + " floats, have " + placed.vectors().length);
    }
    for (int r : placed.rows()) {
      if (r < 0 || r >= n) throw new IllegalArgumentException("placed input row " + r + " outside [0, " + n + ")");
    }
  }

  private double head(int[] targets, int n, float[] logProbs) {
    float scale = (float) config.logitScale();
    if (bfloat16) {
      return crossEntropy.score(scratch.xf, params.bfloat16(headOff), targets, n, config.hiddenSize(),
          scale, logProbs);
    }
    return crossEntropy.run(scratch.xf, params.data(), headOff, targets, n, config.hiddenSize(),
        scale, logProbs, null, null, 0, 0f);
  }

  /**
   * Embedding, blocks and final norm into scratch.xf. With {@code keep}, every layer keeps
   * its activations for the backward pass; without, all layers share the first layer's buffers.
   */
  private void forwardBlocks(int[] tokens, int batch, int seqLen, boolean keep, PlacedInputs placed) {
    int n = batch * seqLen, d = config.hiddenSize(), f = config.intermediateSize();
    int heads = config.numHeads();
    float[] g = gains();
    scratch.ensure(n, false);
    float[] x = scratch.residual;
    float embScale = (float) config.embeddingScale();
    if (bfloat16) {
      short[] e = params.bfloat16(embedOff);
      Parallel.range(n, (from, to) -> {
        for (int i = from; i < to; i++) {
          int src = tokens[i] * d;
          for (int j = 0; j < d; j++) x[i * d + j] = BFloat16.toFloat(e[src + j]) * embScale;
        }
      });
    } else {
      float[] w = params.data();
      Parallel.range(n, (from, to) -> {
        for (int i = from; i < to; i++) {
          int src = embedOff + tokens[i] * d;
          for (int j = 0; j < d; j++) x[i * d + j] = w[src + j] * embScale;
        }
      });
    }
    // placed rows enter the residual stream as given, as Hugging Face's inputs_embeds do: no
    // embedding multiplier (whatever produces them learns its own scale)
    if (placed != null) {
      int[] rows = placed.rows();
      for (int k = 0; k < rows.length; k++) System.arraycopy(placed.vectors(), k * d, x, rows[k] * d, d);
    }
    float attScale = (float) config.attentionScale();
    for (int l = 0; l < config.numLayers(); l++) {
      Activations a = layers[keep ? l : 0];
      a.ensure(n, seqLen);
      int[] norm = normOff[l];
      // attention: x += o(attn(norm(x))), or x += norm(o(attn(x))). After, the projections
      // read the residual stream itself, which the add overwrites: xn1 keeps a copy.
      if (before) normForward(g, x, a.xhat1, a.rstd1, norm, ATT_NORM, a.xn1, false, n);
      else System.arraycopy(x, 0, a.xn1, 0, n * d);
      project(l, new int[] {Q, K, V}, a.xn1, new float[][] {a.q, a.k, a.v}, n, d, d);
      if (arch.qkNorm()) {
        RmsNorm.forward(a.q, a.qhat, a.rstdq, g, norm[Q_NORM], a.q, false, n, d, eps);
        RmsNorm.forward(a.k, a.khat, a.rstdk, g, norm[K_NORM], a.k, false, n, d, eps);
      }
      rope.forward(a.q, a.k, batch, seqLen, heads);
      Attention.forward(a.q, a.k, a.v, a.att, a.y, batch, seqLen, heads, config.headDim(), attScale);
      if (before) {
        project(l, O, a.y, x, n, d, d, true);
      } else {
        project(l, O, a.y, a.xhat1, n, d, d, false);
        normForward(g, a.xhat1, a.xhat1, a.rstd1, norm, ATT_NORM, x, true, n);
      }
      // MLP: x += down(silu(gate(h)) * up(h)) with h = norm(x), or x += norm(down(...)) with h = x
      if (before) normForward(g, x, a.xhat2, a.rstd2, norm, MLP_NORM, a.xn2, false, n);
      else System.arraycopy(x, 0, a.xn2, 0, n * d);
      project(l, new int[] {GATE, UP}, a.xn2, new float[][] {a.g, a.u}, n, d, f);
      SwiGlu.forward(a.g, a.u, a.h, n * f);
      if (before) {
        project(l, DOWN, a.h, x, n, f, d, true);
      } else {
        project(l, DOWN, a.h, a.xhat2, n, f, d, false);
        normForward(g, a.xhat2, a.xhat2, a.rstd2, norm, MLP_NORM, x, true, n);
      }
      blockDone.accept(l);
    }
    normForward(g, x, scratch.xhatf, scratch.rstdf, finalNormOff, 0, scratch.xf, false, n);
  }

  /**
   * Has {@code listener} (null: none) told the index of each block a forward pass finishes, so
   * that a progress bar moves within a pass: one window of a 7B model takes about a minute.
   */
  public void onBlock(IntConsumer listener) {
    blockDone = listener == null ? NO_LISTENER : listener;
  }

  /**
   * out = norm(x), or out += norm(x) with {@code add}: OLMo's LayerNorm (whose output is its
   * normalised rows: xhat is out), or RMSNorm times the gain at {@code gains[norm[which]]}, keeping
   * its rows before the gain in xhat (which may be x).
   */
  private void normForward(float[] gains, float[] x, float[] xhat, float[] rstd, int[] norm, int which,
      float[] out, boolean add, int n) {
    int d = config.hiddenSize();
    if (arch.norm() == Architecture.Norm.RMS) {
      RmsNorm.forward(x, xhat, rstd, gains, norm[which], out, add, n, d, eps);
    } else if (!add) {
      LayerNorm.forward(x, out, rstd, n, d);
    } else {
      throw new IllegalStateException(arch + " has no LayerNorm after a sub-layer");
    }
  }

  /**
   * The backward pass of {@link #normForward}: dx = d(loss)/d(x) from dout = d(loss)/d(out),
   * set or added, and the gain's gradient added into grads.
   */
  private void normBackward(float[] dout, float[] xhat, float[] rstd, int[] norm, int which,
      float[] dx, boolean add, float[] grads, int n) {
    int d = config.hiddenSize();
    if (arch.norm() == Architecture.Norm.RMS) {
      RmsNorm.backward(dout, xhat, rstd, params.data(), norm[which], dx, add, grads, norm[which], n, d);
    } else {
      if (!add) Arrays.fill(dx, 0, n * d, 0f);
      LayerNorm.backward(dout, xhat, rstd, dx, n, d);
    }
  }

  /** From d(loss)/d(xf) in scratch.dxn back to the embedding, adding into grads. */
  private void backwardBlocks(int[] tokens, int batch, int seqLen, float[] grads, PlacedInputs placed) {
    int n = batch * seqLen, d = config.hiddenSize(), f = config.intermediateSize();
    int heads = config.numHeads();
    float[] w = params.data();
    Scratch s = scratch;
    float[] dx = s.residual; // the residual stream's gradient reuses the residual buffer
    normBackward(s.dxn, s.xhatf, s.rstdf, finalNormOff, 0, dx, false, grads, n);
    float attScale = (float) config.attentionScale();
    for (int l = config.numLayers() - 1; l >= 0; l--) {
      Activations a = layers[l];
      int[] off = blockOff[l], norm = normOff[l];
      // MLP: x += down(silu(gate(xn2)) * up(xn2)) with xn2 = norm(x), or x += norm(down(...))
      // with xn2 = x. After, d(down's output) goes into dxn, free until the projections below.
      // A layer's activations are dead once its backward has read them, so gradients of the
      // same shape overwrite them: d(h) goes into h, d(gate) into it in turn, d(up) into u.
      float[] dDown = dx;
      if (!before) {
        normBackward(dx, a.xhat2, a.rstd2, norm, MLP_NORM, s.dxn, false, grads, n);
        dDown = s.dxn;
      }
      float[] dh = a.h, dg = a.h, du = a.u;
      Linear.backward(dDown, 0, a.h, 0, w, off[DOWN], dh, 0, false, grads, off[DOWN], n, f, d);
      SwiGlu.backward(dh, a.g, a.u, dg, du, n * f);
      // before: the input's gradient goes through the norm into dx; after, straight into dx
      float[] dIn = before ? s.dxn : dx;
      Linear.weightGradients(group, packedX, a.xn2, new float[][] {dg, du}, grads,
          new int[] {off[GATE], off[UP]}, n, d, f);
      Linear.inputGradient(dg, w, off[GATE], dIn, !before, n, d, f);
      Linear.inputGradient(du, w, off[UP], dIn, true, n, d, f);
      if (before) normBackward(s.dxn, a.xhat2, a.rstd2, norm, MLP_NORM, dx, true, grads, n);
      // attention: x += o(attn(rope(q(xn1)), rope(k(xn1)), v(xn1))), likewise. Before, d(y)
      // can use dxn, whose last reader was the norm above and whose next writer is q_proj's;
      // after, dxn holds d(o_proj's output) and d(y) goes where the MLP's norm kept its rows.
      // d(q), d(k) and d(v) go where y, xn2 and gate were: o_proj's, the MLP's and SwiGLU's
      // backward above were their last readers.
      float[] dOut = dx, dy = s.dxn;
      if (!before) {
        normBackward(dx, a.xhat1, a.rstd1, norm, ATT_NORM, s.dxn, false, grads, n);
        dOut = s.dxn;
        dy = a.xhat2;
      }
      float[] dq = a.y, dk = a.xn2, dv = a.g;
      Linear.backward(dOut, 0, a.y, 0, w, off[O], dy, 0, false, grads, off[O], n, d, d);
      Attention.backward(dy, a.q, a.k, a.v, a.att, dq, dk, dv,
          batch, seqLen, heads, config.headDim(), attScale);
      rope.backward(dq, dk, batch, seqLen, heads);
      if (arch.qkNorm()) {
        RmsNorm.backward(dq, a.qhat, a.rstdq, w, norm[Q_NORM], dq, false, grads, norm[Q_NORM], n, d);
        RmsNorm.backward(dk, a.khat, a.rstdk, w, norm[K_NORM], dk, false, grads, norm[K_NORM], n, d);
      }
      dIn = before ? s.dxn : dx;
      Linear.weightGradients(group, packedX, a.xn1, new float[][] {dq, dk, dv}, grads,
          new int[] {off[Q], off[K], off[V]}, n, d, d);
      Linear.inputGradient(dq, w, off[Q], dIn, !before, n, d, d);
      Linear.inputGradient(dk, w, off[K], dIn, true, n, d, d);
      Linear.inputGradient(dv, w, off[V], dIn, true, n, d, d);
      if (before) normBackward(s.dxn, a.xhat1, a.rstd1, norm, ATT_NORM, dx, true, grads, n);
    }
    // a placed row's gradient is the residual stream's at its position; zeroed there, its
    // token's embedding row then gets exactly nothing from it (x + 0f == x)
    if (placed != null) {
      int[] rows = placed.rows();
      for (int k = 0; k < rows.length; k++) {
        System.arraycopy(dx, rows[k] * d, placed.grads(), k * d, d);
        Arrays.fill(dx, rows[k] * d, rows[k] * d + d, 0f);
      }
    }
    // embedding rows repeat across tokens: split over columns so no two threads add to one cell
    float embScale = (float) config.embeddingScale();
    Parallel.range(d, (from, to) -> {
      for (int i = 0; i < n; i++) {
        int dst = embedOff + tokens[i] * d;
        for (int j = from; j < to; j++) grads[dst + j] += dx[i * d + j] * embScale;
      }
    });
  }

  /** Checks shapes and token ranges; returns the number of counted (non-negative) targets. */
  private int check(int[] tokens, int[] targets, int batch, int seqLen) {
    checkShapes(tokens, targets, batch, seqLen);
    int counted = 0;
    for (int t : targets) if (t >= 0) counted++;
    if (counted == 0) {
      throw new IllegalArgumentException("every target is negative (ignored): no loss to average");
    }
    return counted;
  }

  private void checkShapes(int[] tokens, int[] targets, int batch, int seqLen) {
    if (batch <= 0 || seqLen <= 0) {
      throw new IllegalArgumentException("batch and seqLen must be positive, got " + batch
          + " x " + seqLen);
    }
    if (seqLen > config.maxContext()) {
      throw new IllegalArgumentException("seqLen " + seqLen
          + " exceeds max_position_embeddings " + config.maxContext());
    }
    checkArraySizes(config, batch, seqLen);
    int n = batch * seqLen, vocab = config.vocabSize();
    if (tokens.length < n || targets.length < n) {
      throw new IllegalArgumentException("tokens (" + tokens.length + ") and targets ("
          + targets.length + ") must hold batch*seqLen = " + n + " entries");
    }
    for (int i = 0; i < n; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocab) {
        throw new IllegalArgumentException(
            "token " + tokens[i] + " at index " + i + " is outside the vocabulary [0, " + vocab + ")");
      }
      if (targets[i] >= vocab) {
        throw new IllegalArgumentException(
            "target " + targets[i] + " at index " + i + " is outside the vocabulary [0, " + vocab + ")");
      }
    }
  }

  private static String blockName(int layer, int j) {
    return "model.layers." + layer + "." + BLOCK[j] + ".weight";
  }

  private static void add(List<TensorSpec> specs, long[] offset, String name, int[] shape,
      double std, double lrScale, boolean decay) {
    TensorSpec s = new TensorSpec(name, shape, offset[0], 0, std, lrScale, decay);
    specs.add(s);
    offset[0] += s.size();
  }

  /** A norm's gain: [width], exactly 1 at the start, vector-like, not decayed. */
  private static void addNorm(List<TensorSpec> specs, long[] offset, String name, int width) {
    TensorSpec s = new TensorSpec(name, new int[] {width}, offset[0], 1, 0, 1.0, false);
    specs.add(s);
    offset[0] += s.size();
  }

  /**
   * What one block keeps from forward for backward. Sized for the most rows (batch*seqLen) and
   * the most attention cells (rows*seqLen) seen so far; reallocated only when a call needs more.
   */
  private final class Activations {
    int rows = -1;
    long cells = -1;
    /**
     * xn1, xn2: the attention's and the MLP's input (the norm's output before, the residual
     * stream after). xhat1, xhat2, rstd1, rstd2: each sub-layer's norm's rows before the gain
     * and their 1/rms (LayerNorm's rows are its output, so xhat is xn there). qhat, khat, rstdq,
     * rstdk: the same for q and k under QK-norm, null otherwise.
     */
    float[] xn1, xhat1, rstd1, q, qhat, rstdq, k, khat, rstdk, v, att, y, xn2, xhat2, rstd2, g, u, h;

    void ensure(int n, int t) {
      if (n <= rows && (long) n * t <= cells) return;
      int d = config.hiddenSize(), f = config.intermediateSize();
      rows = Math.max(n, rows);
      cells = Math.max((long) n * t, cells);
      boolean rms = arch.norm() == Architecture.Norm.RMS, qk = arch.qkNorm();
      xn1 = new float[rows * d];
      xhat1 = rms ? new float[rows * d] : xn1;
      rstd1 = new float[rows];
      q = new float[rows * d];
      qhat = qk ? new float[rows * d] : null;
      rstdq = qk ? new float[rows] : null;
      k = new float[rows * d];
      khat = qk ? new float[rows * d] : null;
      rstdk = qk ? new float[rows] : null;
      v = new float[rows * d];
      att = new float[Math.toIntExact(cells * config.numHeads())];
      y = new float[rows * d];
      xn2 = new float[rows * d];
      xhat2 = rms ? new float[rows * d] : xn2;
      rstd2 = new float[rows];
      g = new float[rows * f];
      u = new float[rows * f];
      h = new float[rows * f];
    }
  }

  /**
   * Buffers shared by all layers: the residual stream and the final norm, and (once a backward
   * pass has run) the gradient of a norm's output, sized for the most rows seen. Backward
   * needs no other buffer of its own: gradients overwrite the activations they no longer need.
   */
  private final class Scratch {
    int rows = -1, backwardRows = -1;
    float[] residual, xf, xhatf, rstdf, dxn; // xhatf: the final RMSNorm's rows before the gain (xf for LayerNorm)

    void ensure(int n, boolean backward) {
      int d = config.hiddenSize();
      if (n > rows) {
        rows = n;
        residual = new float[n * d];
        xf = new float[n * d];
        xhatf = arch.norm() == Architecture.Norm.RMS ? new float[n * d] : xf;
        rstdf = new float[n];
      }
      if (backward && n > backwardRows) {
        backwardRows = n;
        dxn = new float[n * d];
      }
    }
  }
}
