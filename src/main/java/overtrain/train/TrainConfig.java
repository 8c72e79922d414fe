package overtrain.train;

import overtrain.io.AtomicWrite;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import overtrain.model.ModelConfig;
import overtrain.model.Parameterization;

/**
 * Everything that defines a pre-training run. Loaded from YAML whose keys are the
 * {@code overtrain pretrain} flag names, overridden by flags, and written beside the run's
 * results as {@code config.yaml} exactly as used (derived defaults filled in).
 *
 * @param trainTokens 1-D .npy token file to train on
 * @param heldoutTokens .npy token file for held-out loss; null for none
 * @param vocab vocabulary size
 * @param layers transformer blocks
 * @param heads attention heads
 * @param dModel model width
 * @param ffSize SwiGLU hidden width; 4 x d-model when not given (OLMo's ratio)
 * @param context tokens per training window
 * @param batch windows per step
 * @param lr peak learning rate (muP scales hidden matrices from it)
 * @param warmup linear-warmup steps
 * @param schedule cosine, constant or wsd
 * @param decayFraction the share of steps that wsd decays over
 * @param weightDecay AdamW's decoupled weight decay (not on embeddings)
 * @param clip global gradient-norm limit; 0 turns clipping off
 * @param tokens training budget in tokens; the schedule anneals to zero there
 * @param seed seeds the initialisation and the window sampler
 * @param evalEvery steps between held-out evaluations (0: only at the end)
 * @param evalTokens held-out tokens scored per evaluation
 * @param checkpointEvery steps between resumable checkpoints (0: only at the end)
 * @param checkpointAt token counts at which to checkpoint as well
 * @param out run directory
 * @param parameterization mup or standard
 * @param baseWidth muP's base width (the width the learning rate was tuned at)
 * @param initStd base initialisation std
 * @param tied whether the output head reuses the embedding
 */
@JsonPropertyOrder({"train-tokens", "heldout-tokens", "vocab", "layers", "heads", "d-model",
    "ff-size", "context", "batch", "lr", "warmup", "schedule", "decay-fraction", "weight-decay",
    "clip", "tokens", "seed", "eval-every", "eval-tokens", "checkpoint-every", "checkpoint-at",
    "out", "parameterization", "base-width", "init-std", "tied"})
