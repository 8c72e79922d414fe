package overtrain.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import overtrain.io.AtomicWrite;
import overtrain.io.Json;
import overtrain.kernels.BFloat16;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameters;
import overtrain.model.TensorSpec;

/**
 * A checkpoint directory: {@code config.json} and {@code model.safetensors}, which Hugging
 * Face's {@code OlmoForCausalLM} (or the Llama or OLMo-2 class the config names) loads as they
 * are, and, for a run that can resume,
 * {@code optimizer.safetensors} (AdamW's moments under {@code exp_avg.NAME} and
 * {@code exp_avg_sq.NAME}, the step in the metadata) and {@code trainer_state.json} (whatever
 * the trainer needs; this layer does not interpret it).
 *
 * <p>A directory is built under a temporary name and renamed into place, so a reader never
 * sees half of one, and a run killed while saving leaves the previous checkpoint intact.
 *
 * <p>{@code manifest.json} records each file's size and SHA-256 when it is saved; loading
 * checks a file against it before reading it, so a file cut short, damaged on disk or changed
 * by hand is named as such rather than read. A directory without one (saved before manifests,
 * or published by Hugging Face) is read with the formats' own checks only: every safetensors
 * header must account for the file's bytes exactly.
 */
public final class Checkpoint {
  public static final String CONFIG = "config.json";
  public static final String MODEL = "model.safetensors";
  /** How Hugging Face names the map from tensor to shard file when a model is split. */
  public static final String MODEL_INDEX = "model.safetensors.index.json";
  public static final String OPTIMIZER = "optimizer.safetensors";
  public static final String TRAINER_STATE = "trainer_state.json";
  public static final String MANIFEST = "manifest.json";
  /** The files a saved checkpoint may hold, each recorded in the manifest. */
  private static final List<String> SAVED = List.of(CONFIG, MODEL, OPTIMIZER, TRAINER_STATE);
  private static final String EXP_AVG = "exp_avg.";
  private static final String EXP_AVG_SQ = "exp_avg_sq.";

  private Checkpoint() {}

  /** A model read back from a checkpoint. */
  public record Loaded(ModelConfig config, Parameters params) {}

  /**
   * An Adam-style optimiser's state in the parameters' layout (kept as plain arrays so this
   * layer needs nothing from the optimiser's).
   */
  public record Moments(float[] firstMoment, float[] secondMoment, long step) {}

  /** Writes the model only: what evaluation and Python need. */
  public static void save(Path dir, ModelConfig config, Parameters params) throws IOException {
    save(dir, config, params, null, null);
  }

