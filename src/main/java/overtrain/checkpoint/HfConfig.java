package overtrain.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import overtrain.io.AtomicWrite;
import overtrain.io.Json;
import overtrain.model.Architecture;
import overtrain.model.ModelConfig;
import overtrain.model.Parameterization;
import overtrain.model.TensorSpec;

/**
 * A checkpoint's {@code config.json}: the keys of Hugging Face's {@code OlmoConfig},
 * {@code LlamaConfig} or {@code Olmo2Config} (by the model's {@link Architecture}), so that
 * {@code transformers} builds the architecture from it, plus the keys only we use (muP's
 * multipliers, the parameterisation, base width and every tensor's init std).
 */
public final class HfConfig {

  private HfConfig() {}

  /** The JSON object for {@code config} whose tensors are laid out as {@code specs}. */
  public static ObjectNode toJson(ModelConfig config, List<TensorSpec> specs) {
    Architecture arch = config.architecture();
    ObjectNode o = Json.object();
    o.put("model_type", arch.modelType());
    o.putArray("architectures").add(arch.hfClass());
    o.put("vocab_size", config.vocabSize());
    o.put("hidden_size", config.hiddenSize());
    o.put("intermediate_size", config.intermediateSize());
    o.put("num_hidden_layers", config.numLayers());
    o.put("num_attention_heads", config.numHeads());
    o.put("num_key_value_heads", config.numHeads());
    o.put("max_position_embeddings", config.maxContext());
    o.put("rope_theta", config.ropeTheta());
    o.putNull("rope_scaling");
    o.put("tie_word_embeddings", config.tieWordEmbeddings());
    // OLMo's LayerNorm eps is fixed, and OlmoConfig has no field for it
    if (arch.norm() == Architecture.Norm.RMS) o.put("rms_norm_eps", config.normEps());
    o.put("hidden_act", "silu");
    o.put("attention_bias", false);
    if (arch == Architecture.LLAMA) o.put("mlp_bias", false);
    o.put("attention_dropout", 0.0);
    if (arch == Architecture.OLMO) o.putNull("clip_qkv");
    o.put("initializer_range", config.initStd());
    // No special tokens: a pad id would make transformers zero that embedding row on init.
    o.putNull("pad_token_id");
    o.putNull("bos_token_id");
    o.putNull("eos_token_id");
    o.put("torch_dtype", "float32");
    o.put("use_cache", true);
    o.put("attention_scale", config.attentionScale());
    o.put("logit_scale", config.logitScale());
    o.put("embedding_scale", config.embeddingScale());
    o.put("parameterization", config.parameterization().name().toLowerCase(Locale.ROOT));
    o.put("base_width", config.baseWidth());
    o.put("init_std", config.initStd());
    ObjectNode stds = o.putObject("init_stds");
    for (TensorSpec s : specs) stds.put(s.name(), s.initStd());
    return o;
  }

  /** Writes {@code config.json} into {@code dir} through a temporary file. */
  public static void write(Path dir, ModelConfig config, List<TensorSpec> specs) throws IOException {
    writeJson(dir.resolve("config.json"), toJson(config, specs));
  }

  /**
   * Reads {@code file} into a {@link ModelConfig}. Files written by other tools (plain
   * Hugging Face OLMo, OLMo-2 and Llama configs) load as standard parameterisation with their
   * {@code initializer_range}; features we do not implement are rejected by name.
   */
  public static ModelConfig read(Path file) throws IOException {
    ModelConfig config = readShape(file);
    checkMultipliers(file, config);
    return config;
  }

