package overtrain.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;

/**
 * A Llama and an OLMo-2 folder as Hugging Face publishes them, end to end: the PyTorch
 * fixture's config.json (transformers' keys only) and its random weights, written by this test
 * as model.safetensors under transformers' names, load through {@link Checkpoint#load}, and the
 * model loaded computes the fixture's log p(v | prefix) for every position and token v (its
 * logits, up to each row's shift) and its loss. The fixtures and the PyTorch code behind them:
 * src/test/python/make_olmo_fixtures.py.
 */
class HfFolderFixtureTest {
  /** float32 against PyTorch's float64 answer for the same weights. */
  private static final double TOLERANCE = 1e-5;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"llama", "olmo2"})
  void publishedFolderComputesWhatPytorchDoes(String name) throws IOException {
    JsonNode root;
    String path = "/fixtures/olmo/" + name + ".json";
    try (InputStream in = HfFolderFixtureTest.class.getResourceAsStream(path)) {
      if (in == null) throw new IOException("missing test resource " + path);
      root = new ObjectMapper().readTree(in);
    }
    Files.writeString(dir.resolve(Checkpoint.CONFIG), root.get("hf_config").toString());
    JsonNode c = root.get("config");
    List<Safetensors.Tensor> tensors = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.get("weights").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      float[] data = new float[e.getValue().size()];
      for (int i = 0; i < data.length; i++) data[i] = (float) e.getValue().get(i).asDouble();
      tensors.add(new Safetensors.Tensor(e.getKey(), shape(e.getKey(), c), data, 0));
    }
    Safetensors.write(dir.resolve(Checkpoint.MODEL), tensors, Map.of("format", "pt"));

    Checkpoint.Loaded loaded = Checkpoint.load(dir);
    ModelConfig config = loaded.config();
    assertEquals(name, config.architecture().modelType());
    assertEquals(c.get("rms_norm_eps").asDouble(), config.normEps());
    assertEquals(c.get("rope_theta").asDouble(), config.ropeTheta());
    assertTrue(!config.tieWordEmbeddings());

    int batch = c.get("batch").asInt(), seqLen = c.get("seq_len").asInt(), n = batch * seqLen;
    int vocab = config.vocabSize();
    int[] tokens = new int[n], targets = new int[n];
    for (int i = 0; i < n; i++) {
      tokens[i] = root.get("tokens").get(i).asInt();
      targets[i] = root.get("targets").get(i).asInt();
    }
    OlmoModel model = new OlmoModel(config, loaded.params());
    double loss = model.loss(tokens, targets, batch, seqLen), expected = root.get("loss").asDouble();
    assertTrue(Math.abs(loss - expected) / expected < TOLERANCE, name + ": loss " + loss + " vs " + expected);

    JsonNode logProbs = root.get("log_probs");
    assertEquals(n * vocab, logProbs.size());
    float[] row = new float[n];
    int[] every = new int[n];
    double worst = 0;
    for (int v = 0; v < vocab; v++) {
      Arrays.fill(every, v);
      model.targetLogProbs(tokens, every, batch, seqLen, row);
      for (int i = 0; i < n; i++) {
        double r = logProbs.get(i * vocab + v).asDouble();
        worst = Math.max(worst, Math.abs(row[i] - r) / Math.max(1.0, Math.abs(r)));
      }
    }
    assertTrue(worst < TOLERANCE, name + ": log p(v | prefix) off by " + worst);
    System.out.printf(Locale.ROOT, "%s folder: loss rel %.2e, worst log p(v) %.2e%n", name,
        Math.abs(loss - expected) / expected, worst);
  }

  /** A tensor's shape as transformers saves it, [out, in] for a matrix. */
  private static int[] shape(String name, JsonNode c) {
    int d = c.get("hidden_size").asInt(), f = c.get("intermediate_size").asInt(), v = c.get("vocab_size").asInt();
    if (name.endsWith("norm.weight")) return new int[] {d};
    if (name.contains("embed_tokens") || name.equals("lm_head.weight")) return new int[] {v, d};
    if (name.endsWith("down_proj.weight")) return new int[] {d, f};
    if (name.contains(".mlp.")) return new int[] {f, d};
    return new int[] {d, d};
  }
}
