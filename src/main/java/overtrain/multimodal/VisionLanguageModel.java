package overtrain.multimodal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameters;
import overtrain.model.PlacedInputs;
import overtrain.model.TensorSpec;
import overtrain.model.layers.Projector;

/**
 * A language model reading images: the projector (LLaVA-1.5's {@code mlp2x_gelu}, tensors named
 * as Hugging Face's {@code LlavaForConditionalGeneration} names them) turns each visual token's
 * features into a vector of the model's width, placed in the residual stream before the text.
 * The projector's parameters sit at {@code projectorOffset} of a buffer: their own (stage 1,
 * only they train) or the one the model's parameters share (stage 2, one optimiser for both).
 * Not thread-safe: buffers are sized for the largest batch and reused.
 */
public final class VisionLanguageModel {
  public static final String W1 = "multi_modal_projector.linear_1.weight", B1 = "multi_modal_projector.linear_1.bias",
      W2 = "multi_modal_projector.linear_2.weight", B2 = "multi_modal_projector.linear_2.bias";

  private final OlmoModel model;
  private final float[] projector;
  private final int projectorOffset, dims, visual, d;
  private float[] h = new float[0], a = new float[0], y = new float[0], dy = new float[0], da = new float[0];

  public VisionLanguageModel(OlmoModel model, float[] projectorBuffer, int projectorOffset, int dims, int visual) {
    this.model = model;
    this.projector = projectorBuffer;
    this.projectorOffset = projectorOffset;
    this.dims = dims;
    this.visual = visual;
    this.d = model.config().hiddenSize();
    if (projectorOffset + Projector.size(dims, d) > projectorBuffer.length) {
      throw new IllegalArgumentException("projector buffer too small");
    }
  }

  /**
   * The projector's tensors from {@code offset}: PyTorch {@code nn.Linear}'s weight scale
   * (std 1/sqrt(3 fan_in), that of its uniform init) drawn Gaussian, biases at zero. Weights are
   * decayed where the stage decays, biases never; rate scale 1 (the projector is not muP-scaled:
   * its input width is the encoder's, fixed).
   */
  public static List<TensorSpec> projectorLayout(int dims, int d, int offset) {
    List<TensorSpec> s = new ArrayList<>();
    s.add(new TensorSpec(W1, new int[] {d, dims}, offset, 0, 1 / Math.sqrt(3.0 * dims), 1, true));
    s.add(new TensorSpec(B1, new int[] {d}, offset + d * dims, 0, 0, 1, false));
    s.add(new TensorSpec(W2, new int[] {d, d}, offset + d * dims + d, 0, 1 / Math.sqrt(3.0 * d), 1, true));
    s.add(new TensorSpec(B2, new int[] {d}, offset + d * dims + d + d * d, 0, 0, 1, false));
    return s;
  }

  /** A fresh projector, its own buffer, drawn from {@code seed} (tensor by tensor, as models are). */
  public static Parameters initProjector(int dims, int d, long seed) {
    Parameters p = new Parameters(projectorLayout(dims, d, 0));
    fill(p, 0, seed);
    return p;
  }

  /** The model's parameters followed by the projector's, in one buffer for one optimiser. */
  public static Parameters joint(Parameters lm, Parameters projector) {
    List<TensorSpec> specs = new ArrayList<>(lm.specs());
    int dims = projector.spec(W1).shape()[1], d = projector.spec(W1).shape()[0];
    specs.addAll(projectorLayout(dims, d, lm.size()));
    float[] data = Arrays.copyOf(lm.data(), lm.size() + projector.size());
    System.arraycopy(projector.data(), 0, data, lm.size(), projector.size());
    return new Parameters(specs, data);
  }

  /** The language model's part of a {@link #joint} buffer, copied out. */
  public static Parameters languageModel(Parameters joint, ModelConfig config) {
    List<TensorSpec> layout = OlmoModel.layout(config);
    TensorSpec last = layout.get(layout.size() - 1);
    return new Parameters(layout, Arrays.copyOf(joint.data(), last.end()));
  }

  private static void fill(Parameters p, int first, long seed) {
    for (int t = first; t < p.specs().size(); t++) {
      TensorSpec s = p.specs().get(t);
      SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + t);
      for (int i = s.at(); i < s.end(); i++) p.data()[i] = (float) (s.initMean() + random.nextGaussian() * s.initStd());
    }
  }

  public OlmoModel model() {
    return model;
  }

  public int visualTokens() {
    return visual;
  }

  public int dims() {
    return dims;
  }

  /**
   * Loss and gradients of one batch: the model's added into {@code lmGrads} (its parameters'
   * layout), the projector's into {@code grads} at {@code gradOffset}.
   */
  public double forwardBackward(VisualBatch b, float[] lmGrads, float[] grads, int gradOffset) {
    PlacedInputs placed = project(b, true);
    double loss = model.forwardBackward(b.tokens(), b.targets(), b.batch(), b.seqLen(), lmGrads, placed);
    Projector.backward(placed.grads(), b.features(), h, a, b.rows().length, dims, d, projector, projectorOffset,
        grads, gradOffset, da);
    return loss;
  }

  /** log p(target) at every position (0 where there is none), into {@code out}. */
  public void logProbs(VisualBatch b, float[] out) {
    model.targetLogProbs(b.tokens(), b.targets(), b.batch(), b.seqLen(), out, project(b, false));
  }

  private PlacedInputs project(VisualBatch b, boolean backward) {
    int n = b.rows().length;
    if (h.length < n * d) {
      h = new float[n * d];
      a = new float[n * d];
      y = new float[n * d];
      dy = new float[n * d];
      da = new float[n * d];
    }
    Projector.forward(b.features(), n, dims, d, projector, projectorOffset, h, a, y);
    return new PlacedInputs(b.rows(), y, dy);
  }
}