  /**
   * Writes a checkpoint to {@code dir}, replacing any there. {@code optimizer} and
   * {@code trainerState} may be null for a model-only checkpoint.
   */
  public static void save(Path dir, ModelConfig config, Parameters params, Moments optimizer,
      JsonNode trainerState) throws IOException {
    Path abs = dir.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = AtomicWrite.temporaryDirectory(abs);
    try {
      HfConfig.write(tmp, config, params.specs());
      List<Safetensors.Tensor> weights = new ArrayList<>();
      for (TensorSpec s : params.specs()) {
        weights.add(new Safetensors.Tensor(s.name(), s.shape(), params.data(), s.at()));
      }
      Safetensors.write(tmp.resolve(MODEL), weights, Map.of("format", "pt"));
      if (optimizer != null) {
        List<Safetensors.Tensor> moments = new ArrayList<>();
        for (TensorSpec s : params.specs()) {
          moments.add(new Safetensors.Tensor(EXP_AVG + s.name(), s.shape(), optimizer.firstMoment(), s.at()));
          moments.add(new Safetensors.Tensor(EXP_AVG_SQ + s.name(), s.shape(), optimizer.secondMoment(), s.at()));
        }
        Safetensors.write(tmp.resolve(OPTIMIZER), moments, Map.of("step", Long.toString(optimizer.step())));
      }
      if (trainerState != null) HfConfig.writeJson(tmp.resolve(TRAINER_STATE), trainerState);
      writeManifest(tmp);
      replace(tmp, abs);
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  /**
   * Reads the model of the checkpoint in {@code dir}, checking every tensor against the layout.
   * Besides what {@link #save} writes, it takes what Hugging Face publishes: weights split into
   * shards named by {@code model.safetensors.index.json}, and BF16 or F16 tensors (widened to
   * float32).
   */
  public static Loaded load(Path dir) throws IOException {
    return load(dir, (bytes, total) -> {});
  }

  /** How far reading a checkpoint's weights has got, in bytes of its weight files. */
  @FunctionalInterface
  public interface Listener {
    void read(long bytes, long totalBytes);
  }

  /** {@link #load(Path)}, telling {@code listener} after each tensor. */
  public static Loaded load(Path dir, Listener listener) throws IOException {
    return load(dir, listener, Parameters.Precision.FLOAT32);
  }

  /**
   * {@link #load(Path, Listener)} held in {@code precision}: in bfloat16, a BF16 tensor is
   * copied as it is and an F32 or F16 one rounded to the nearest (scoring and perturbation
   * only: such a model cannot be trained).
   */
  public static Loaded load(Path dir, Listener listener, Parameters.Precision precision) throws IOException {
    Opened o = open(dir, precision);
    // allocated only now: the shapes, checked against the files, bound it
    Parameters params = precision == Parameters.Precision.FLOAT32
        ? new Parameters(o.specs()) : Parameters.bfloat16(o.specs());
    o.readInto(params, listener);
    return new Loaded(o.config(), params);
  }

  /**
   * The precision a model that is only scored or perturbed is held in when none is asked for:
   * float32 where its weights take at most three quarters of the JVM's max heap (and fit one
   * Java array), else bfloat16, where a float32 checkpoint's weights are rounded.
   */
  public static Parameters.Precision scoringPrecision(Path dir) throws IOException {
    return scoringPrecision(config(dir), Runtime.getRuntime().maxMemory());
  }

  /** {@link #scoringPrecision(Path)} for a model of {@code config}'s shape and this max heap. */
  public static Parameters.Precision scoringPrecision(ModelConfig config, long maxHeap) {
    long params = OlmoModel.parameterCount(config);
    return params <= Integer.MAX_VALUE - 8 && 4 * params <= maxHeap / 4 * 3
        ? Parameters.Precision.FLOAT32 : Parameters.Precision.BFLOAT16;
  }

  /**
   * The model configuration of checkpoint {@code dir}, from its config.json (checked against the
   * manifest where there is one); the weights are not read.
   */
  public static ModelConfig config(Path dir) throws IOException {
    Path configFile = dir.resolve(CONFIG);
    if (!Files.isRegularFile(configFile)) {
      throw new IOException(dir + ": not a checkpoint directory (no " + CONFIG + ")");
    }
    verify(dir, CONFIG);
    return HfConfig.readShape(configFile);
  }

  /**
   * Reads the weights of {@code dir} again into {@code params}, which must have its layout:
   * what a perturbation that works in place restores the checkpoint from, bit for bit, rather
   * than keeping a second copy of a large model in memory.
   */
  public static void reload(Path dir, Parameters params) throws IOException {
    Opened o = open(dir, params.precision());
    if (!o.specs().equals(params.specs())) {
      throw new IllegalArgumentException(dir + ": its layout is not that of the parameters to reload");
    }
    o.readInto(params, (bytes, total) -> {});
  }

  /** A checkpoint whose config and weight headers have been checked, its weights not yet read. */
  private record Opened(ModelConfig config, List<TensorSpec> specs, Map<String, Safetensors.Reader> weights,
      Path source) {
    void readInto(Parameters params, Listener listener) throws IOException {
      long total = 0, done = 0;
      for (TensorSpec s : specs) total += entry(s).end() - entry(s).begin();
      Set<String> expected = new HashSet<>();
      boolean half = params.precision() == Parameters.Precision.BFLOAT16;
      for (int t = 0; t < specs.size(); t++) {
        TensorSpec s = specs.get(t);
        Safetensors.Reader reader = weights.get(s.name());
        if (half) {
          reader.readBfloat16(s.name(), s.shape(), params.bfloat16(t));
          requireFinite(reader.file(), s.name(), s.shape(), params.bfloat16(t));
        } else {
          reader.read(s.name(), s.shape(), params.data(), s.at());
          requireFinite(reader.file(), s.name(), s.shape(), params.data(), s.at());
        }
        expected.add(s.name());
        done += entry(s).end() - entry(s).begin();
        listener.read(done, total);
      }
      for (String name : weights.keySet()) {
        if (!expected.contains(name)) {
          throw new IOException(source + ": unexpected tensor '" + name + "' for this config"
              + (config.tieWordEmbeddings() ? " (tie_word_embeddings is true)" : ""));
        }
      }
    }

    private Safetensors.Entry entry(TensorSpec s) {
      return weights.get(s.name()).entries().get(s.name());
    }
  }

  private static Opened open(Path dir, Parameters.Precision precision) throws IOException {
    Path configFile = dir.resolve(CONFIG);
    ModelConfig config = config(dir);
    if (precision == Parameters.Precision.FLOAT32 && OlmoModel.parameterCount(config) > Integer.MAX_VALUE - 8) {
      throw new IOException(configFile + ": " + OlmoModel.parameterCount(config) + " parameters, more than"
          + " one float32 Java array holds (2^31 - 1); such a model can be held in bfloat16 to be scored"
          + " or perturbed (--precision bfloat16), not trained");
    }
    List<TensorSpec> specs = OlmoModel.layout(config);
    boolean whole = Files.isRegularFile(dir.resolve(MODEL));
    Path source = dir.resolve(whole ? MODEL : MODEL_INDEX);
    if (!Files.isRegularFile(source)) {
      throw new IOException(dir + ": no weights (neither " + MODEL + " nor " + MODEL_INDEX + ")");
    }
    if (whole) verify(dir, MODEL);
    Map<String, Safetensors.Reader> weights =
        whole ? wholeFile(Safetensors.open(source)) : shards(source);
    // Shapes first: a size in config.json that disagrees with the weights is named as that.
    for (TensorSpec s : specs) {
      Safetensors.Reader reader = weights.get(s.name());
      if (reader == null) {
        throw new IOException(source + ": no tensor '" + s.name() + "'; has " + weights.keySet());
      }
      int[] shape = reader.entries().get(s.name()).shape();
      if (!java.util.Arrays.equals(shape, s.shape())) {
        throw new IOException(reader.file() + ": tensor '" + s.name() + "' has shape "
            + java.util.Arrays.toString(shape) + ", but " + configFile + " implies "
            + java.util.Arrays.toString(s.shape()) + " (vocab_size " + config.vocabSize() + ", hidden_size "
            + config.hiddenSize() + ", intermediate_size " + config.intermediateSize() + ")");
      }
    }
    HfConfig.checkMultipliers(configFile, config);
    checkInitStds(configFile, specs);
    return new Opened(config, specs, weights, source);
  }

  private static Map<String, Safetensors.Reader> wholeFile(Safetensors.Reader reader) {
    Map<String, Safetensors.Reader> byName = new LinkedHashMap<>();
    for (String name : reader.entries().keySet()) byName.put(name, reader);
    return byName;
  }

  /**
   * The shards an index names, by tensor: its {@code weight_map} maps each tensor to a file
   * beside the index, which must hold that tensor.
   */
  private static Map<String, Safetensors.Reader> shards(Path index) throws IOException {
    JsonNode map;
    try {
      map = Json.MAPPER.readTree(index.toFile()).path("weight_map");
    } catch (IOException e) {
      throw new IOException(index + ": not readable as JSON: " + e.getMessage(), e);
    }
    if (!map.isObject()) throw new IOException(index + ": field 'weight_map' must be an object");
    Map<String, Safetensors.Reader> open = new HashMap<>(), byName = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String file = e.getValue().asText();
      if (!e.getValue().isTextual() || file.isEmpty() || file.equals(".") || file.equals("..")
          || file.contains("/") || file.contains("\\")) {
        throw new IOException(index + ": field 'weight_map." + e.getKey() + "' is " + e.getValue()
            + ", expected the name of a file beside the index");
      }
      Safetensors.Reader shard = open.get(file);
      if (shard == null) {
        shard = Safetensors.open(index.resolveSibling(file));
        open.put(file, shard);
      }
      if (!shard.entries().containsKey(e.getKey())) {
        throw new IOException(index + ": tensor '" + e.getKey() + "' is mapped to " + file
            + ", which does not hold it");
      }
      byName.put(e.getKey(), shard);
    }
    return byName;
  }

  /** Whether {@code dir} holds what a run needs to resume (optimizer and trainer state). */
  public static boolean isResumable(Path dir) {
    return Files.isRegularFile(dir.resolve(OPTIMIZER)) && Files.isRegularFile(dir.resolve(TRAINER_STATE));
  }

  /** The optimiser's moments as saved in {@code dir}, checked against the layout of {@code params}. */
  public static Moments loadMoments(Path dir, Parameters params) throws IOException {
    verify(dir, OPTIMIZER);
    Safetensors.Reader reader = Safetensors.open(dir.resolve(OPTIMIZER));
    float[] m = new float[params.size()];
    float[] v = new float[params.size()];
    for (TensorSpec s : params.specs()) {
      reader.read(EXP_AVG + s.name(), s.shape(), m, s.at());
      requireFinite(reader.file(), EXP_AVG + s.name(), s.shape(), m, s.at());
      reader.read(EXP_AVG_SQ + s.name(), s.shape(), v, s.at());
      requireFinite(reader.file(), EXP_AVG_SQ + s.name(), s.shape(), v, s.at());
    }
    String step = reader.metadata().get("step");
    try {
      return new Moments(m, v, Long.parseLong(String.valueOf(step)));
    } catch (NumberFormatException e) {
      throw new IOException(reader.file() + ": metadata field 'step' is " + step + ", expected an integer");
    }
  }

  /** The trainer's state as saved in {@code dir}. */
  public static JsonNode loadTrainerState(Path dir) throws IOException {
    verify(dir, TRAINER_STATE);
    Path file = dir.resolve(TRAINER_STATE);
    JsonNode state;
    try {
      state = Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not readable as JSON: " + e.getMessage(), e);
    }
    // An empty file reads as no node at all; neither it nor {} is a trainer's state.
    if (state == null || !state.isObject() || state.isEmpty()) {
      throw new IOException(file + ": " + (state == null || state.isMissingNode() ? "empty" : "holds " + abbreviate(state))
          + ", expected the trainer's state as a JSON object");
    }
    return state;
  }

  /**
   * Why the checkpoint in {@code dir} cannot be resumed from, or empty when it can: a file that
   * differs from the manifest, or a config, safetensors header or trainer state that does not
   * read. The weights themselves are read only by {@link #load}.
   */
  public static java.util.Optional<String> damage(Path dir) {
    try {
      for (String name : SAVED) verify(dir, name);
      HfConfig.read(dir.resolve(CONFIG));
      Safetensors.open(dir.resolve(MODEL));
      Safetensors.open(dir.resolve(OPTIMIZER));
      loadTrainerState(dir);
      return java.util.Optional.empty();
    } catch (IOException | RuntimeException e) {
      String why = e instanceof java.nio.file.NoSuchFileException f ? f.getFile() + ": missing" : e.getMessage();
      return java.util.Optional.of(String.valueOf(why));
    }
  }

  /**
   * Checks {@code dir/name} against the size and SHA-256 that {@code dir}'s manifest records,
   * when there is a manifest and it lists the file.
   */
  static void verify(Path dir, String name) throws IOException {
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) return;
    JsonNode files;
    try {
      files = Json.MAPPER.readTree(manifest.toFile());
    } catch (IOException e) {
      throw new IOException(manifest + ": not readable as JSON: " + e.getMessage(), e);
    }
    files = files == null ? null : files.get("files");
    if (files == null || !files.isObject()) {
      throw new IOException(manifest + ": field 'files' is missing or not an object; the manifest is damaged");
    }
    JsonNode expected = files.get(name);
    if (expected == null) return;
    Path file = dir.resolve(name);
    long bytes = expected.path("bytes").asLong(-1);
    String sha = expected.path("sha256").asText("");
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": missing, but " + MANIFEST + " records it (" + bytes + " bytes)");
    }
    long size = Files.size(file);
    if (size != bytes) {
      throw new IOException(file + ": " + size + " bytes, but " + MANIFEST + " records " + bytes
          + (size < bytes ? ": the file was cut short" : ": the file changed after it was saved"));
    }
    String actual = sha256(file);
    if (!actual.equals(sha)) {
      throw new IOException(file + ": SHA-256 " + actual + ", but " + MANIFEST + " records " + sha
          + ": the file was damaged or changed after it was saved (delete " + MANIFEST
          + " to read it unchecked)");
    }
  }

  /** Records the size and SHA-256 of every file {@link #save} wrote into {@code dir}. */
  private static void writeManifest(Path dir) throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode manifest = Json.object();
    com.fasterxml.jackson.databind.node.ObjectNode files = manifest.putObject("files");
    for (String name : SAVED) {
      Path file = dir.resolve(name);
      if (!Files.isRegularFile(file)) continue;
      files.putObject(name).put("bytes", Files.size(file)).put("sha256", sha256(file));
    }
    HfConfig.writeJson(dir.resolve(MANIFEST), manifest);
  }

  private static String sha256(Path file) throws IOException {
    java.security.MessageDigest digest;
    try {
      digest = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    try (java.io.InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 20];
      for (int r; (r = in.read(buf)) > 0; ) digest.update(buf, 0, r);
    }
    return java.util.HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Weights or moments with a NaN or infinity would score as loss NaN or train into it: refused
   * here, with where the first one is.
   */
  private static void requireFinite(Path file, String name, int[] shape, float[] data, int offset)
      throws IOException {
    long n = 1;
    for (int s : shape) n *= s;
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(data[offset + i])) throw notFinite(file, name, shape, data[offset + i], i);
    }
  }

  /** The same for bfloat16 bits: an exponent of all ones is an infinity or a NaN. */
  private static void requireFinite(Path file, String name, int[] shape, short[] data) throws IOException {
    for (int i = 0; i < data.length; i++) {
      if ((data[i] & 0x7f80) == 0x7f80) throw notFinite(file, name, shape, BFloat16.toFloat(data[i]), i);
    }
  }

  private static IOException notFinite(Path file, String name, int[] shape, float x, int i) {
    long n = 1;
    for (int s : shape) n *= s;
    int[] at = new int[shape.length];
    for (int k = shape.length - 1, rest = i; k >= 0; k--) {
      at[k] = rest % shape[k];
      rest /= shape[k];
    }
    return new IOException(file + ": tensor '" + name + "' holds " + x + " at index "
        + java.util.Arrays.toString(at) + " (element " + i + " of " + n + ")");
  }

  private static String abbreviate(JsonNode node) {
    String text = node.toString();
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }

  private static void checkInitStds(Path file, List<TensorSpec> specs) throws IOException {
    JsonNode stds = Json.MAPPER.readTree(file.toFile()).path("init_stds");
    if (!stds.isObject()) return;
    for (TensorSpec s : specs) {
      JsonNode v = stds.get(s.name());
      if (v != null && (!v.isNumber() || v.asDouble() != s.initStd())) {
        throw new IOException(file + ": field 'init_stds." + s.name() + "' is " + v
            + ", but the config implies " + s.initStd());
      }
    }
  }

  /** Moves {@code fresh} to {@code target}; an existing target is moved aside first, then deleted. */
  private static void replace(Path fresh, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling(target.getFileName() + ".old-" + System.nanoTime());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) deleteTree(old);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
