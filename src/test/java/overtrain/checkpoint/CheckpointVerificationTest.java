package overtrain.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.Parameters;
import overtrain.model.TensorSpec;

/** What a damaged or poisoned checkpoint gets on load: an error naming the file, never a wrong model. */
class CheckpointVerificationTest {
  @TempDir Path dir;

  private static final ModelConfig CONFIG =
      new ModelConfig(50, 32, 2, 4, 64, 16, false, 10000.0, Parameterization.STANDARD, 32, 0.02);

  /** A resumable checkpoint: model, moments and trainer state. */
  private Path resumable(String name) throws IOException {
    Parameters p = OlmoModel.initialize(CONFIG, 1);
    Path ck = dir.resolve(name);
    Checkpoint.save(ck, CONFIG, p, new Checkpoint.Moments(new float[p.size()], new float[p.size()], 3),
        new ObjectMapper().createObjectNode().put("step", 3));
    return ck;
  }

  private static void cut(Path file, int bytes) throws IOException {
    byte[] all = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(all, all.length - bytes));
  }

  @Test
  void theManifestRecordsEachFilesSizeAndHash() throws Exception {
    Path ck = resumable("ck");
    JsonNode files = new ObjectMapper().readTree(ck.resolve(Checkpoint.MANIFEST).toFile()).get("files");
    for (String name : List.of(Checkpoint.CONFIG, Checkpoint.MODEL, Checkpoint.OPTIMIZER, Checkpoint.TRAINER_STATE)) {
      byte[] bytes = Files.readAllBytes(ck.resolve(name));
      assertEquals(bytes.length, files.get(name).get("bytes").asLong(), name);
      assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
          files.get(name).get("sha256").asText(), name);
    }
    assertEquals(4, files.size());
    assertEquals(Optional.empty(), Checkpoint.damage(ck));
  }

  @Test
  void aTruncatedModelIsNamedAsCutShort() throws IOException {
    Path ck = resumable("ck");
    cut(ck.resolve(Checkpoint.MODEL), 100);
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains(Checkpoint.MODEL) && e.getMessage().contains("cut short")
        && e.getMessage().contains(Checkpoint.MANIFEST), e.getMessage());
    assertTrue(Checkpoint.damage(ck).orElseThrow().contains(Checkpoint.MODEL));
  }

  @Test
  void aChangedByteInTheOptimizerIsCaughtByItsHash() throws IOException {
    Path ck = resumable("ck");
    Path opt = ck.resolve(Checkpoint.OPTIMIZER);
    byte[] bytes = Files.readAllBytes(opt);
    bytes[bytes.length - 1] ^= 1;
    Files.write(opt, bytes);
    Parameters p = OlmoModel.initialize(CONFIG, 1);
    IOException e = assertThrows(IOException.class, () -> Checkpoint.loadMoments(ck, p));
    assertTrue(e.getMessage().contains(Checkpoint.OPTIMIZER) && e.getMessage().contains("SHA-256"), e.getMessage());
  }

  @Test
  void anEmptyOrGarbageTrainerStateIsAnError() throws IOException {
    Path ck = resumable("ck");
    Path state = ck.resolve(Checkpoint.TRAINER_STATE);
    Files.writeString(state, "");
    IOException e = assertThrows(IOException.class, () -> Checkpoint.loadTrainerState(ck));
    assertTrue(e.getMessage().contains(Checkpoint.TRAINER_STATE) && e.getMessage().contains("cut short"),
        e.getMessage());
    // without a manifest the file's own reading still refuses it, by name
    Files.delete(ck.resolve(Checkpoint.MANIFEST));
    e = assertThrows(IOException.class, () -> Checkpoint.loadTrainerState(ck));
    assertTrue(e.getMessage().contains(Checkpoint.TRAINER_STATE) && e.getMessage().contains("empty"), e.getMessage());
    Files.writeString(state, "\u0000\u0001garbage");
    e = assertThrows(IOException.class, () -> Checkpoint.loadTrainerState(ck));
    assertTrue(e.getMessage().contains(Checkpoint.TRAINER_STATE) && e.getMessage().contains("not readable as JSON"),
        e.getMessage());
    Files.writeString(state, "[1, 2]");
    e = assertThrows(IOException.class, () -> Checkpoint.loadTrainerState(ck));
    assertTrue(e.getMessage().contains("holds [1,2]") && e.getMessage().contains("JSON object"), e.getMessage());
    assertTrue(Checkpoint.damage(ck).orElseThrow().contains(Checkpoint.TRAINER_STATE));
  }

  @Test
  void aCheckpointWithoutAManifestLoadsWithSizeChecksOnly() throws IOException {
    Path ck = resumable("ck");
    Files.delete(ck.resolve(Checkpoint.MANIFEST));
    Checkpoint.Loaded back = Checkpoint.load(ck);
    assertEquals(CONFIG, back.config());
    assertEquals(Optional.empty(), Checkpoint.damage(ck));
    cut(ck.resolve(Checkpoint.MODEL), 4);
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains(Checkpoint.MODEL) && e.getMessage().contains("lm_head.weight"), e.getMessage());
  }

  @Test
  void aGarbageManifestIsNamed() throws IOException {
    Path ck = resumable("ck");
    Files.writeString(ck.resolve(Checkpoint.MANIFEST), "{\"files\": 3}");
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(ck));
    assertTrue(e.getMessage().contains(Checkpoint.MANIFEST) && e.getMessage().contains("'files'"), e.getMessage());
  }

  /** NaN or infinity in the weights is refused, naming the tensor and the first bad index. */
  @Test
  void nonFiniteWeightsAreRefused() throws IOException {
    Parameters p = OlmoModel.initialize(CONFIG, 1);
    TensorSpec q = p.spec("model.layers.1.self_attn.q_proj.weight");
    // row 2, column 5 of a [32, 32] matrix; a later infinity is not the first
    p.data()[q.at() + 2 * 32 + 5] = Float.NaN;
    p.data()[q.at() + 3 * 32] = Float.POSITIVE_INFINITY;
    Checkpoint.save(dir.resolve("nan"), CONFIG, p);
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir.resolve("nan")));
    assertTrue(e.getMessage().contains(Checkpoint.MODEL) && e.getMessage().contains("'" + q.name() + "'")
        && e.getMessage().contains("NaN at index [2, 5] (element 69 of 1024)"), e.getMessage());

    p.data()[q.at() + 2 * 32 + 5] = 0f;
    Checkpoint.save(dir.resolve("inf"), CONFIG, p);
    e = assertThrows(IOException.class, () -> Checkpoint.load(dir.resolve("inf")));
    assertTrue(e.getMessage().contains("Infinity at index [3, 0]"), e.getMessage());
  }
}
