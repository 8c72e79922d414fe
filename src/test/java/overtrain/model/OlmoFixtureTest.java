package overtrain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole model against PyTorch. The fixtures come from src/test/python/make_olmo_fixtures.py,
 * an independent torch implementation of Hugging Face's OlmoForCausalLM, LlamaForCausalLM and
 * Olmo2ForCausalLM; their loss, gradients and log-probabilities are float64 autograd results
 * for the same float32 weights.
 */
class OlmoFixtureTest {
  private static final double LOSS_TOLERANCE = 1e-5, GRAD_TOLERANCE = 1e-4;

  @ParameterizedTest
  @ValueSource(strings = {"standard_untied", "standard_tied", "mup", "llama", "olmo2"})
  void matchesPytorch(String name) throws IOException {
    JsonNode root = read(name);
    JsonNode c = root.get("config");
    ModelConfig config = config(c);
    assertEquals(c.get("attention_scale").asDouble(), config.attentionScale(), 1e-15);
    assertEquals(c.get("logit_scale").asDouble(), config.logitScale(), 1e-15);
    assertEquals(c.get("embedding_scale").asDouble(), config.embeddingScale(), 1e-15);

    Parameters params = new Parameters(OlmoModel.layout(config));
    JsonNode weights = root.get("weights");
    assertEquals(params.specs().size(), weights.size(), "tensor count");
    for (TensorSpec s : params.specs()) {
      float[] w = floats(weights.get(s.name()), s.size(), s.name());
      System.arraycopy(w, 0, params.data(), s.at(), s.size());
    }
    int batch = c.get("batch").asInt(), seqLen = c.get("seq_len").asInt();
    int[] tokens = ints(root.get("tokens")), targets = ints(root.get("targets"));
    double expectedLoss = root.get("loss").asDouble();

    OlmoModel model = new OlmoModel(config, params);
    float[] grads = new float[params.size()];
    double loss = model.forwardBackward(tokens, targets, batch, seqLen, grads);
    double lossError = Math.abs(loss - expectedLoss) / expectedLoss;
    assertTrue(lossError < LOSS_TOLERANCE, name + ": loss " + loss + " vs " + expectedLoss);

    double worstGrad = 0;
    for (TensorSpec s : params.specs()) {
      float[] ref = floats(root.get("grads").get(s.name()), s.size(), s.name());
      double diff = 0, norm = 0;
      for (int i = 0; i < s.size(); i++) {
        double r = ref[i], e = grads[s.at() + i] - r;
        diff += e * e;
        norm += r * r;
      }
      double error = Math.sqrt(diff / norm);
      worstGrad = Math.max(worstGrad, error);
      assertTrue(error < GRAD_TOLERANCE, name + ": gradient of " + s.name() + " off by " + error);
    }

    double forwardLoss = model.loss(tokens, targets, batch, seqLen);
    assertTrue(Math.abs(forwardLoss - expectedLoss) / expectedLoss < LOSS_TOLERANCE,
        name + ": loss() " + forwardLoss + " vs " + expectedLoss);
    float[] logProbs = new float[batch * seqLen];
    model.targetLogProbs(tokens, targets, batch, seqLen, logProbs);
    JsonNode refLogProbs = root.get("target_log_probs");
    double worstLogProb = 0;
    for (int i = 0; i < logProbs.length; i++) {
      double r = refLogProbs.get(i).asDouble();
      if (targets[i] < 0) {
        assertEquals(0f, logProbs[i], "ignored position " + i);
      } else {
        worstLogProb = Math.max(worstLogProb, Math.abs(logProbs[i] - r) / Math.abs(r));
      }
    }
    assertTrue(worstLogProb < LOSS_TOLERANCE, name + ": log-probability off by " + worstLogProb);
    String logits = "";
    if (root.has("log_probs")) {
      double worst = worstLogProbOfEveryToken(model, root, batch, seqLen);
      assertTrue(worst < LOSS_TOLERANCE, name + ": log p(v | prefix) off by " + worst);
      logits = String.format(Locale.ROOT, ", worst log p(v) of every token rel %.2e", worst);
    }
    System.out.printf(Locale.ROOT,
        "%s: loss rel %.2e, loss() rel %.2e, worst grad rel %.2e, worst log-prob rel %.2e%s%n",
        name, lossError, Math.abs(forwardLoss - expectedLoss) / expectedLoss, worstGrad,
        worstLogProb, logits);
  }

  /** The model a fixture's config describes; OLMo where it names no model_type. */
  static ModelConfig config(JsonNode c) {
    Architecture arch = c.has("model_type")
        ? Architecture.valueOf(c.get("model_type").asText().toUpperCase(Locale.ROOT)) : Architecture.OLMO;
    return new ModelConfig(
        c.get("vocab_size").asInt(), c.get("hidden_size").asInt(),
        c.get("num_hidden_layers").asInt(), c.get("num_attention_heads").asInt(),
        c.get("intermediate_size").asInt(), c.get("max_position_embeddings").asInt(),
        c.get("tie_word_embeddings").asBoolean(), c.get("rope_theta").asDouble(),
        Parameterization.valueOf(c.get("parameterization").asText().toUpperCase(Locale.ROOT)),
        c.get("base_width").asInt(), c.get("init_std").asDouble(), arch,
        c.has("rms_norm_eps") ? c.get("rms_norm_eps").asDouble() : ModelConfig.DEFAULT_NORM_EPS);
  }

  /**
   * log p(v | prefix) for every position and every token v against the fixture's "log_probs":
   * the logits, up to each row's shift, one token at a time as the target of every position.
   * Relative to the largest magnitude of each row, since a probability near 1 has a log near 0.
   */
  static double worstLogProbOfEveryToken(OlmoModel model, JsonNode root, int batch, int seqLen) {
    int n = batch * seqLen, vocab = model.config().vocabSize();
    int[] tokens = ints(root.get("tokens"));
    JsonNode expected = root.get("log_probs");
    assertEquals(n * vocab, expected.size(), "log_probs element count");
    float[][] actual = new float[vocab][n];
    for (int v = 0; v < vocab; v++) {
      int[] targets = new int[n];
      java.util.Arrays.fill(targets, v);
      model.targetLogProbs(tokens, targets, batch, seqLen, actual[v]);
    }
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double scale = 0;
      for (int v = 0; v < vocab; v++) scale = Math.max(scale, Math.abs(expected.get(i * vocab + v).asDouble()));
      for (int v = 0; v < vocab; v++) {
        worst = Math.max(worst, Math.abs(actual[v][i] - expected.get(i * vocab + v).asDouble()) / scale);
      }
    }
    return worst;
  }

  static JsonNode read(String name) throws IOException {
    String path = "/fixtures/olmo/" + name + ".json";
    try (InputStream in = OlmoFixtureTest.class.getResourceAsStream(path)) {
      if (in == null) throw new IOException("missing test resource " + path);
      return new ObjectMapper().readTree(in);
    }
  }

  static float[] floats(JsonNode array, int size, String what) {
    assertEquals(size, array.size(), what + " element count");
    float[] out = new float[size];
    for (int i = 0; i < size; i++) out[i] = (float) array.get(i).asDouble();
    return out;
  }

  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
    return out;
  }
}
