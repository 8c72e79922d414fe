package overtrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.checkpoint.Checkpoint;
import overtrain.checkpoint.Safetensors;
import overtrain.data.images.GrayImage;
import overtrain.data.images.ImageFiles;
import overtrain.formats.Npy;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.tokenizer.BpeTrainer;
import overtrain.tokenizer.Tokenizer;

/** {@code overtrain multimodal tune} from a checkpoint and a small image task to its files and printout. */
class MultimodalCommandTest {
  @TempDir Path dir;

  @Test
  void tuneWritesItsResultModelAndProjectorAndSaysWhatItMeasured() throws IOException {
    Path task = Files.createDirectories(dir.resolve("task"));
    Random r = new Random(2);
    StringBuilder caption = new StringBuilder(), train = new StringBuilder(), test = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      boolean left = i % 2 == 0;
      float[] p = new float[64];
      for (int j = 0; j < 64; j++) p[j] = (float) Math.min(1, Math.max(0, ((j % 8 < 4) == left ? 0.8 : 0.1) + 0.1 * r.nextGaussian()));
      ImageFiles.writePng(task.resolve(i + ".png"), new GrayImage(8, 8, p));
      String rec = "{\"image\": \"" + i + ".png\", \"prompt\": \"Side?\", \"answer\": \"" + (left ? "Left." : "Right.") + "\"";
      (i < 8 ? caption : i < 16 ? train : test).append(rec)
          .append(i < 16 ? "}\n" : ", \"choices\": [\"Left.\", \"Right.\"]}\n");
    }
    Files.writeString(task.resolve("caption.jsonl"), caption);
    Files.writeString(task.resolve("train.jsonl"), train);
    Files.writeString(task.resolve("test.jsonl"), test);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 10; i++) texts.add("Side?\nAnswer: Left. Right.");
    Tokenizer tok = BpeTrainer.train(texts, 270, List.of());
    tok.save(dir.resolve("tokenizer.json"));
    ModelConfig c = new ModelConfig(tok.vocabSize(), 16, 1, 2, 32, 32, false, 10000.0, Parameterization.MUP, 16, 0.02);
    Checkpoint.save(dir.resolve("ck"), c, OlmoModel.initialize(c, 3));
    int[] ids = new int[400];
    for (int i = 0; i < ids.length; i++) ids[i] = (i * 7) % c.vocabSize();
    Npy.writeTokens(dir.resolve("heldout.npy"), ids, ids.length);

    Path out = dir.resolve("out");
    BadInputsTest.Ran ran = BadInputsTest.run("multimodal", "tune", "--model", dir.resolve("ck").toString(),
        "--tokenizer", dir.resolve("tokenizer.json").toString(), "--task", task.toString(),
        "--heldout-tokens", dir.resolve("heldout.npy").toString(), "--heldout-max-tokens", "64",
        "--patch", "4", "--dims", "3", "--stage1-epochs", "2", "--out", out.toString());
    assertEquals(0, ran.code(), ran.err());
    assertTrue(ran.out().contains("encoder: 4x4 patches, 4 visual tokens of 3 features"), ran.out());
    assertTrue(ran.out().contains("stage 1 (2 steps, projector only)"), ran.out());
    assertTrue(ran.out().contains("stage 1 left the language model's weights bit-identical: true"), ran.out());
    JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
    assertEquals(result.at("/before/heldout_loss").asDouble(), result.at("/stage1/after/heldout_loss").asDouble());
    assertEquals(8, result.at("/before/test_examples").asInt());
    assertEquals(3, result.at("/config/encoder/dims").asInt());
    assertEquals(3, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "2 steps of stage 1 (8 captions, batch 16, 2 epochs), 1 of stage 2");
    Checkpoint.Loaded tuned = Checkpoint.load(out.resolve("model"));
    assertEquals(c, tuned.config());
    Safetensors.Reader projector = Safetensors.open(out.resolve("model/projector.safetensors"));
    assertEquals(4, projector.entries().size(), projector.entries().toString());

    BadInputsTest.Ran again = BadInputsTest.run("multimodal", "tune", "--model", dir.resolve("ck").toString(),
        "--tokenizer", dir.resolve("tokenizer.json").toString(), "--task", task.toString(), "--out", out.toString());
    assertEquals(1, again.code());
    assertTrue(again.err().contains("--overwrite"), again.err());
  }
}
