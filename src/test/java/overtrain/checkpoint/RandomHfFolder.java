package overtrain.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import overtrain.formats.Npy;
import overtrain.io.Json;
import overtrain.model.OlmoModel;
import overtrain.model.TensorSpec;

/**
 * A Hugging Face OLMo folder as one is published, with random weights: {@code config.json} with
 * the keys the published OLMo configs have, the weights in bfloat16 shards named by
 * {@code model.safetensors.index.json}. Tests write small ones; {@code bench/big_model.sh} runs
 * {@link #main} for one of OLMo-1B's shape.
 */
public final class RandomHfFolder {
  private RandomHfFolder() {}

  /** The sizes a published OLMo config gives, and its {@code model_type}. */
  public record Shape(String modelType, int vocab, int hidden, int layers, int heads, int intermediate,
      int context, boolean tied) {
    /** OLMo-1B's published config. */
    public static final Shape OLMO_1B = new Shape("olmo", 50304, 2048, 16, 16, 8192, 2048, true);
    /** OLMo-2-7B's (allenai/OLMo-2-1124-7B): 7.30 billion parameters, untied. */
    public static final Shape OLMO2_7B = new Shape("olmo2", 100352, 4096, 32, 32, 11008, 4096, false);
  }

  /** The folder's config.json alone, in {@code dir} (which must not exist); returns its path. */
  public static Path writeConfig(Path dir, Shape s) throws IOException {
    if (Files.exists(dir)) throw new IOException(dir + " exists already; not overwritten");
    Files.createDirectories(dir);
    ObjectNode c = Json.object();
    boolean olmo2 = s.modelType().equals("olmo2");
    c.putArray("architectures").add(olmo2 ? "Olmo2ForCausalLM" : "OlmoForCausalLM");
    c.put("attention_bias", false);
    c.put("attention_dropout", 0.0);
    c.putNull("bos_token_id");
    c.putNull("clip_qkv");
    c.put("eos_token_id", 50279);
    c.put("hidden_act", "silu");
    c.put("hidden_size", s.hidden());
    c.put("initializer_range", 0.02);
    c.put("intermediate_size", s.intermediate());
    c.put("max_position_embeddings", s.context());
    c.put("model_type", s.modelType());
    c.put("num_attention_heads", s.heads());
    c.put("num_hidden_layers", s.layers());
    c.put("num_key_value_heads", s.heads());
    c.put("pad_token_id", 1);
    c.put("pretraining_tp", 1);
    c.putNull("rope_scaling");
    if (olmo2) c.put("rms_norm_eps", 1e-6);
    c.put("rope_theta", olmo2 ? 500000.0 : 10000.0);
    c.put("tie_word_embeddings", s.tied());
    c.put("torch_dtype", "bfloat16");
    c.put("use_cache", true);
    c.put("vocab_size", s.vocab());
    Path configFile = dir.resolve(Checkpoint.CONFIG);
    HfConfig.writeJson(configFile, c);
    return configFile;
  }

  /**
   * Writes the folder into {@code dir} (which must not exist) in {@code shards} files, each
   * matrix's values drawn from N(0, 0.02^2) by a generator of its own seeded from {@code seed}
   * and each norm's gain 1; the values are rounded to bfloat16. Holds one shard's tensors in
   * memory at a time.
   */
  public static void write(Path dir, Shape s, int shards, long seed) throws IOException {
    List<TensorSpec> specs = OlmoModel.layout(HfConfig.read(writeConfig(dir, s)));
    long total = 0;
    for (TensorSpec t : specs) total += t.size();
    long perShard = (total + shards - 1) / shards;
    Map<String, String> weightMap = new LinkedHashMap<>();
    List<Safetensors.Tensor> shard = new ArrayList<>();
    long inShard = 0;
    int index = 0;
    for (int t = 0; t < specs.size(); t++) {
      TensorSpec spec = specs.get(t);
      float[] data = new float[Math.toIntExact(spec.size())];
      SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + t);
      boolean gain = spec.shape().length == 1;
      for (int i = 0; i < data.length; i++) data[i] = gain ? 1f : (float) (0.02 * random.nextGaussian());
      shard.add(new Safetensors.Tensor(spec.name(), spec.shape(), data, 0));
      inShard += data.length;
      if (inShard >= perShard || t == specs.size() - 1) {
        String name = String.format("model-%05d-of-%05d.safetensors", ++index, shards);
        Safetensors.write(dir.resolve(name), shard, Map.of("format", "pt"), Safetensors.Dtype.BF16);
        for (Safetensors.Tensor w : shard) weightMap.put(w.name(), name);
        shard.clear();
        inShard = 0;
      }
    }
    // the index names the real count: a model whose tensors fill fewer shards than asked
    if (index != shards) {
      Map<String, String> renamed = new LinkedHashMap<>();
      for (int i = 1; i <= index; i++) {
        String from = String.format("model-%05d-of-%05d.safetensors", i, shards);
        String to = String.format("model-%05d-of-%05d.safetensors", i, index);
        Files.move(dir.resolve(from), dir.resolve(to));
        renamed.put(from, to);
      }
      weightMap.replaceAll((k, v) -> renamed.get(v));
    }
    ObjectNode idx = Json.object();
    idx.putObject("metadata").put("total_size", 2 * total);
    ObjectNode wm = idx.putObject("weight_map");
    weightMap.forEach(wm::put);
    HfConfig.writeJson(dir.resolve(Checkpoint.MODEL_INDEX), idx);
  }

  /** {@code n} random token ids below {@code vocab}, as a token file. */
  public static void tokens(Path file, int n, int vocab, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) ids[i] = random.nextInt(vocab);
    Npy.writeTokens(file, ids, n);
  }

  /**
   * {@code RandomHfFolder DIR TOKENS.npy [TOKENS [1b|7b]]}: an OLMo-1B-shaped folder in four
   * shards (or an OLMo-2-7B-shaped one in sixteen), and a file of random token ids (default
   * 65,536) below the vocabulary of the model's tokenizer (OLMo's 50,280, OLMo-2's 100,278).
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: RandomHfFolder DIR TOKENS.npy [TOKENS [1b|7b]]");
      System.exit(2);
    }
    long start = System.nanoTime();
    boolean seven = args.length > 3 && args[3].equals("7b");
    write(Path.of(args[0]), seven ? Shape.OLMO2_7B : Shape.OLMO_1B, seven ? 16 : 4, 1);
    tokens(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 65536, seven ? 100278 : 50280, 2);
    System.err.printf("wrote %s and %s in %.0f s%n", args[0], args[1], (System.nanoTime() - start) / 1e9);
  }
}