public record TrainConfig(
    @JsonProperty("train-tokens") String trainTokens,
    @JsonProperty("heldout-tokens") String heldoutTokens,
    @JsonProperty("vocab") int vocab,
    @JsonProperty("layers") int layers,
    @JsonProperty("heads") int heads,
    @JsonProperty("d-model") int dModel,
    @JsonProperty("ff-size") Integer ffSize,
    @JsonProperty("context") int context,
    @JsonProperty("batch") int batch,
    @JsonProperty("lr") double lr,
    @JsonProperty("warmup") long warmup,
    @JsonProperty("schedule") String schedule,
    @JsonProperty("decay-fraction") double decayFraction,
    @JsonProperty("weight-decay") double weightDecay,
    @JsonProperty("clip") double clip,
    @JsonProperty("tokens") long tokens,
    @JsonProperty("seed") long seed,
    @JsonProperty("eval-every") long evalEvery,
    @JsonProperty("eval-tokens") long evalTokens,
    @JsonProperty("checkpoint-every") long checkpointEvery,
    @JsonProperty("checkpoint-at") List<Long> checkpointAt,
    @JsonProperty("out") String out,
    @JsonProperty("parameterization") String parameterization,
    @JsonProperty("base-width") int baseWidth,
    @JsonProperty("init-std") double initStd,
    @JsonProperty("tied") boolean tied) {

  private static final ObjectMapper YAML = new ObjectMapper(
      new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Keys without a default: a run cannot start without them. */
  private static final List<String> REQUIRED = List.of("train-tokens", "vocab", "tokens", "out");

  /** Defaults for every other key (the example run, sized for a laptop CPU). */
  private static final Map<String, Object> DEFAULTS = defaults();

  private static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("heldout-tokens", null);
    d.put("layers", 2);
    d.put("heads", 4);
    d.put("d-model", 128);
    d.put("ff-size", null);
    d.put("context", 256);
    d.put("batch", 16);
    d.put("lr", 1e-2);
    d.put("warmup", 0);
    d.put("schedule", "cosine");
    d.put("decay-fraction", 0.2);
    d.put("weight-decay", 0.1);
    d.put("clip", 1.0);
    d.put("seed", 1);
    d.put("eval-every", 0);
    d.put("eval-tokens", 65536);
    d.put("checkpoint-every", 0);
    d.put("checkpoint-at", List.of());
    d.put("parameterization", "mup");
    d.put("base-width", 128);
    d.put("init-std", 0.02);
    d.put("tied", true);
    return d;
  }

  public TrainConfig {
    require(trainTokens != null && !trainTokens.isBlank(), "train-tokens", "a token file");
    require(vocab > 0, "vocab", "a positive vocabulary size");
    require(layers > 0, "layers", "a positive number");
    require(heads > 0, "heads", "a positive number");
    require(dModel > 0 && dModel % heads == 0, "d-model", "a positive multiple of heads (" + heads + ")");
    if (ffSize == null) ffSize = 4 * dModel;
    require(ffSize > 0, "ff-size", "a positive number");
    require(context > 0, "context", "a positive number");
    require(batch > 0, "batch", "a positive number");
    require(lr >= 0, "lr", "a learning rate >= 0");
    require(warmup >= 0, "warmup", "a number of steps >= 0");
    require(List.of("cosine", "constant", "wsd").contains(schedule), "schedule", "cosine, constant or wsd");
    require(decayFraction > 0 && decayFraction <= 1, "decay-fraction", "a fraction in (0, 1]");
    require(weightDecay >= 0, "weight-decay", "a number >= 0");
    require(clip >= 0, "clip", "a norm >= 0 (0 turns clipping off)");
    require(tokens > 0, "tokens", "a positive token budget");
    require(evalEvery >= 0, "eval-every", "a number of steps >= 0");
    require(evalTokens > 0, "eval-tokens", "a positive number of tokens");
    require(checkpointEvery >= 0, "checkpoint-every", "a number of steps >= 0");
    checkpointAt = checkpointAt == null ? List.of() : List.copyOf(checkpointAt);
    for (long t : checkpointAt) require(t > 0 && t <= tokens, "checkpoint-at", "token counts in (0, tokens]");
    require(out != null && !out.isBlank(), "out", "a run directory");
    require(parameterization != null
        && List.of("mup", "standard").contains(parameterization.toLowerCase(Locale.ROOT)),
        "parameterization", "mup or standard");
    parameterization = parameterization.toLowerCase(Locale.ROOT);
    require(baseWidth > 0, "base-width", "a positive width");
    require(initStd > 0, "init-std", "a positive std");
    long steps = (tokens + (long) batch * context - 1) / ((long) batch * context);
    require(warmup < steps, "warmup", "fewer steps than the run's " + steps);
  }

  /** Tokens consumed by one optimiser step. */
  public long tokensPerStep() {
    return (long) batch * context;
  }

  /** Optimiser steps in the run: the budget rounded up to whole steps. */
  public long totalSteps() {
    return (tokens + tokensPerStep() - 1) / tokensPerStep();
  }

  /** The model this run trains. */
  public ModelConfig modelConfig() {
    return new ModelConfig(vocab, dModel, layers, heads, ffSize, context, tied, 10000.0,
        Parameterization.valueOf(parameterization.toUpperCase(Locale.ROOT)), baseWidth, initStd);
  }

  /**
   * The config from {@code yaml} (null for none) with {@code overrides} (flag name to value)
   * on top and the defaults under both. Unknown keys and missing required ones are errors that
   * name the file and the key.
   */
  public static TrainConfig load(Path yaml, Map<String, Object> overrides) throws IOException {
    ObjectNode merged = YAML.valueToTree(DEFAULTS);
    String source = yaml == null ? "flags" : yaml.toString();
    if (yaml != null) {
      JsonNode fromFile;
      try {
        fromFile = YAML.readTree(yaml.toFile());
      } catch (JsonProcessingException e) {
        throw new IOException(yaml + ": not valid YAML: " + e.getOriginalMessage(), e);
      }
      if (fromFile != null && !fromFile.isNull() && !fromFile.isMissingNode()) {
        if (!fromFile.isObject()) throw new IOException(yaml + ": expected a mapping of keys to values");
        overlay(merged, fromFile, yaml.toString());
      }
    }
    overlay(merged, YAML.valueToTree(overrides), "flags");
    for (String key : REQUIRED) {
      if (!merged.hasNonNull(key)) {
        throw new IOException(source + ": '" + key + "' is required (set it in the YAML or with --" + key + ")");
      }
    }
    try {
      return YAML.treeToValue(merged, TrainConfig.class);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
      String msg = cause == e ? e.getOriginalMessage() : cause.getMessage();
      throw new IOException(source + ": " + msg, e);
    }
  }

  /** Every key a config may hold. */
  public static List<String> keys() {
    List<String> keys = new ArrayList<>(REQUIRED);
    keys.addAll(DEFAULTS.keySet());
    return keys;
  }

  /** This config as YAML text, keys in the documented order. */
  public String toYaml() {
    try {
      return YAML.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** This config as a JSON tree (what a checkpoint's trainer state records). */
  public JsonNode toTree() {
    return YAML.valueToTree(this);
  }

  /** A config from a tree written by {@link #toTree()}. */
  public static TrainConfig fromTree(JsonNode tree) throws IOException {
    return YAML.treeToValue(tree, TrainConfig.class);
  }

  /** Writes {@code config.yaml} into {@code dir} through a temporary file. */
  public void write(Path dir) throws IOException {
    AtomicWrite.writeString(dir.resolve("config.yaml"), toYaml());
  }

  private static void overlay(ObjectNode into, JsonNode from, String source) throws IOException {
    List<String> known = keys();
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!known.contains(f.getKey())) {
        throw new IOException(source + ": unknown key '" + f.getKey() + "'; known keys: " + known);
      }
      into.set(f.getKey(), f.getValue());
    }
  }

  private static void require(boolean ok, String key, String expected) {
    if (!ok) throw new IllegalArgumentException("'" + key + "' must be " + expected);
  }
}
