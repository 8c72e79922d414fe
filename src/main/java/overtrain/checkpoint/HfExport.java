package overtrain.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import overtrain.io.AtomicWrite;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.Parameters;
import overtrain.model.TensorSpec;

/**
 * A checkpoint that Hugging Face's {@code OlmoForCausalLM} (or {@code LlamaForCausalLM}, or
 * {@code Olmo2ForCausalLM}: the model's architecture is kept) computes as this engine does.
 * Under muP the engine multiplies attention logits by 1/head_dim and output logits by
 * base_width/width; transformers' models know neither (their attention divides by
 * sqrt(head_dim), their head has no multiplier) and, reading our config.json, ignore both. So
 * the multipliers are folded into the weights: the queries by attention_scale * sqrt(head_dim)
 * (rotary embedding is linear, so the queries scale with the weight that makes them last:
 * q_proj, or under OLMo-2's QK-norm, q_norm's gain, since a norm undoes any scale of its input)
 * and the head by logit_scale, a tied head whose scale is not 1 becoming its own tensor,
 * lm_head = logit_scale * embedding. (The embedding's multiplier is 1 in both
 * parameterisations.) What is written is a standard-parameterisation checkpoint of the same
 * function, up to the rounding of each folded weight.
 */
public final class HfExport {
  private HfExport() {}

  /** The standard-parameterisation model that computes what {@code config} and {@code params} do. */
  public static Checkpoint.Loaded fold(ModelConfig config, Parameters params) {
    double logitScale = config.logitScale();
    boolean tied = config.tieWordEmbeddings() && logitScale == 1.0;
    ModelConfig standard = new ModelConfig(config.vocabSize(), config.hiddenSize(),
        config.numLayers(), config.numHeads(), config.intermediateSize(), config.maxContext(), tied,
        config.ropeTheta(), Parameterization.STANDARD, config.hiddenSize(), config.initStd(),
        config.architecture(), config.normEps());
    Parameters out = new Parameters(OlmoModel.layout(standard));
    float queryScale = (float) (config.attentionScale() / standard.attentionScale());
    String queries = config.architecture().qkNorm() ? ".self_attn.q_norm.weight" : ".self_attn.q_proj.weight";
    String embedding = "model.embed_tokens.weight", head = "lm_head.weight";
    for (TensorSpec s : out.specs()) {
      TensorSpec from = params.spec(s.name().equals(head) && !params.has(head) ? embedding : s.name());
      float scale = s.name().endsWith(queries) ? queryScale
          : s.name().equals(head) ? (float) logitScale : 1f;
      for (int i = 0; i < s.size(); i++) {
        out.data()[s.at() + i] = params.data()[from.at() + i] * scale;
      }
    }
    return new Checkpoint.Loaded(standard, out);
  }

  /**
   * Writes the folded model of the checkpoint in {@code from} to {@code to}, with the
   * checkpoint's tokenizer.json when it has one.
   */
  public static Checkpoint.Loaded export(Path from, Path to) throws IOException {
    if (from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) {
      throw new IOException(to + ": the export would replace the checkpoint it is made from");
    }
    Checkpoint.Loaded source = Checkpoint.load(from);
    Checkpoint.Loaded folded = fold(source.config(), source.params());
    Checkpoint.save(to, folded.config(), folded.params());
    Path tokenizer = from.resolve("tokenizer.json");
    if (Files.isRegularFile(tokenizer)) {
      AtomicWrite.write(to.resolve("tokenizer.json"), out -> Files.copy(tokenizer, out));
    }
    return folded;
  }
}