  /**
   * The config without the multipliers it records checked: a checkpoint checks its tensors'
   * shapes against the sizes first, since a wrong size explains a wrong multiplier and not the
   * other way round.
   */
  static ModelConfig readShape(Path file) throws IOException {
    JsonNode o;
    try {
      o = Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not readable as JSON: " + e.getMessage(), e);
    }
    if (o == null || !o.isObject()) throw new IOException(file + ": expected a JSON object");
    Fields f = new Fields(file, o);
    String modelType = f.text("model_type");
    Architecture arch = Architecture.ofModelType(modelType);
    if (arch == null) {
      throw new IOException(file + ": field 'model_type' is '" + modelType + "', expected 'olmo', 'olmo2'"
          + " or 'llama' (the architectures the engine computes)");
    }
    int heads = f.integer("num_attention_heads");
    int hidden = f.integer("hidden_size");
    if (heads <= 0 || hidden % heads != 0) {
      throw new IOException(file + ": field 'num_attention_heads' is " + heads + ", which must divide"
          + " hidden_size " + hidden + " (each head gets hidden_size / num_attention_heads dimensions)");
    }
    if (o.has("num_key_value_heads") && !o.get("num_key_value_heads").isNull()) {
      int kvHeads = f.integer("num_key_value_heads");
      if (kvHeads <= 0 || heads % kvHeads != 0) {
        throw new IOException(file + ": field 'num_key_value_heads' is " + kvHeads + ", which must divide"
            + " num_attention_heads " + heads);
      }
      if (kvHeads != heads) {
        throw new IOException(file + ": field 'num_key_value_heads' is " + kvHeads + ", expected "
            + heads + " like num_attention_heads (grouped-query attention is not supported)");
      }
    }
    if (o.has("head_dim") && !o.get("head_dim").isNull() && f.integer("head_dim") != hidden / heads) {
      throw new IOException(file + ": field 'head_dim' is " + f.integer("head_dim") + ", expected hidden_size / "
          + "num_attention_heads = " + hidden / heads + " (heads of another width are not supported)");
    }
    if (o.has("hidden_act")) f.expectText("hidden_act", "silu");
    for (String bias : new String[] {"attention_bias", "mlp_bias"}) {
      if (o.path(bias).asBoolean(false)) {
        throw new IOException(file + ": field '" + bias + "' is true, expected false (no biases)");
      }
    }
    if (o.has("clip_qkv") && !o.get("clip_qkv").isNull()) {
      throw new IOException(file + ": field 'clip_qkv' is " + o.get("clip_qkv") + ", expected null");
    }
    if (o.has("rope_scaling") && !o.get("rope_scaling").isNull()) {
      throw new IOException(file + ": field 'rope_scaling' is " + o.get("rope_scaling") + ", expected null");
    }
    Parameterization p = Parameterization.STANDARD;
    if (o.has("parameterization")) {
      String name = f.text("parameterization");
      try {
        p = Parameterization.valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": field 'parameterization' is '" + name + "', expected standard or mup");
      }
    }
    double initStd = o.has("init_std") ? f.number("init_std") : f.number("initializer_range");
    double ropeTheta = ropeTheta(f, o);
    double eps = ModelConfig.DEFAULT_NORM_EPS;
    if (arch.norm() == Architecture.Norm.RMS) {
      eps = o.has("rms_norm_eps") && !o.get("rms_norm_eps").isNull() ? f.number("rms_norm_eps") : arch.defaultEps();
      if (!(eps > 0) || Double.isInfinite(eps)) {
        throw new IOException(file + ": field 'rms_norm_eps' is " + o.get("rms_norm_eps") + ", expected a positive number");
      }
    }
    ModelConfig config;
    try {
      config = new ModelConfig(
          f.integer("vocab_size"),
          hidden,
          f.integer("num_hidden_layers"),
          heads,
          f.integer("intermediate_size"),
          f.integer("max_position_embeddings"),
          o.has("tie_word_embeddings") && f.bool("tie_word_embeddings"), // OlmoConfig defaults to false
          ropeTheta,
          p,
          o.has("base_width") ? f.integer("base_width") : hidden,
          initStd,
          arch,
          eps);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    return config;
  }

  /**
   * The rotary base: {@code rope_theta}, or where newer transformers write it,
   * {@code rope_parameters.rope_theta} beside {@code rope_type} "default"; any other rotary
   * variant is refused by name, as {@code rope_scaling} is.
   */
  private static double ropeTheta(Fields f, JsonNode o) throws IOException {
    double theta = o.has("rope_theta") && !o.get("rope_theta").isNull()
        ? f.number("rope_theta") : ModelConfig.DEFAULT_ROPE_THETA;
    JsonNode rope = o.get("rope_parameters");
    if (rope == null || rope.isNull()) return theta;
    if (!rope.isObject()) {
      throw new IOException(f.file() + ": field 'rope_parameters' is " + rope + ", expected an object");
    }
    for (Iterator<String> it = rope.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      JsonNode v = rope.get(key);
      if (key.equals("rope_type")) {
        if (!v.isTextual() || !v.asText().equals("default")) {
          throw new IOException(f.file() + ": field 'rope_parameters.rope_type' is " + v
              + ", expected \"default\" (rotary scaling is not supported)");
        }
      } else if (key.equals("rope_theta")) {
        if (!v.isNumber()) {
          throw new IOException(f.file() + ": field 'rope_parameters.rope_theta' is " + v + ", expected a number");
        }
        if (o.has("rope_theta") && !o.get("rope_theta").isNull() && v.asDouble() != theta) {
          throw new IOException(f.file() + ": field 'rope_parameters.rope_theta' is " + v
              + ", but field 'rope_theta' is " + o.get("rope_theta"));
        }
        theta = v.asDouble();
      } else {
        throw new IOException(f.file() + ": field 'rope_parameters." + key + "' is " + v
            + ", expected only rope_type \"default\" and rope_theta (rotary variants are not supported)");
      }
    }
    return theta;
  }

