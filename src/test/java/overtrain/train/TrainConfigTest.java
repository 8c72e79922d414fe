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

class TrainConfigTest {
  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    Path f = dir.resolve("run.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void yamlThenFlagsThenDefaults() throws IOException {
    Path f = yaml("""
        train-tokens: data/train.npy
        vocab: 4096
        d-model: 64
        lr: 3e-3
        tokens: 100000
        checkpoint-at: [20000, 50000]
        out: runs/a
        """);
    TrainConfig c = TrainConfig.load(f, Map.of("d-model", 96, "seed", 7L, "schedule", "wsd"));
    assertEquals(96, c.dModel(), "flag wins over YAML");
    assertEquals(384, c.ffSize(), "ff-size defaults to 4 x d-model");
    assertEquals(3e-3, c.lr(), "YAML wins over default");
    assertEquals(7, c.seed());
    assertEquals("wsd", c.schedule());
    assertEquals(List.of(20000L, 50000L), c.checkpointAt());
    assertEquals(2, c.layers(), "default");
    assertEquals(25, c.totalSteps(), "100000 / (16 x 256) rounded up");
    assertEquals(96, c.modelConfig().hiddenSize());
  }

  @Test
  void writtenConfigLoadsBackEqual() throws IOException {
    TrainConfig c = TrainConfig.load(null, Map.of("train-tokens", "t.npy", "vocab", 256, "tokens", 5000L,
        "out", "o", "heldout-tokens", "h.npy", "tied", false));
    c.write(dir);
    String text = Files.readString(dir.resolve("config.yaml"));
    assertTrue(text.startsWith("train-tokens: t.npy\n"), text);
    assertTrue(text.contains("ff-size: 512"), "derived values are written as used:\n" + text);
    assertEquals(c, TrainConfig.load(dir.resolve("config.yaml"), Map.of()));
  }

  @Test
  void errorsNameTheSourceAndKey() throws IOException {
    Path unknown = yaml("train-tokens: t.npy\nvocab: 3\ntokens: 10\nout: o\nwidth: 5\n");
    IOException e = assertThrows(IOException.class, () -> TrainConfig.load(unknown, Map.of()));
    assertTrue(e.getMessage().contains("run.yaml") && e.getMessage().contains("'width'"), e.getMessage());

    Path missing = yaml("train-tokens: t.npy\nvocab: 3\nout: o\n");
    e = assertThrows(IOException.class, () -> TrainConfig.load(missing, Map.of()));
    assertTrue(e.getMessage().contains("'tokens' is required"), e.getMessage());

    Path bad = yaml("train-tokens: t.npy\nvocab: 3\ntokens: 10\nout: o\nschedule: linear\n");
    e = assertThrows(IOException.class, () -> TrainConfig.load(bad, Map.of()));
    assertTrue(e.getMessage().contains("run.yaml") && e.getMessage().contains("'schedule'"), e.getMessage());
  }
}
