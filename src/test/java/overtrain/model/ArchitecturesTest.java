package overtrain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The three block designs: their tensors, and their backward passes by central differences. */
class ArchitecturesTest {
  private static final double STEP = 1e-5;

  private static ModelConfig tiny(Architecture a, Parameterization p, boolean tied, double eps) {
    return new ModelConfig(13, 8, 2, 2, 12, 8, tied, 500.0, p, 4, 0.02, a, eps);
  }

  /**
   * Every gradient the engine computes in float32, against central differences of
   * {@link ReferenceModel}'s loss in double: the whole model, so each block's backward pass in
   * full (norms before or after, QK-norm, their gains) and the final norm's. Weights are large
   * enough that attention is neither uniform nor one-hot, and the gains are spread about 1 so
   * that a gain left out of a gradient would show.
   */
  @ParameterizedTest
  @CsvSource({
    "OLMO, STANDARD, false, 1e-5",
    "LLAMA, STANDARD, false, 1e-6",
    "LLAMA, MUP, true, 1e-5",
    "OLMO2, STANDARD, false, 1e-6",
    "OLMO2, MUP, true, 1e-5"})
  void gradientsMatchCentralDifferencesOfTheDoubleDefinition(
      Architecture arch, Parameterization p, boolean tied, double eps) {
    ModelConfig c = tiny(arch, p, tied, eps);
    Parameters params = OlmoModel.initialize(c, 1);
    Random random = new Random(2);
    for (TensorSpec s : params.specs()) {
      double std = s.initStd() == 0 ? 0.3 : s.name().contains("embed") || s.name().contains("lm_head") ? 0.5 : 0.35;
      for (int i = s.at(); i < s.end(); i++) {
        params.data()[i] = (float) (s.initMean() + std * random.nextGaussian());
      }
    }
    int batch = 2, t = 6;
    int[] tokens = new int[batch * t], targets = new int[batch * t];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = random.nextInt(c.vocabSize());
      targets[i] = i % 5 == 3 ? -1 : random.nextInt(c.vocabSize());
    }
    OlmoModel model = new OlmoModel(c, params);
    float[] grads = new float[params.size()];
    double loss = model.forwardBackward(tokens, targets, batch, t, grads);

    ReferenceModel reference = new ReferenceModel(c);
    double[] x = new double[params.size()];
    for (int i = 0; i < x.length; i++) x[i] = params.data()[i];
    double expected = reference.loss(x, tokens, targets, batch, t);
    assertEquals(expected, loss, 2e-6 * expected, "loss");

    double worst = 0;
    for (TensorSpec s : params.specs()) {
      double diff = 0, norm = 0;
      for (int i = s.at(); i < s.end(); i++) {
        double keep = x[i];
        x[i] = keep + STEP;
        double up = reference.loss(x, tokens, targets, batch, t);
        x[i] = keep - STEP;
        double down = reference.loss(x, tokens, targets, batch, t);
        x[i] = keep;
        double numeric = (up - down) / (2 * STEP), e = grads[i] - numeric;
        diff += e * e;
        norm += numeric * numeric;
      }
      double error = Math.sqrt(diff / norm);
      worst = Math.max(worst, error);
      assertTrue(norm > 0, s.name() + " has no gradient");
      assertTrue(error < 1e-4, arch + ": gradient of " + s.name() + " off by " + error);
    }
    System.out.printf(Locale.ROOT, "%s %s tied=%s: loss rel %.2e, worst gradient rel %.2e%n",
        arch, p, tied, Math.abs(loss - expected) / expected, worst);
  }

  @Test
  void normWeightsHaveTheirHuggingFaceNamesAndStartAtOne() {
    ModelConfig olmo2 = tiny(Architecture.OLMO2, Parameterization.MUP, false, 1e-6);
    Parameters p = OlmoModel.initialize(olmo2, 3);
    List<String> names = p.specs().stream().map(TensorSpec::name).toList();
    for (String norm : List.of("self_attn.q_norm", "self_attn.k_norm", "post_attention_layernorm",
        "post_feedforward_layernorm")) {
      TensorSpec s = p.spec("model.layers.1." + norm + ".weight");
      assertEquals(List.of(8), List.of(s.shape()[0]), norm);
      assertEquals(0.0, s.initStd(), norm + ": a gain has no init covariance, so no perturbation noise");
      assertEquals(1.0, s.lrScale(), norm + ": vector-like under muP");
      assertTrue(!s.weightDecay(), norm);
      for (int i = s.at(); i < s.end(); i++) assertEquals(1f, p.data()[i], norm);
    }
    assertTrue(names.contains("model.norm.weight") && names.indexOf("model.norm.weight") == names.size() - 2,
        "the final norm before the head: " + names);
    assertEquals(OlmoModel.parameterCount(olmo2), p.size());
    assertEquals(p.size() - 2L * 13 * 8, olmo2.nonEmbeddingParameters(), "norm weights are non-embedding parameters");

    List<String> llama = OlmoModel.layout(tiny(Architecture.LLAMA, Parameterization.STANDARD, false, 1e-6))
        .stream().map(TensorSpec::name).toList();
    assertTrue(llama.contains("model.layers.0.input_layernorm.weight")
        && llama.contains("model.layers.0.post_attention_layernorm.weight")
        && !llama.contains("model.layers.0.self_attn.q_norm.weight"), llama.toString());
    assertEquals(1 + 2 * 9 + 2, llama.size());
  }

  @Test
  void olmoTakesOnlyItsLayerNormEps() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> tiny(Architecture.OLMO, Parameterization.STANDARD, false, 1e-6));
    assertTrue(e.getMessage().contains("norm_eps is 1.0E-6, but olmo's LayerNorm has eps 1.0E-5 fixed"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> tiny(Architecture.LLAMA, Parameterization.STANDARD, false, 0));
    assertTrue(e.getMessage().contains("norm_eps must be positive"), e.getMessage());
  }
}
