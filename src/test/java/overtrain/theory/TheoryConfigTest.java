package overtrain.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TheoryConfigTest {

  @TempDir Path dir;

  @Test
  void fileOverridesOnlyTheKeysItNames() throws Exception {
    Path file = Files.writeString(dir.resolve("t.yaml"),
        "rank: 4\nspectrum:\n  kind: power\n  decay: 1.5\nfinetune:\n  lrs: [0.3]\n");
    TheoryConfig c = TheoryConfig.load(file);
    TheoryConfig d = TheoryConfig.defaults();
    assertEquals(4, c.rank());
    assertEquals(TheoryConfig.SpectrumKind.POWER, c.spectrum().kind());
    assertEquals(1.5, c.spectrum().decay());
    assertEquals(d.spectrum().top(), c.spectrum().top());
    assertEquals(List.of(0.3), c.finetune().lrs());
    assertEquals(d.finetune().lambdas(), c.finetune().lambdas());
    assertEquals(d.pretrain(), c.pretrain());
  }

  @Test
  void writtenDefaultsReadBackEqual() throws Exception {
    TheoryConfig d = TheoryConfig.defaults();
    Path file = dir.resolve("d.yaml");
    java.nio.file.Files.writeString(file, overtrain.io.Configs.toYaml(d));
    assertEquals(d, TheoryConfig.load(file));
  }

  @Test
  void spectraDecayAsConfigured() {
    var geometric = new TheoryConfig.Spectrum(TheoryConfig.SpectrumKind.GEOMETRIC, 2, 0.5);
    assertEquals(List.of(2.0, 1.0, 0.5), List.of(geometric.values(3)[0], geometric.values(3)[1], geometric.values(3)[2]));
    var power = new TheoryConfig.Spectrum(TheoryConfig.SpectrumKind.POWER, 1, 2);
    assertEquals(0.25, power.values(2)[1], 1e-15);
  }

  @Test
  void unknownKeyIsNamedWithTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.yaml"), "pretrain:\n  learning_rate: 0.1\n");
    var e = assertThrows(IllegalArgumentException.class, () -> TheoryConfig.load(file));
    assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("learning_rate"), e.getMessage());
  }

  @Test
  void badValueNamesItsField() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.yaml"), "rank: 9\n");
    var e = assertThrows(IllegalArgumentException.class, () -> TheoryConfig.load(file));
    assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("rank"), e.getMessage());
    Path angle = Files.writeString(dir.resolve("angle.yaml"), "finetune: {angles_degrees: [120]}\n");
    var a = assertThrows(IllegalArgumentException.class, () -> TheoryConfig.load(angle));
    assertTrue(a.getMessage().contains("finetune.angles_degrees"), a.getMessage());
  }

  @Test
  void brokenYamlGivesItsLine() throws Exception {
    Path file = Files.writeString(dir.resolve("broken.yaml"), "rank: 4\nspectrum: [unclosed\n");
    var e = assertThrows(IllegalArgumentException.class, () -> TheoryConfig.load(file));
    assertTrue(e.getMessage().contains("broken.yaml") && e.getMessage().contains("line"), e.getMessage());
  }
}
