package overtrain.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.model.Architecture;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.Parameters;
import overtrain.model.TensorSpec;

/**
 * Llama and OLMo-2 folders as Hugging Face publishes them (the keys of LLM360/Amber's and
 * OLMo-2's config.json, at toy sizes; weights under transformers' names, in transformers' order)
 * load as the architecture they name, and what the engine does not compute is refused by name.
 */
class ArchitectureCheckpointTest {
  @TempDir Path dir;

  /** LLM360/Amber's config.json keys (LlamaForCausalLM, transformers 4.33), toy sizes. */
  private static final String AMBER = """
      {"architectures": ["LlamaForCausalLM"], "bos_token_id": 1, "eos_token_id": 2,
       "hidden_act": "silu", "hidden_size": 32, "initializer_range": 0.02,
       "intermediate_size": 48, "max_position_embeddings": 16, "model_type": "llama",
       "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 4,
       "pretraining_tp": 1, "rms_norm_eps": 1e-06, "rope_scaling": null,
       "tie_word_embeddings": false, "torch_dtype": "float16",
       "transformers_version": "4.33.0.dev0", "use_cache": true, "vocab_size": 50}
      """;

  /** OLMo-2's config.json keys (Olmo2ForCausalLM), toy sizes: rope_theta an integer, as there. */
  private static final String OLMO2 = """
      {"architectures": ["Olmo2ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
       "eos_token_id": 49, "hidden_act": "silu", "hidden_size": 32, "initializer_range": 0.02,
       "intermediate_size": 48, "max_position_embeddings": 16, "model_type": "olmo2",
       "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 4,
       "pad_token_id": 1, "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 500000,
       "tie_word_embeddings": false, "torch_dtype": "float32",
       "transformers_version": "4.48.0", "use_cache": true, "vocab_size": 50}
      """;

  private static ModelConfig config(Architecture arch, double theta) {
    return new ModelConfig(50, 32, 2, 4, 48, 16, false, theta, Parameterization.STANDARD, 32, 0.02,
        arch, 1e-6);
  }

  /** Random weights, the norms' gains moved off 1 so that loading them shows. */
  private static Parameters weights(ModelConfig c, long seed) {
    Parameters p = OlmoModel.initialize(c, seed);
    Random random = new Random(seed);
    for (TensorSpec s : p.specs()) {
      if (s.initStd() > 0) continue;
      for (int i = s.at(); i < s.end(); i++) p.data()[i] = (float) (1 + 0.2 * random.nextGaussian());
    }
    return p;
  }

  /** config.json as given, model.safetensors with the tensors in another order than ours. */
  private Path folder(String name, String configJson, Parameters p) throws IOException {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    Files.writeString(d.resolve(Checkpoint.CONFIG), configJson);
    List<Safetensors.Tensor> tensors = new ArrayList<>();
    for (TensorSpec s : p.specs()) tensors.add(new Safetensors.Tensor(s.name(), s.shape(), p.data(), s.at()));
    Collections.reverse(tensors);
    Safetensors.write(d.resolve(Checkpoint.MODEL), tensors, Map.of("format", "pt"));
    return d;
  }

