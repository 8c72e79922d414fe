package overtrain.model;

/**
 * The shape of an OLMo-architecture model and the parameterisation that scales it.
 *
 * <p>Field names follow Hugging Face's {@code OlmoConfig} where one exists, so that a
 * checkpoint's {@code config.json} maps onto this record one field at a time.
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
    double initStd) {

  /** OLMo's rotary base, and Hugging Face's when a config.json leaves it out. */
  public static final double DEFAULT_ROPE_THETA = 10000.0;

  public ModelConfig {
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

  /** Parameters outside the embedding and the output head, the count the paper quotes. */
  public long nonEmbeddingParameters() {
    long attention = 4L * hiddenSize * hiddenSize;
    long mlp = 3L * hiddenSize * intermediateSize;
    return numLayers * (attention + mlp);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }
}
