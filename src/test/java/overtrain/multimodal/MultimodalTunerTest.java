package overtrain.multimodal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.data.TokenFile;
import overtrain.data.images.GrayImage;
import overtrain.data.images.ImageFiles;
import overtrain.formats.Npy;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.Parameters;
import overtrain.optim.OptimConfig;
import overtrain.optim.ScheduleConfig;
import overtrain.tokenizer.BpeTrainer;
import overtrain.tokenizer.Tokenizer;

/** Both stages on a small synthetic image task: what stage 1 leaves alone, what stage 2 changes, same seed same bits. */
class MultimodalTunerTest {
  @TempDir Path dir;

  static final List<String> CHOICES = List.of("A lamp on the left.", "A lamp on the right.");

  /** 8x8 images lit on the left or on the right half, with noise; caption, train and test splits. */
  static void writeTask(Path dir, boolean testChoices) throws IOException {
    Random r = new Random(3);
    StringBuilder caption = new StringBuilder(), train = new StringBuilder(), test = new StringBuilder();
    for (int i = 0; i < 96; i++) {
      int kind = i % 2;
      float[] p = new float[64];
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          p[y * 8 + x] = (float) Math.min(1, Math.max(0, ((x < 4) == (kind == 0) ? 0.8 : 0.1) + 0.1 * r.nextGaussian()));
        }
      }
      String name = "img/" + i + ".png";
      ImageFiles.writePng(dir.resolve(name), new GrayImage(8, 8, p));
      String answer = CHOICES.get(kind);
      String rec = "{\"image\": \"" + name + "\", \"prompt\": \"%s\", \"answer\": \"%s\"%s}\n";
      if (i < 32) caption.append(String.format(rec, "Describe the image.", answer, ""));
      else if (i < 64) train.append(String.format(rec, "Where is the lamp?", answer, ""));
      else test.append(String.format(rec, "Where is the lamp?", answer,
          testChoices ? ", \"choices\": [\"" + CHOICES.get(0) + "\", \"" + CHOICES.get(1) + "\"]" : ""));
    }
    Files.writeString(dir.resolve("caption.jsonl"), caption);
    Files.writeString(dir.resolve("train.jsonl"), train);
    Files.writeString(dir.resolve("test.jsonl"), test);
  }

  private final ScheduleConfig cosine = new ScheduleConfig("cosine", 0, 0.1, 0.2);
  private final MultimodalConfig cfg = new MultimodalConfig(new MultimodalConfig.Encoder(4, 4),
      new MultimodalConfig.Stage(1e-2, 3, 8, 0, cosine, new OptimConfig(0, 1)),
      new MultimodalConfig.Stage(1e-2, 150, 8, 0, cosine, new OptimConfig(0.1, 1)),
      new MultimodalConfig.Eval(16, 0, 256), 5);

  private Tokenizer tokenizer() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 20; i++) texts.addAll(List.of("Describe the image.\nAnswer: A lamp on the left.",
        "Where is the lamp?\nAnswer: A lamp on the right."));
    return BpeTrainer.train(texts, 280, List.of());
  }

  private MultimodalTuner.Inputs inputs(Path task, Tokenizer tok) throws IOException {
    ModelConfig c = new ModelConfig(tok.vocabSize(), 16, 1, 2, 32, 32, false, 10000, Parameterization.MUP, 16, 0.02);
    Parameters lm = OlmoModel.initialize(c, 1);
    int[] ids = new int[2000];
    Random r = new Random(1);
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(c.vocabSize());
    Path heldout = dir.resolve("heldout.npy");
    Npy.writeTokens(heldout, ids, ids.length);
    return new MultimodalTuner.Inputs(c, lm, tok, task, TokenFile.open(heldout, c.vocabSize()));
  }

  @Test
  void stageOneKeepsTheModelsBitsStageTwoMovesThemAndTheSameSeedGivesTheSameBits() throws IOException {
    Path task = dir.resolve("task");
    writeTask(task, true);
    Tokenizer tok = tokenizer();
    MultimodalTuner.Inputs in = inputs(task, tok);
    float[] start = in.lm().data().clone();
    MultimodalTuner tuner = new MultimodalTuner(in, cfg, s -> {});
    MultimodalTuner.Result r = tuner.run();

    assertTrue(r.stage1KeptModelBits());
    assertArrayEquals(start, in.lm().data(), "stage 1 changed the language model");
    assertEquals(r.before().heldoutLoss(), r.stage1().after().heldoutLoss()); // exactly: same weights
    assertFalse(Arrays.equals(start, tuner.trained().lm().data()), "stage 2 left the model as it was");
    assertTrue(!r.stage2().after().heldoutLoss().equals(r.before().heldoutLoss()));
    assertEquals(12, r.stage1().steps()); // 3 epochs of 32 captions in batches of 8
    assertEquals(600, r.stage2().steps());
    assertEquals(4, r.encoder().visualTokens());
    assertTrue(r.encoder().nearestCentroidAccuracy() > 0.9, "features carry the side: " + r.encoder());
    // the images are easy: the tuned model reads them
    assertTrue(r.stage2().after().kindAccuracy() >= 0.75, "accuracy after stage 2: " + r.stage2().after());

    // again from the same start: every number and every weight the same, features read from the cache
    MultimodalTuner.Inputs again = inputs(task, tok);
    MultimodalTuner tuner2 = new MultimodalTuner(again, cfg, s -> {});
    assertEquals(r, tuner2.run());
    assertArrayEquals(tuner.trained().lm().data(), tuner2.trained().lm().data());
    assertArrayEquals(tuner.trained().projector().data(), tuner2.trained().projector().data());
    assertTrue(Files.isRegularFile(task.resolve("features/test-p4-d4.npy")));
  }

  /** The cache is keyed by the pixels too: an image file replaced under its name is encoded again. */
  @Test
  void anImageReplacedUnderTheSameNameIsEncodedAgain() throws IOException {
    Path task = dir.resolve("task");
    writeTask(task, true);
    List<overtrain.tasks.vision.ImageExample> caption = overtrain.tasks.vision.ImageTask.read(task, "caption", 0),
        train = overtrain.tasks.vision.ImageTask.read(task, "train", 0);
    PatchEncoder enc = VisualFeatures.encoder(task, 4, 4, caption, train);
    float[][] first = VisualFeatures.features(task, enc, "test", overtrain.tasks.vision.ImageTask.read(task, "test", 0));
    assertArrayEquals(first[0], VisualFeatures.features(task, enc, "test",
        overtrain.tasks.vision.ImageTask.read(task, "test", 0))[0], "read back from the cache");
    // test.jsonl's first record is img/64.png: a blank image now, the JSONL unchanged
    ImageFiles.writePng(task.resolve("img/64.png"), new GrayImage(8, 8, new float[64]));
    float[][] again = VisualFeatures.features(task, enc, "test", overtrain.tasks.vision.ImageTask.read(task, "test", 0));
    assertFalse(Arrays.equals(first[0], again[0]), "the replaced image's features were computed anew");
    assertArrayEquals(first[1], again[1]);
    assertArrayEquals(enc.encode(new GrayImage(8, 8, new float[64])), again[0]);
  }

  @Test
  void anImageOfAnotherSizeIsNamedBeforeTheEncoderIsFitted() throws IOException {
    Path task = dir.resolve("task");
    writeTask(task, true);
    ImageFiles.writePng(task.resolve("img/70.png"), new GrayImage(8, 4, new float[32]));
    Tokenizer tok = tokenizer();
    var e = assertThrows(IOException.class, () -> new MultimodalTuner(inputs(task, tok), cfg, s -> {}).run());
    assertTrue(e.getMessage().contains("test.jsonl:7") && e.getMessage().contains("'image'")
        && e.getMessage().contains("8x4"), e.getMessage());
    assertFalse(Files.exists(task.resolve("features")), "nothing fitted");
  }

  @Test
  void aTestRecordWithoutChoicesIsNamedBeforeAnyTraining() throws IOException {
    Path task = dir.resolve("task");
    writeTask(task, false);
    Tokenizer tok = tokenizer();
    List<String> steps = new ArrayList<>();
    var e = assertThrows(IOException.class, () -> new MultimodalTuner(inputs(task, tok), cfg, s -> steps.add(s.stage())).run());
    assertTrue(e.getMessage().contains("test.jsonl:1") && e.getMessage().contains("'choices'"), e.getMessage());
    assertTrue(steps.isEmpty());
  }
}