  private static double loss(ModelConfig c, Parameters p) {
    int[] tokens = new int[2 * 16], targets = new int[tokens.length];
    Random random = new Random(3);
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = random.nextInt(c.vocabSize());
      targets[i] = random.nextInt(c.vocabSize());
    }
    return new OlmoModel(c, p).loss(tokens, targets, 2, 16);
  }

  @Test
  void publishedLlamaAndOlmo2FoldersLoad() throws IOException {
    // Amber's config gives no rope_theta: transformers' default, 10000
    for (Object[] pair : new Object[][] {{AMBER, config(Architecture.LLAMA, 10000.0)},
        {OLMO2, config(Architecture.OLMO2, 500000.0)}}) {
      ModelConfig c = (ModelConfig) pair[1];
      Parameters p = weights(c, 4);
      Checkpoint.Loaded back = Checkpoint.load(folder(c.architecture().modelType(), (String) pair[0], p));
      assertEquals(c, back.config());
      assertTrue(java.util.Arrays.equals(p.data(), back.params().data()), c.architecture().modelType());
      assertEquals(loss(c, p), loss(back.config(), back.params()));
    }
  }

  @Test
  void defaultsAreTransformersOnes() throws IOException {
    // without rms_norm_eps: LlamaConfig's 1e-6, Olmo2Config's 1e-5
    ObjectNode llama = json(AMBER);
    llama.remove("rms_norm_eps");
    assertEquals(1e-6, HfConfig.read(write(llama)).normEps());
    ObjectNode olmo2 = json(OLMO2);
    olmo2.remove("rms_norm_eps");
    olmo2.remove("tie_word_embeddings");
    ModelConfig c = HfConfig.read(write(olmo2));
    assertEquals(1e-5, c.normEps());
    assertTrue(!c.tieWordEmbeddings(), "Olmo2Config's default");
    // newer transformers write rope_parameters in place of rope_theta
    olmo2.remove("rope_theta");
    olmo2.putObject("rope_parameters").put("rope_theta", 500000.0).put("rope_type", "default");
    assertEquals(500000.0, HfConfig.read(write(olmo2)).ropeTheta());
  }

  @Test
  void ourLlamaAndOlmo2CheckpointsRoundTripWithTransformersKeys() throws IOException {
    for (Architecture arch : new Architecture[] {Architecture.LLAMA, Architecture.OLMO2}) {
      ModelConfig c = config(arch, 500000.0);
      Parameters p = weights(c, 6);
      Path ck = dir.resolve("ours-" + arch);
      Checkpoint.save(ck, c, p);
      JsonNode o = new ObjectMapper().readTree(ck.resolve(Checkpoint.CONFIG).toFile());
      assertEquals(arch.modelType(), o.get("model_type").asText());
      assertEquals(arch.hfClass(), o.get("architectures").get(0).asText());
      assertEquals(1e-6, o.get("rms_norm_eps").asDouble());
      assertTrue(!o.has("clip_qkv"), "an OLMo-1 field");
      Checkpoint.Loaded back = Checkpoint.load(ck);
      assertEquals(c, back.config());
      assertTrue(java.util.Arrays.equals(p.data(), back.params().data()));
    }
  }

  /** Each edit of a published config, and the words its refusal must hold. */
  @Test
  void whatTheEngineDoesNotComputeIsRefusedByName() throws IOException {
    refused(AMBER, o -> o.put("model_type", "gpt2"),
        "field 'model_type' is 'gpt2', expected 'olmo', 'olmo2' or 'llama'");
    refused(AMBER, o -> o.put("mlp_bias", true), "field 'mlp_bias' is true, expected false (no biases)");
    refused(OLMO2, o -> o.put("attention_bias", true), "field 'attention_bias' is true, expected false");
    refused(AMBER, o -> o.put("num_key_value_heads", 2),
        "field 'num_key_value_heads' is 2, expected 4 like num_attention_heads (grouped-query attention is not supported)");
    refused(AMBER, o -> o.put("head_dim", 16),
        "field 'head_dim' is 16, expected hidden_size / num_attention_heads = 8");
    refused(OLMO2, o -> o.put("rms_norm_eps", -1e-6), "field 'rms_norm_eps' is -1.0E-6, expected a positive number");
    refused(OLMO2, o -> o.put("rms_norm_eps", "small"), "field 'rms_norm_eps' is \"small\", expected a number");
    refused(AMBER, o -> o.putObject("rope_scaling").put("type", "linear").put("factor", 2.0),
        "field 'rope_scaling' is {\"type\":\"linear\",\"factor\":2.0}, expected null");
    refused(OLMO2, o -> o.putObject("rope_parameters").put("rope_type", "llama3").put("rope_theta", 500000),
        "field 'rope_parameters.rope_type' is \"llama3\", expected \"default\"");
    refused(OLMO2, o -> o.putObject("rope_parameters").put("rope_type", "default").put("rope_theta", 10000),
        "field 'rope_parameters.rope_theta' is 10000, but field 'rope_theta' is 500000");
    refused(OLMO2, o -> o.putObject("rope_parameters").put("rope_theta", 500000).put("partial_rotary_factor", 0.5),
        "field 'rope_parameters.partial_rotary_factor' is 0.5, expected only rope_type");
  }

  /** Weights that do not fit the architecture the config names. */
  @Test
  void weightsOfAnotherArchitectureAreRefusedByTensor() throws IOException {
    ModelConfig llama = config(Architecture.LLAMA, 10000.0);
    // Llama's weights under an OLMo-2 config: no QK-norm gains
    Path d = folder("llama-as-olmo2", OLMO2, weights(llama, 1));
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(d));
    assertTrue(e.getMessage().contains("model.safetensors: no tensor 'model.layers.0.post_feedforward_layernorm.weight'"),
        e.getMessage());
    // OLMo-2's weights under a Llama config: its QK-norm gains are left over
    ObjectNode amber = json(AMBER).put("rope_theta", 500000);
    Path d2 = folder("olmo2-as-llama", amber.toString(), weights(config(Architecture.OLMO2, 500000.0), 1));
    e = assertThrows(IOException.class, () -> Checkpoint.load(d2));
    assertTrue(e.getMessage().contains("no tensor 'model.layers.0.input_layernorm.weight'"), e.getMessage());
  }

  private void refused(String published, Consumer<ObjectNode> edit, String expected) throws IOException {
    ObjectNode o = json(published);
    edit.accept(o);
    Path file = write(o);
    IOException e = assertThrows(IOException.class, () -> HfConfig.read(file));
    assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(expected), e.getMessage());
  }

  private static ObjectNode json(String text) throws IOException {
    return (ObjectNode) new ObjectMapper().readTree(text);
  }

  private Path write(ObjectNode o) throws IOException {
    Path file = dir.resolve("config.json");
    new ObjectMapper().writeValue(file.toFile(), o);
    return file;
  }
}