  /**
   * The multipliers {@code file} records must be those its sizes imply. Each is a function of
   * sizes (attention_scale of head_dim, logit_scale of hidden_size and base_width), so a
   * mismatch is reported as the size the recorded value belongs to against the size the file
   * gives: a hand-edited hidden_size shows up as that, not as a multiplier.
   */
  static void checkMultipliers(Path file, ModelConfig config) throws IOException {
    JsonNode o;
    try {
      o = Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not readable as JSON: " + e.getMessage(), e);
    }
    Fields f = new Fields(file, o);
    boolean mup = config.parameterization() == Parameterization.MUP;
    String sizes = "hidden_size " + config.hiddenSize() + " / num_attention_heads " + config.numHeads()
        + " gives head_dim " + config.headDim();
    if (f.differs("attention_scale", config.attentionScale())) {
      double v = f.number("attention_scale");
      // muP: 1/head_dim; standard: 1/sqrt(head_dim)
      double headDim = v > 0 ? (mup ? 1 / v : 1 / (v * v)) : Double.NaN;
      throw new IOException(file + ": field 'attention_scale' is " + v + ", which is "
          + (mup ? "1/head_dim" : "1/sqrt(head_dim)") + " for head_dim " + round(headDim) + ", but " + sizes
          + ": hidden_size or num_attention_heads disagrees with the attention_scale recorded beside them");
    }
    if (f.differs("logit_scale", config.logitScale())) {
      double v = f.number("logit_scale");
      if (!mup) {
        throw new IOException(file + ": field 'logit_scale' is " + v + ", expected 1 under standard"
            + " parameterisation (is 'parameterization' right?)");
      }
      throw new IOException(file + ": field 'logit_scale' is " + v + ", which is base_width/hidden_size"
          + " for hidden_size " + round(config.baseWidth() / v) + " at base_width " + config.baseWidth()
          + ", but hidden_size is " + config.hiddenSize() + ": hidden_size or base_width disagrees with the"
          + " logit_scale recorded beside them");
    }
    if (f.differs("embedding_scale", config.embeddingScale())) {
      throw new IOException(file + ": field 'embedding_scale' is " + f.number("embedding_scale")
          + ", expected " + config.embeddingScale() + " (no embedding multiplier in either parameterisation)");
    }
  }

  private static String round(double x) {
    return Math.abs(x - Math.rint(x)) < 1e-9 * Math.max(1, Math.abs(x)) ? Long.toString(Math.round(x)) : Double.toString(x);
  }

  static void writeJson(Path file, JsonNode node) throws IOException {
    AtomicWrite.write(file, out -> Json.PRETTY.writeValue(out, node));
  }

  /** Typed access to a JSON object's fields, with errors that name the file and the field. */
  private record Fields(Path file, JsonNode o) {
    JsonNode get(String name) throws IOException {
      JsonNode v = o.get(name);
      if (v == null || v.isNull()) throw new IOException(file + ": field '" + name + "' is missing");
      return v;
    }

    int integer(String name) throws IOException {
      JsonNode v = get(name);
      if (!v.canConvertToInt() || !v.isIntegralNumber()) {
        throw new IOException(file + ": field '" + name + "' is " + v + ", expected an integer");
      }
      return v.asInt();
    }

    double number(String name) throws IOException {
      JsonNode v = get(name);
      if (!v.isNumber()) throw new IOException(file + ": field '" + name + "' is " + v + ", expected a number");
      return v.asDouble();
    }

    boolean bool(String name) throws IOException {
      JsonNode v = get(name);
      if (!v.isBoolean()) throw new IOException(file + ": field '" + name + "' is " + v + ", expected true or false");
      return v.asBoolean();
    }

    String text(String name) throws IOException {
      JsonNode v = get(name);
      if (!v.isTextual()) throw new IOException(file + ": field '" + name + "' is " + v + ", expected a string");
      return v.asText();
    }

    void expectText(String name, String expected) throws IOException {
      String v = text(name);
      if (!v.equals(expected)) {
        throw new IOException(file + ": field '" + name + "' is '" + v + "', expected '" + expected + "'");
      }
    }

    /** Whether a multiplier is written and differs from the one the sizes imply. */
    boolean differs(String name, double expected) throws IOException {
      if (!o.has(name)) return false;
      return Math.abs(number(name) - expected) > 1e-12 * Math.abs(expected);
    }
  }
}
