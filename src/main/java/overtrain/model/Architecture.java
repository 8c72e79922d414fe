package overtrain.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Which of the decoder designs the paper's checkpoints use a model has. They share everything
 * but their norms: embedding, rotary attention without biases, SwiGLU MLP, residual adds and an
 * output head. What differs is which norm, where it sits and whether q and k are normalised:
 *
 * <pre>
 *   olmo   (OlmoForCausalLM)   x += attn(LN(x));   x += mlp(LN(x));   LN(x)   LN without weight
 *   llama  (LlamaForCausalLM)  x += attn(RMS(x));  x += mlp(RMS(x));  RMS(x)  RMSNorm with weight
 *   olmo2  (Olmo2ForCausalLM)  x += RMS(attn(x));  x += RMS(mlp(x));  RMS(x)  and q, k = RMS(q), RMS(k)
 * </pre>
 *
 * <p>The Hugging Face names of each block's norm weights are here too, since Llama's
 * {@code post_attention_layernorm} is the norm before the MLP and OLMo-2's the one after
 * attention.
 */
public enum Architecture {
  OLMO("olmo", "OlmoForCausalLM", Norm.LAYER, Placement.BEFORE, false, null, null, null),
  LLAMA("llama", "LlamaForCausalLM", Norm.RMS, Placement.BEFORE, false,
      "input_layernorm", "post_attention_layernorm", 1e-6),
  OLMO2("olmo2", "Olmo2ForCausalLM", Norm.RMS, Placement.AFTER, true,
      "post_attention_layernorm", "post_feedforward_layernorm", 1e-5);

  /** The norm every place uses: OLMo's non-parametric LayerNorm, or RMSNorm with a weight. */
  public enum Norm { LAYER, RMS }

  /** Whether a sub-layer's norm comes before it (on its input) or after it (on its output). */
  public enum Placement { BEFORE, AFTER }

  /** OLMo's LayerNorm eps, fixed in Hugging Face's OLMo (its config has no field for it). */
  public static final double LAYER_NORM_EPS = 1e-5;

  private final String modelType, hfClass, attentionNorm, mlpNorm;
  private final Norm norm;
  private final Placement placement;
  private final boolean qkNorm;
  private final Double defaultEps;

  Architecture(String modelType, String hfClass, Norm norm, Placement placement, boolean qkNorm,
      String attentionNorm, String mlpNorm, Double defaultEps) {
    this.modelType = modelType;
    this.hfClass = hfClass;
    this.norm = norm;
    this.placement = placement;
    this.qkNorm = qkNorm;
    this.attentionNorm = attentionNorm;
    this.mlpNorm = mlpNorm;
    this.defaultEps = defaultEps;
  }

  /** {@code model_type} in a Hugging Face config.json. */
  public String modelType() {
    return modelType;
  }

  /** The transformers class, for config.json's {@code architectures}. */
  public String hfClass() {
    return hfClass;
  }

  public Norm norm() {
    return norm;
  }

  public Placement placement() {
    return placement;
  }

  /** Whether q and k are RMS-normalised over their whole width after projection, before rotary. */
  public boolean qkNorm() {
    return qkNorm;
  }

  /**
   * The norm eps when a config.json leaves {@code rms_norm_eps} out: transformers' defaults
   * (LlamaConfig 1e-6, Olmo2Config 1e-5); OLMo's LayerNorm has its fixed one.
   */
  public double defaultEps() {
    return defaultEps == null ? LAYER_NORM_EPS : defaultEps;
  }

  /**
   * The norm weights of block {@code layer}, in buffer order: the attention's norm, the MLP's,
   * then q's and k's where there are; none for OLMo, whose LayerNorm has no weight.
   */
  public List<String> blockNorms(int layer) {
    List<String> names = new ArrayList<>();
    if (norm == Norm.LAYER) return names;
    String prefix = "model.layers." + layer + ".";
    names.add(prefix + attentionNorm + ".weight");
    names.add(prefix + mlpNorm + ".weight");
    if (qkNorm) {
      names.add(prefix + "self_attn.q_norm.weight");
      names.add(prefix + "self_attn.k_norm.weight");
    }
    return names;
  }

  /** The final norm's weight, or null where it has none. */
  public String finalNorm() {
    return norm == Norm.RMS ? "model.norm.weight" : null;
  }

  /** The architecture whose {@code model_type} this is, or null. */
  public static Architecture ofModelType(String modelType) {
    for (Architecture a : values()) if (a.modelType.equals(modelType)) return a;
    return null;
  }
}
