package overtrain.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.model.Architecture;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.Parameters;

class HfExportTest {
  @TempDir Path dir;

  private static ModelConfig config(Parameterization p, int baseWidth, boolean tied) {
    return new ModelConfig(60, 32, 2, 2, 64, 16, tied, 10000.0, p, baseWidth, 0.02);
  }

  /** Mean loss of a model on fixed random tokens. */
  private static double loss(ModelConfig c, Parameters p) {
    SplittableRandom rng = new SplittableRandom(9);
    int batch = 3, t = 16;
    int[] tokens = new int[batch * t], targets = new int[batch * t];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = rng.nextInt(c.vocabSize());
      targets[i] = rng.nextInt(c.vocabSize());
    }
    return new OlmoModel(c, p).loss(tokens, targets, batch, t);
  }

  /**
   * muP at twice the base width, tied: the attention multiplier 1/head_dim and the logit
   * multiplier 1/2 go into q_proj and a head of its own, and the standard model computes the
   * same loss; the trained weights are made large so that a multiplier left out would show.
   */
  @Test
  void foldedMupComputesTheSameLoss() {
    for (boolean tied : new boolean[] {true, false}) {
      ModelConfig c = config(Parameterization.MUP, 16, tied);
      Parameters p = OlmoModel.initialize(c, 4);
      for (int i = 0; i < p.size(); i++) p.data()[i] *= 40;
      Checkpoint.Loaded folded = HfExport.fold(c, p);
      assertEquals(Parameterization.STANDARD, folded.config().parameterization());
      assertFalse(folded.config().tieWordEmbeddings(), "a head scaled by 1/2 cannot share the embedding");
      double expected = loss(c, p), actual = loss(folded.config(), folded.params());
      assertEquals(expected, actual, 1e-6 * expected, "tied " + tied);
      ModelConfig ignored = config(Parameterization.STANDARD, 32, tied); // what transformers would run
      double unfolded = loss(ignored, new Parameters(OlmoModel.layout(ignored), p.data().clone()));
      assertTrue(Math.abs(expected - unfolded) > 1e-3, "the multipliers matter: " + expected + " vs " + unfolded);
    }
  }

  /**
   * Llama and OLMo-2 keep their architecture. Under OLMo-2's QK-norm, q_proj's scale would be
   * normalised away, so the attention multiplier goes into q_norm's gain instead.
   */
  @Test
  void foldedLlamaAndOlmo2KeepTheirArchitectureAndLoss() throws IOException {
    for (Architecture arch : new Architecture[] {Architecture.LLAMA, Architecture.OLMO2}) {
      ModelConfig c = config(Parameterization.MUP, 16, true).withArchitecture(arch, 1e-6);
      Parameters p = OlmoModel.initialize(c, 4);
      // the matrices made large so that a multiplier left out would show; the gains stay at 1
      for (var s : p.specs()) {
        if (s.initStd() > 0) for (int i = s.at(); i < s.end(); i++) p.data()[i] *= 40;
      }
      Checkpoint.Loaded folded = HfExport.fold(c, p);
      assertEquals(arch, folded.config().architecture());
      assertEquals(1e-6, folded.config().normEps());
      double expected = loss(c, p), actual = loss(folded.config(), folded.params());
      assertEquals(expected, actual, 1e-6 * expected, arch.toString());
      String qProj = "model.layers.0.self_attn.q_proj.weight", qNorm = "model.layers.0.self_attn.q_norm.weight";
      boolean qProjScaled = p.data()[p.spec(qProj).at()] != folded.params().data()[folded.params().spec(qProj).at()];
      assertEquals(arch == Architecture.LLAMA, qProjScaled, arch + ": q_proj scaled");
      if (arch == Architecture.OLMO2) {
        assertEquals((float) (c.attentionScale() * Math.sqrt(c.headDim())),
            folded.params().data()[folded.params().spec(qNorm).at()], "q_norm's gain of 1, scaled");
      }
      Path from = dir.resolve("ours-" + arch), to = dir.resolve("hf-" + arch);
      Checkpoint.save(from, c, p);
      HfExport.export(from, to);
      assertEquals(folded.config(), Checkpoint.load(to).config());
    }
  }

  @Test
  void standardAndBaseWidthTiedModelsKeepTheirLayout() {
    ModelConfig standard = config(Parameterization.STANDARD, 32, true);
    Parameters p = OlmoModel.initialize(standard, 5);
    Checkpoint.Loaded same = HfExport.fold(standard, p);
    assertEquals(standard, same.config());
    assertArrayEquals(p.data(), same.params().data());

    ModelConfig mupAtBase = config(Parameterization.MUP, 32, true); // logit multiplier 1
    Checkpoint.Loaded folded = HfExport.fold(mupAtBase, OlmoModel.initialize(mupAtBase, 5));
    assertTrue(folded.config().tieWordEmbeddings());
  }

  @Test
  void exportWritesALoadableCheckpointWithItsTokenizer() throws IOException {
    ModelConfig c = config(Parameterization.MUP, 16, false);
    Parameters p = OlmoModel.initialize(c, 6);
    Path from = dir.resolve("ours"), to = dir.resolve("hf");
    Checkpoint.save(from, c, p);
    Files.writeString(from.resolve("tokenizer.json"), "{\"model\": {}}");
    Checkpoint.Loaded written = HfExport.export(from, to);
    Checkpoint.Loaded back = Checkpoint.load(to);
    assertEquals(written.config(), back.config());
    assertArrayEquals(written.params().data(), back.params().data());
    assertEquals("{\"model\": {}}", Files.readString(to.resolve("tokenizer.json")));
    IOException onItself = assertThrows(IOException.class,
        () -> HfExport.export(from, from.resolve("../ours")));
    assertTrue(onItself.getMessage().contains("replace the checkpoint"), onItself.getMessage());
  }
}
