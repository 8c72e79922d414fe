package overtrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.io.Configs;

class TrainConfigTest {
  @TempDir Path dir;

  private Configs.Layer yaml(String text) throws IOException {
    Path f = dir.resolve("run.yaml");
    Files.writeString(f, text);
    return Configs.file(f);
  }

  private static Configs.Layer flags(Map<String, ?> dotted) {
    return Configs.layer("flags", dotted);
  }

  @Test
  void yamlThenFlagsOverTheDefaults() throws IOException {
    Configs.Layer file = yaml("""
        model: {vocab_size: 4096, hidden_size: 64}
        data: {train: data/train.npy}
        lr: 3e-3
        tokens: 100000
        checkpoint: {at: [20000, 50000]}
        """);
    TrainConfig c = TrainConfig.load(List.of(file,
        flags(Map.of("model.hidden_size", 96, "seed", 7L, "schedule.name", "wsd"))));
    assertEquals(96, c.model().hiddenSize(), "flag wins over YAML");
    assertEquals(384, c.model().intermediateSize(), "intermediate_size defaults to 4 x hidden_size");
    assertEquals(3e-3, c.lr(), "YAML wins over default");
    assertEquals(7, c.seed());
    assertEquals("wsd", c.schedule().name());
    assertEquals(List.of(20000L, 50000L), c.checkpoint().at());
    assertEquals(2, c.model().numLayers(), "default");
    assertEquals(4096, c.model().vocabSize());
    assertEquals(25, c.totalSteps(), "100000 / (16 x 256) rounded up");
  }

  @Test
  void writtenConfigLoadsBackEqualAndSaysNothingOfWhereTheRunLives() throws IOException {
    TrainConfig c = TrainConfig.load(List.of(flags(Map.of("data.train", "t.npy", "model.vocab_size", 256,
        "tokens", 5000L, "data.heldout", "h.npy", "model.tie_word_embeddings", false))));
    Path written = dir.resolve("config.yaml");
    Files.writeString(written, c.toYaml());
    String text = Files.readString(written);
    assertTrue(text.startsWith("model:\n  vocab_size: 256\n"), text);
    assertTrue(text.contains("intermediate_size: 512"), "derived values are written as used:\n" + text);
    assertTrue(!text.contains("\nout:"), text);
    assertEquals(c, TrainConfig.load(List.of(Configs.file(written))));
  }

  /**
   * An OLMo model's config is written as before the architecture keys existed (a study cell's
   * id hashes it), and another architecture's loads back as written.
   */
  @Test
  void theArchitectureIsWrittenOnlyWhereItIsNotOlmo() throws IOException {
    Map<String, Object> base = Map.of("data.train", "t.npy", "model.vocab_size", 256, "tokens", 5000L);
    TrainConfig olmo = TrainConfig.load(List.of(flags(base)));
    assertEquals(overtrain.model.Architecture.OLMO, olmo.model().architecture());
    String text = olmo.toYaml();
    assertTrue(!text.contains("architecture") && !text.contains("norm_eps"), text);
    assertTrue(!Configs.tree(olmo.model()).has("architecture"), "nor in a cell's spec");

    for (String arch : List.of("llama", "olmo2")) {
      TrainConfig c = TrainConfig.load(List.of(flags(base),
          flags(Map.of("model.architecture", arch, "model.norm_eps", 1e-6))));
      assertEquals(arch, c.model().architecture().modelType());
      assertEquals(1e-6, c.model().normEps());
      Path written = dir.resolve(arch + ".yaml");
      Files.writeString(written, c.toYaml());
      assertTrue(Files.readString(written).contains("architecture: " + arch), Files.readString(written));
      assertEquals(c, TrainConfig.load(List.of(Configs.file(written))));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainConfig.load(List.of(flags(base), flags(Map.of("model.norm_eps", 1e-6)))));
    assertTrue(e.getMessage().contains("norm_eps is 1.0E-6, but olmo's LayerNorm has eps 1.0E-5 fixed"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TrainConfig.load(List.of(flags(base), flags(Map.of("model.architecture", "gpt2")))));
    assertTrue(e.getMessage().contains("'model.architecture' must be one of [olmo, llama, olmo2], got \"gpt2\""),
        e.getMessage());
  }

  @Test
  void errorsNameTheSourceTheKeyAndWhatWasExpected() throws IOException {
    Configs.Layer unknown = yaml("model: {vocab_size: 3, width: 5}\ndata: {train: t.npy}\ntokens: 10\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainConfig.load(List.of(unknown)));
    assertTrue(e.getMessage().contains("run.yaml") && e.getMessage().contains("'model.width'")
        && e.getMessage().contains("hidden_size"), e.getMessage());

    Configs.Layer missing = yaml("model: {vocab_size: 3}\ndata: {train: t.npy}\n");
    e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(List.of(missing)));
    assertTrue(e.getMessage().contains("'tokens' is required"), e.getMessage());

    Configs.Layer fraction = yaml("model: {vocab_size: 4096.7}\ndata: {train: t.npy}\ntokens: 10\n");
    e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(List.of(fraction)));
    assertEquals("run.yaml: 'model.vocab_size' must be an integer, got 4096.7",
        e.getMessage().substring(e.getMessage().indexOf("run.yaml")), e.getMessage());

    Configs.Layer word = yaml("model: {vocab_size: 64, parameterization: mu}\ndata: {train: t.npy}\ntokens: 10\n");
    e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(List.of(word)));
    assertTrue(e.getMessage().contains("'model.parameterization' must be one of [standard, mup], got \"mu\""),
        e.getMessage());

    Configs.Layer schedule = yaml("model: {vocab_size: 64}\ndata: {train: t.npy}\ntokens: 10\nschedule: {name: step}\n");
    e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(List.of(schedule)));
    assertTrue(e.getMessage().contains("run.yaml") && e.getMessage().contains("schedule")
        && e.getMessage().contains("cosine"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.load(List.of(
        yaml("model: {vocab_size: 64}\ndata: {train: t.npy}\ntokens: 10\n"),
        flags(Map.of("optim.clip", -1.0)))));
    assertTrue(e.getMessage().startsWith("flags: optim: clip must be"), e.getMessage());
  }
}
