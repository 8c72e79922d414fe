package overtrain.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.Parameters;
import overtrain.model.TensorSpec;

class CheckpointTest {
  @TempDir Path dir;

  static ModelConfig config(boolean tied, Parameterization p) {
    return new ModelConfig(50, 32, 2, 4, 64, 16, tied, 10000.0, p, 16, 0.02);
  }

  private static void assertSameBits(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
        throw new AssertionError("element " + i + ": " + a[i] + " != " + b[i]);
      }
    }
  }

  @Test
  void modelRoundTripsBitsTiedAndUntied() throws IOException {
    for (boolean tied : new boolean[] {true, false}) {
      ModelConfig c = config(tied, Parameterization.MUP);
      Parameters p = OlmoModel.initialize(c, 3);
      Path ck = dir.resolve("tied-" + tied);
      Checkpoint.save(ck, c, p);
      Checkpoint.Loaded back = Checkpoint.load(ck);
      assertEquals(c, back.config());
      assertSameBits(p.data(), back.params().data());
      assertEquals(!tied, Safetensors.open(ck.resolve(Checkpoint.MODEL)).entries().containsKey("lm_head.weight"));
      assertFalse(Checkpoint.isResumable(ck));
    }
  }

  @Test
  void configJsonCarriesHuggingFaceKeysAndOurs() throws IOException {
    ModelConfig c = config(false, Parameterization.MUP);
    Parameters p = OlmoModel.initialize(c, 1);
    Checkpoint.save(dir, c, p);
    JsonNode o = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
    assertEquals("olmo", o.get("model_type").asText());
    assertEquals("OlmoForCausalLM", o.get("architectures").get(0).asText());
    assertEquals(32, o.get("hidden_size").asInt());
    assertEquals(64, o.get("intermediate_size").asInt());
    assertEquals(4, o.get("num_key_value_heads").asInt());
    assertEquals(16, o.get("max_position_embeddings").asInt());
    assertFalse(o.get("tie_word_embeddings").asBoolean());
    assertTrue(o.get("clip_qkv").isNull());
    assertEquals("mup", o.get("parameterization").asText());
    assertEquals(c.attentionScale(), o.get("attention_scale").asDouble());
    assertEquals(0.5, o.get("logit_scale").asDouble(), "base 16 / width 32");
    for (TensorSpec s : p.specs()) assertEquals(s.initStd(), o.get("init_stds").get(s.name()).asDouble(), s.name());
  }

  @Test
  void optimizerAndTrainerStateRoundTrip() throws IOException {
    ModelConfig c = config(true, Parameterization.STANDARD);
    Parameters p = OlmoModel.initialize(c, 5);
    float[] m = OlmoModel.initialize(c, 6).data();
    float[] v = OlmoModel.initialize(c, 7).data();
    ObjectNode state = new ObjectMapper().createObjectNode().put("step", 12).put("sampler_state", -5L);
    Checkpoint.save(dir.resolve("ck"), c, p, new Checkpoint.Moments(m, v, 12), state);
    assertTrue(Checkpoint.isResumable(dir.resolve("ck")));
    Checkpoint.Moments back = Checkpoint.loadMoments(dir.resolve("ck"), p);
    assertSameBits(m, back.firstMoment());
    assertSameBits(v, back.secondMoment());
    assertEquals(12, back.step());
    assertEquals(state.toString(), Checkpoint.loadTrainerState(dir.resolve("ck")).toString());
    // Saving again over it replaces it whole and leaves no temporary directories.
    Checkpoint.save(dir.resolve("ck"), c, p);
    assertFalse(Checkpoint.isResumable(dir.resolve("ck")));
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void loadingNamesTheFileAndField() throws IOException {
    ModelConfig c = config(true, Parameterization.MUP);
    Checkpoint.save(dir, c, OlmoModel.initialize(c, 1));
    // edited by hand, as a config from before manifests could be: the manifest would refuse it
    Files.delete(dir.resolve(Checkpoint.MANIFEST));
    Path cfg = dir.resolve("config.json");
    ObjectMapper json = new ObjectMapper();
    ObjectNode o = (ObjectNode) json.readTree(cfg.toFile());

    o.put("hidden_size", "wide");
    json.writeValue(cfg.toFile(), o);
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
    assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("'hidden_size'"), e.getMessage());

    o.put("hidden_size", 32).put("logit_scale", 1.0);
    json.writeValue(cfg.toFile(), o);
    e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
    assertTrue(e.getMessage().contains("'logit_scale'"), e.getMessage());

    o.put("logit_scale", c.logitScale()).put("tie_word_embeddings", false);
    json.writeValue(cfg.toFile(), o);
    e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
    assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("lm_head.weight"), e.getMessage());
  }

  /**
   * Weights as Hugging Face publishes larger models: split over shards named by
   * model.safetensors.index.json, here one shard in float32 and one in bfloat16. They load as
   * the float32 values, and the bfloat16 ones as exactly their high 16 bits.
   */
  @Test
  void shardedBfloat16WeightsLoad() throws IOException {
    ModelConfig c = config(false, Parameterization.STANDARD);
    Parameters p = OlmoModel.initialize(c, 5);
    Checkpoint.save(dir, c, p);
    Files.delete(dir.resolve(Checkpoint.MODEL));
    float[] expected = p.data().clone();
    java.util.List<Safetensors.Tensor> first = new java.util.ArrayList<>();
    RawSafetensors second = new RawSafetensors();
    ObjectNode map = new ObjectMapper().createObjectNode();
    for (TensorSpec s : p.specs()) {
      if (s.name().contains("layers.0.")) {
        first.add(new Safetensors.Tensor(s.name(), s.shape(), p.data(), s.at()));
        map.put(s.name(), "model-00001-of-00002.safetensors");
      } else {
        second.add(s.name(), "BF16", s.shape(), RawSafetensors.bf16(p.data(), s.at(), s.size()));
        map.put(s.name(), "model-00002-of-00002.safetensors");
        for (int i = s.at(); i < s.end(); i++) {
          expected[i] = Float.intBitsToFloat(Float.floatToRawIntBits(expected[i]) & 0xffff0000);
        }
      }
    }
    Safetensors.write(dir.resolve("model-00001-of-00002.safetensors"), first, java.util.Map.of());
    second.write(dir.resolve("model-00002-of-00002.safetensors"));
    Path index = dir.resolve(Checkpoint.MODEL_INDEX);
    ObjectNode indexJson = new ObjectMapper().createObjectNode();
    indexJson.putObject("metadata").put("total_size", 4L * p.size());
    indexJson.set("weight_map", map);
    new ObjectMapper().writeValue(index.toFile(), indexJson);

    Checkpoint.Loaded back = Checkpoint.load(dir);
    assertEquals(c, back.config());
    assertSameBits(expected, back.params().data());
    // held in bfloat16: the BF16 shard's bits as they are, the F32 shard's rounded to the nearest
    Parameters half = Checkpoint.load(dir, (b, t) -> {}, Parameters.Precision.BFLOAT16).params();
    for (int t = 0; t < half.specs().size(); t++) {
      TensorSpec s = half.specs().get(t);
      for (int i = 0; i < s.size(); i++) {
        assertEquals(overtrain.kernels.BFloat16.round(expected[s.at() + i]), half.bfloat16(t)[i], s.name() + "[" + i + "]");
      }
    }

    // an index that sends a tensor to a shard without it, or outside the directory
    map.put("lm_head.weight", "model-00001-of-00002.safetensors");
    new ObjectMapper().writeValue(index.toFile(), indexJson);
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
    assertTrue(e.getMessage().contains(Checkpoint.MODEL_INDEX) && e.getMessage().contains("'lm_head.weight'")
        && e.getMessage().contains("does not hold it"), e.getMessage());
    map.put("lm_head.weight", "../model-00002-of-00002.safetensors");
    new ObjectMapper().writeValue(index.toFile(), indexJson);
    e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
    assertTrue(e.getMessage().contains("'weight_map.lm_head.weight'"), e.getMessage());
    Files.delete(index);
    e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
    assertTrue(e.getMessage().contains("no weights") && e.getMessage().contains(Checkpoint.MODEL_INDEX),
        e.getMessage());
  }

  /** Unless asked, a model is held in float32 where that fits, in bfloat16 where not. */
  @Test
  void aModelIsHeldInBfloat16OnlyWhereFloat32DoesNotFit() {
    ModelConfig oneB = new ModelConfig(50304, 2048, 16, 16, 8192, 2048, true, 10000.0,
        Parameterization.STANDARD, 2048, 0.02);
    long gib = 1L << 30;
    assertEquals(Parameters.Precision.FLOAT32, Checkpoint.scoringPrecision(oneB, 7 * gib)); // 4.4 GiB of 7
    assertEquals(Parameters.Precision.BFLOAT16, Checkpoint.scoringPrecision(oneB, 5 * gib));
    ModelConfig sevenB = new ModelConfig(100352, 4096, 32, 32, 11008, 4096, false, 500000.0,
        Parameterization.STANDARD, 4096, 0.02, overtrain.model.Architecture.OLMO2, 1e-6);
    assertEquals(Parameters.Precision.BFLOAT16, Checkpoint.scoringPrecision(sevenB, 1000 * gib)); // > 2^31
  }

  /**
   * A config.json as Hugging Face publishes OLMo (OLMo-1B-hf's keys, smaller sizes): none of
   * our own keys, special token ids, a bfloat16 torch_dtype. It loads as the standard
   * parameterisation with initializer_range as the init std.
   */
  @Test
  void aPublishedOlmoConfigLoads() throws IOException {
    // without base_width in the file the base width is the width (it only matters under muP)
    ModelConfig c = new ModelConfig(50, 32, 2, 4, 64, 16, true, 10000.0, Parameterization.STANDARD, 32, 0.02);
    Parameters p = OlmoModel.initialize(c, 2);
    Checkpoint.save(dir, c, p);
    String published = """
        {"architectures": ["OlmoForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
         "bos_token_id": null, "clip_qkv": null, "eos_token_id": 49, "hidden_act": "silu",
         "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 64,
         "max_position_embeddings": 16, "model_type": "olmo", "num_attention_heads": 4,
         "num_hidden_layers": 2, "num_key_value_heads": 4, "pad_token_id": 1,
         "pretraining_tp": 1, "rope_scaling": null, "rope_theta": 10000.0,
         "tie_word_embeddings": true, "torch_dtype": "bfloat16",
         "transformers_version": "4.40.0.dev0", "use_cache": true, "vocab_size": 50}
        """;
    Files.writeString(dir.resolve(Checkpoint.CONFIG), published);
    Files.delete(dir.resolve(Checkpoint.MANIFEST)); // a published folder has none
    Checkpoint.Loaded back = Checkpoint.load(dir);
    assertEquals(c, back.config());
    assertSameBits(p.data(), back.params().data());
  }
}
