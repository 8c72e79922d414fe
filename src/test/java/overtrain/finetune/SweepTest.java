package overtrain.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.checkpoint.Checkpoint;
import overtrain.data.TokenFile;
import overtrain.eval.TaskEvaluation;
import overtrain.eval.TaskEvaluator;
import overtrain.formats.Npy;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.optim.OptimConfig;
import overtrain.optim.ScheduleConfig;
import overtrain.tasks.Label;
import overtrain.tasks.Task;
import overtrain.tasks.TaskSpec;
import overtrain.tasks.encoding.CandidateEncoder;
import overtrain.tokenizer.BpeTrainer;
import overtrain.tokenizer.Tokenizer;

class SweepTest {
  private static final String[] FILLER = {"the", "a", "film", "was", "plot", "and", "very", "it"};

  /** Sentences whose class is which of two cue words they hold. */
  private static List<String> write(Path file, int n, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> lines = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean good = r.nextBoolean();
      StringBuilder text = new StringBuilder();
      int words = 3 + r.nextInt(4);
      int cue = r.nextInt(words);
      for (int w = 0; w < words; w++) {
        if (w > 0) text.append(' ');
        text.append(w == cue ? (good ? "alpha" : "omega") : FILLER[r.nextInt(FILLER.length)]);
      }
      texts.add(text.toString());
      lines.add("{\"text\": \"" + text + "\", \"label\": \"" + (good ? "pos" : "neg") + "\"}");
    }
    Files.write(file, lines);
    return texts;
  }

  @Test
  void aSweepPicksTheBestRateOnValidationAndWritesItsCheckpointAndResult(@TempDir Path dir)
      throws IOException {
    Path taskDir = Files.createDirectories(dir.resolve("cues"));
    TaskSpec.classification("cues", "cue-word sentiment", "synthetic", "Review: {text}\nSentiment:",
            "label", List.of(new Label("pos", " good"), new Label("neg", " bad")))
        .save(taskDir.resolve(Task.SPEC_FILE));
    List<String> texts = write(taskDir.resolve("train.jsonl"), 192, 1);
    write(taskDir.resolve("validation.jsonl"), 48, 2);
    write(taskDir.resolve("test.jsonl"), 48, 3);
    texts.add("Review: Sentiment: good bad");
    Tokenizer tokenizer = BpeTrainer.train(texts, 300, List.of());

    ModelConfig config = new ModelConfig(tokenizer.vocabSize(), 32, 1, 2, 64, 32, false, 10000,
        Parameterization.MUP, 32, 0.02);
    int[] heldoutIds = new int[600];
    SplittableRandom r = new SplittableRandom(4);
    for (int i = 0; i < heldoutIds.length; i++) heldoutIds[i] = r.nextInt(256);
    Path heldoutFile = dir.resolve("heldout.npy");
    Npy.writeTokens(heldoutFile, heldoutIds, heldoutIds.length);

    Sweep.Inputs inputs = new Sweep.Inputs(dir.resolve("base"), config,
        OlmoModel.initialize(config, 5), tokenizer, "trained in the test",
        Task.load(taskDir), TokenFile.open(heldoutFile, config.vocabSize()));
    SweepConfig sweep = new SweepConfig(List.of(1e-5, 1e-2), 4, 16, new ScheduleConfig("cosine", 0, 0.1, 0.2),
        new OptimConfig(0.0, 1.0), 0.0, 7, 0, new SweepConfig.Eval(16, 0, 256, false));
    Path out = dir.resolve("out");
    List<String> phases = new ArrayList<>();
    Monitor counting = new Monitor() {
      String phase;
      long total, done;

      @Override
      public void begin(String phase, long total) {
        this.phase = phase;
        this.total = total;
        this.done = 0;
      }

      @Override
      public void advance(long units) {
        done += units;
      }

      @Override
      public void end(String summary) {
        phases.add(phase + ": " + done + " of " + total);
      }
    };
    SweepResult result = new Sweep(inputs, sweep, counting).run(out);
    // every phase's bar ends full: its advances count the units its total does
    assertTrue(phases.size() > 4, phases.toString());
    for (String p : phases) {
      String[] counts = p.substring(p.lastIndexOf(": ") + 2).split(" of ");
      assertEquals(counts[1], counts[0], p);
    }

    assertEquals(2, result.runs().size());
    SweepResult.Run lowest = result.runs().get(0);
    for (SweepResult.Run r2 : result.runs()) {
      if (r2.validation().metrics().selectionLoss() < lowest.validation().metrics().selectionLoss()) {
        lowest = r2;
      }
      assertNotNull(r2.heldout());
    }
    assertEquals(lowest.lr(), result.bestLr());
    assertEquals(lowest.validation(), result.after().validation());
    assertEquals(lowest.heldout(), result.after().heldout());
    double chosen = lowest.validation().metrics().selectionLoss();
    assertTrue(chosen < result.before().validation().metrics().selectionLoss(),
        "fine-tuning lowers the validation class perplexity");
    TaskEvaluation afterTest = result.after().test();
    assertNotNull(result.before().heldout());
    assertNotNull(result.after().heldout());

    // The checkpoint written is the chosen run's: reloaded, it scores the test split exactly
    // as the result says.
    Checkpoint.Loaded loaded = Checkpoint.load(out.resolve(Sweep.MODEL_DIR));
    Tokenizer saved = Tokenizer.load(out.resolve(Sweep.MODEL_DIR).resolve(Sweep.TOKENIZER));
    assertEquals(tokenizer.vocabSize(), saved.vocabSize());
    OlmoModel reloaded = new OlmoModel(loaded.config(), loaded.params());
    TaskEvaluation again = new TaskEvaluator(reloaded::targetLogProbs,
        new CandidateEncoder(saved, config.maxContext()), 16)
        .evaluate(result.type(), Task.load(taskDir).examples("test"), TaskEvaluator.Listener.NONE);
    assertEquals(afterTest, again);

    JsonNode json = Sweep.JSON.readTree(out.resolve(Sweep.RESULT).toFile());
    assertEquals(result.bestLr(), json.get("best_lr").asDouble());
    assertEquals(afterTest.metrics().selectionLoss(),
        json.at("/after/test/metrics/class_perplexity").asDouble());
    assertTrue(json.at("/before/heldout/loss").isNumber());
    assertEquals(7, json.at("/config/seed").asLong());
    long steps = FineTuner.totalSteps(192, sweep.run(1e-2));
    List<String> lines = Files.readAllLines(out.resolve(Sweep.METRICS));
    assertEquals(2 * steps + 2, lines.size(), "every step of both runs and one validation each");
  }
}
