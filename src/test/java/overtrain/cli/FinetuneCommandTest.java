package overtrain.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.checkpoint.Checkpoint;
import overtrain.formats.Npy;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.tasks.Label;
import overtrain.tasks.Task;
import overtrain.tasks.TaskSpec;
import overtrain.tokenizer.BpeTrainer;
import overtrain.tokenizer.Tokenizer;

class FinetuneCommandTest {
  @TempDir Path dir;

  /** Runs the command line; returns its exit code, its stdout in {@code out[0]}. */
  private static int run(String[] out, String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true));
    try {
      return Main.commandLine().execute(args);
    } finally {
      System.setOut(old);
      out[0] = buf.toString();
    }
  }

  /** A two-class task, a tokenizer, a held-out token file and a tiny checkpoint in {@code dir}. */
  private Path setUp() throws IOException {
    Path task = Files.createDirectories(dir.resolve("tasks/tiny"));
    TaskSpec.classification("tiny", "cue words", "synthetic", "Text: {text}\nLabel:", "label",
            List.of(new Label("a", " yes"), new Label("b", " no")))
        .save(task.resolve(Task.SPEC_FILE));
    SplittableRandom r = new SplittableRandom(1);
    List<String> texts = new ArrayList<>();
    for (String split : List.of("train", "validation", "test")) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        boolean a = r.nextBoolean();
        String text = (a ? "sun" : "rain") + " over the hill";
        texts.add(text);
        lines.add("{\"text\": \"" + text + "\", \"label\": \"" + (a ? "a" : "b") + "\"}");
      }
      Files.write(task.resolve(split + ".jsonl"), lines);
    }
    texts.add("Text: Label: yes no");
    Tokenizer tok = BpeTrainer.train(texts, 280, List.of());
    ModelConfig config = new ModelConfig(tok.vocabSize(), 16, 1, 2, 32, 16, false, 10000,
        Parameterization.MUP, 16, 0.02);
    Path model = dir.resolve("base");
    Checkpoint.save(model, config, OlmoModel.initialize(config, 3));
    tok.save(dir.resolve("tokenizer.json"));
    int[] ids = new int[200];
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(256);
    Npy.writeTokens(dir.resolve("heldout.npy"), ids, ids.length);
    return model;
  }

  @Test
  void finetuneWritesItsOutputsAndEvalScoresTheResultTheSameWay() throws IOException {
    Path model = setUp();
    String[] out = new String[1];
    int code = run(out, "finetune", "--model", model.toString(), "--task", "tiny",
        "--tasks-dir", dir.resolve("tasks").toString(), "--tokenizer",
        dir.resolve("tokenizer.json").toString(), "--lr", "1e-3,1e-2", "--epochs", "1",
        "--batch", "4", "--heldout-tokens", dir.resolve("heldout.npy").toString(),
        "--heldout-max-tokens", "64", "--out", dir.resolve("ft").toString(), "--json");
    assertEquals(0, code, out[0]);
    JsonNode result = new ObjectMapper().readTree(out[0]);
    assertEquals(2, result.get("runs").size());
    assertTrue(result.at("/after/heldout/loss").isNumber());
    assertTrue(Files.isRegularFile(dir.resolve("ft/metrics.jsonl")));

    // The saved model carries its tokenizer: eval --task needs none, and it reproduces the
    // sweep's test score through the same scoring path.
    code = run(out, "eval", "--model", dir.resolve("ft/model").toString(), "--task",
        dir.resolve("tasks/tiny").toString(), "--split", "test", "--json");
    assertEquals(0, code, out[0]);
    JsonNode eval = new ObjectMapper().readTree(out[0]);
    assertEquals(result.at("/after/test/metrics"), eval.get("metrics"));

    // The same --out again: refused before any work, the results left as they were.
    byte[] before = Files.readAllBytes(dir.resolve("ft/result.json"));
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    try {
      code = run(out, "finetune", "--model", model.toString(), "--task", "tiny",
          "--tasks-dir", dir.resolve("tasks").toString(), "--tokenizer",
          dir.resolve("tokenizer.json").toString(), "--lr", "1e-3", "--out", dir.resolve("ft").toString());
    } finally {
      System.setErr(oldErr);
    }
    assertEquals(1, code);
    assertTrue(err.toString().contains("earlier fine-tuning") && err.toString().contains("--overwrite"), err.toString());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("ft/result.json")));
  }

  @Test
  void evalWantsExactlyOneOfTokensOrTask() throws IOException {
    Path model = setUp();
    String[] out = new String[1];
    assertEquals(1, run(out, "eval", "--model", model.toString()));
    assertEquals(1, run(out, "eval", "--model", model.toString(), "--task", "tiny",
        "--tokens", dir.resolve("heldout.npy").toString()));
  }
}
