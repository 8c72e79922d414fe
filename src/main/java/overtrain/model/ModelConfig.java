package overtrain.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The shape of a model, its block design and the parameterisation that scales it.
 *
 * <p>Field names follow Hugging Face's {@code OlmoConfig} where one exists, so that a
 * checkpoint's {@code config.json} maps onto this record one field at a time.
 *
 * <p>{@code architecture} and {@code norm_eps} came after the rest: written out (a run's
 * config.yaml, a study cell's spec, whose hash names the cell) they are left out where they
 * hold OLMo's values, so an OLMo config reads and hashes as it did before they existed, and a
 * config without them is OLMo.
 *
 * @param vocabSize tokens in the vocabulary
 * @param hiddenSize model width d
 * @param numLayers transformer blocks
 * @param numHeads attention heads; head_dim = hiddenSize / numHeads
 * @param intermediateSize SwiGLU hidden width (gate and up project to it)
 * @param maxContext longest sequence the model is trained or scored on
 * @param tieWordEmbeddings whether the output head reuses the embedding matrix
 * @param ropeTheta rotary embedding base (10000 in OLMo)
 * @param parameterization standard or muP
 * @param baseWidth muP's base width; ignored under standard parameterisation
 * @param initStd the base initialisation std (embeddings; hidden matrices scale it by fan-in
 *     under muP)
 * @param architecture the block design: which norm, and where ({@link Architecture}); null
 *     reads as OLMo
 * @param normEps the norms' eps; null reads as 1e-5, the only value OLMo's LayerNorm takes
 */
public record ModelConfig(
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int intermediateSize,
    int maxContext,
    boolean tieWordEmbeddings,
    double ropeTheta,
    Parameterization parameterization,
    int baseWidth,
    double initStd,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = OlmoArchitecture.class)
    Architecture architecture,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = DefaultEps.class)
    Double normEps) {

  /** OLMo's rotary base, and Hugging Face's when a config.json leaves it out. */
  public static final double DEFAULT_ROPE_THETA = 10000.0;

  /** The norm eps a config that does not give one has: OLMo's LayerNorm's. */
  public static final double DEFAULT_NORM_EPS = Architecture.LAYER_NORM_EPS;

  /** An OLMo model (non-parametric LayerNorm before attention and MLP, eps 1e-5). */
  public ModelConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads,
      int intermediateSize, int maxContext, boolean tieWordEmbeddings, double ropeTheta,
      Parameterization parameterization, int baseWidth, double initStd) {
    this(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxContext,
        tieWordEmbeddings, ropeTheta, parameterization, baseWidth, initStd, Architecture.OLMO,
        DEFAULT_NORM_EPS);
  }

  public ModelConfig {
    if (architecture == null) architecture = Architecture.OLMO;
    if (normEps == null) normEps = DEFAULT_NORM_EPS;
    require(vocabSize > 0, "vocab_size must be positive, got " + vocabSize);
    require(hiddenSize > 0, "hidden_size must be positive, got " + hiddenSize);
    require(numLayers > 0, "num_hidden_layers must be positive, got " + numLayers);
    require(numHeads > 0 && hiddenSize % numHeads == 0,
        "hidden_size " + hiddenSize + " must be a multiple of num_attention_heads " + numHeads);
    require((hiddenSize / numHeads) % 2 == 0, "head_dim must be even for rotary embeddings");
    require(intermediateSize > 0, "intermediate_size must be positive, got " + intermediateSize);
    require(maxContext > 0, "max_position_embeddings must be positive, got " + maxContext);
    require(baseWidth > 0, "base_width must be positive, got " + baseWidth);
    require(initStd > 0, "init_std must be positive, got " + initStd);
    require(normEps > 0 && Double.isFinite(normEps), "norm_eps must be positive, got " + normEps);
    require(architecture.norm() != Architecture.Norm.LAYER || normEps == Architecture.LAYER_NORM_EPS,
        "norm_eps is " + normEps + ", but " + architecture.modelType() + "'s LayerNorm has eps "
            + Architecture.LAYER_NORM_EPS + " fixed");
  }

  /** The same model with another block design and norm eps. */
  public ModelConfig withArchitecture(Architecture architecture, double normEps) {
    return new ModelConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize,
        maxContext, tieWordEmbeddings, ropeTheta, parameterization, baseWidth, initStd,
        architecture, normEps);
  }

  /**
   * Refuses a tokenizer (or token file) with more ids than the model has embeddings, naming
   * both: its ids would index past the embedding table.
   */
  public void requireVocabulary(int ids, String what, Object model) {
    if (ids > vocabSize) {
      throw new IllegalArgumentException(what + " has " + ids + " tokens but the model " + model
          + " only " + vocabSize);
    }
  }

  /**
   * The window length a scoring command uses: {@code requested}, or the model's longest when it
   * is 0; an error outside [0, max_position_embeddings], since RoPE positions past what the model
   * trained on score nothing meaningful.
   */
  public int window(int requested) {
    if (requested < 0 || requested > maxContext) {
      throw new IllegalArgumentException("context " + requested + " must be in [1, " + maxContext
          + "] (the model's max_position_embeddings), or 0 for that");
    }
    return requested == 0 ? maxContext : requested;
  }

  public int headDim() {
    return hiddenSize / numHeads;
  }

  /** muP's width multiplier m = width / base width; 1 under standard parameterisation. */
  public double widthMultiplier() {
    return parameterization == Parameterization.MUP ? (double) hiddenSize / baseWidth : 1.0;
  }

  /**
   * Multiplier on the attention logits q.k: 1/head_dim under muP (Tensor Programs V: q and k
   * become correlated as width grows, so their dot product grows like head_dim, not its root),
   * 1/sqrt(head_dim) under standard parameterisation.
   */
  public double attentionScale() {
    return parameterization == Parameterization.MUP ? 1.0 / headDim() : 1.0 / Math.sqrt(headDim());
  }

  /**
   * Multiplier on the output logits: base_width/width under muP (the {@code mup} library's
   * {@code MuReadout} divides its input by the width multiplier), 1 under standard.
   */
  public double logitScale() {
    return 1.0 / widthMultiplier();
  }

  /**
   * Multiplier on the token embeddings. 1 in both parameterisations: the {@code mup} library
   * treats the embedding as vector-like (width-independent init and learning rate, no
   * multiplier), and Hugging Face's OLMo has none.
   */
  public double embeddingScale() {
    return 1.0;
  }

  /**
   * Parameters outside the embedding and the output head, the count the paper quotes: the
   * blocks' matrices, and the norms' weights where the architecture has them.
   */
  public long nonEmbeddingParameters() {
    long attention = 4L * hiddenSize * hiddenSize;
    long mlp = 3L * hiddenSize * intermediateSize;
    long norms = (long) architecture.blockNorms(0).size() * hiddenSize;
    long finalNorm = architecture.finalNorm() == null ? 0 : hiddenSize;
    return numLayers * (attention + mlp + norms) + finalNorm;
  }

  /** Leaves {@code architecture} out of a written config where it is OLMo. */
  static final class OlmoArchitecture {
    @Override
    public boolean equals(Object value) {
      return value == null || value == Architecture.OLMO;
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  /** Leaves {@code norm_eps} out of a written config where it is the default. */
  static final class DefaultEps {
    @Override
    public boolean equals(Object value) {
      return value == null || (value instanceof Double d && d == DEFAULT_NORM_EPS);
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }
}
