package overtrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.checkpoint.Checkpoint;
import overtrain.formats.Npy;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.Parameters;
import picocli.CommandLine;

/** Bad input on the command line: exit 1 and a message that names what was wrong, before any work. */
class BadInputsTest {
  @TempDir Path dir;

  private static final ModelConfig CONFIG =
      new ModelConfig(40, 16, 1, 2, 64, 8, false, 10000.0, Parameterization.STANDARD, 16, 0.02);

  /** What one run of the command line left: its exit code, stdout and stderr. */
  record Ran(int code, String out, String err) {}

  static Ran run(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      code = cl.execute(args);
    } finally {
      System.setOut(saved);
    }
    return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path checkpoint() throws IOException {
    Path ck = dir.resolve("ck");
    Checkpoint.save(ck, CONFIG, OlmoModel.initialize(CONFIG, 4));
    return ck;
  }

  private Path tokens(int n) throws IOException {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) ids[i] = (i * 7) % 40;
    Path file = dir.resolve("tokens.npy");
    Npy.writeTokens(file, ids, n);
    return file;
  }

  @Test
  void tokenizerTrainOnAnEmptyCorpusIsAnError() throws IOException {
    Path corpus = Files.createDirectories(dir.resolve("corpus"));
    Files.writeString(corpus.resolve("empty.txt"), "");
    Files.writeString(corpus.resolve("blank.jsonl"), "{\"text\": \"\"}\n");
    Path out = dir.resolve("tokenizer.json");
    Ran r = run("tokenizer", "train", "--corpus", corpus.toString(), "--vocab-size", "300", "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains(corpus + ": no text to train on (2 documents, all empty)"), r.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  /** 0 means no limit for --max-tokens as for --max-examples; a negative limit is an error. */
  @Test
  void evalLimitsTakeZeroAsNone() throws IOException {
    Path ck = checkpoint();
    Path tokens = tokens(200);
    ObjectMapper json = new ObjectMapper();
    Ran whole = run("eval", "--model", ck.toString(), "--tokens", tokens.toString(), "--json");
    Ran zero = run("eval", "--model", ck.toString(), "--tokens", tokens.toString(), "--max-tokens", "0", "--json");
    assertEquals(0, zero.code(), zero.err());
    assertEquals(199 / 8 * 8, json.readTree(zero.out()).get("tokens").asLong());
    assertEquals(json.readTree(whole.out()), json.readTree(zero.out()));

    Ran negative = run("eval", "--model", ck.toString(), "--tokens", tokens.toString(), "--max-tokens", "-5");
    assertEquals(1, negative.code());
    assertTrue(negative.err().contains("--max-tokens must be >= 0 (0: the whole file), got -5"), negative.err());
    negative = run("eval", "--model", ck.toString(), "--task", "x", "--max-examples", "-1");
    assertEquals(1, negative.code());
    assertTrue(negative.err().contains("--max-examples must be >= 0 (0: all), got -1"), negative.err());

    String help = Main.commandLine().getSubcommands().get("eval").getUsageMessage();
    assertTrue(help.replaceAll("\\s+", " ").contains("0, the default, means no limit"), help);
  }

  /** bench train --products with --score-only would time nothing: refused before any work. */
  @Test
  void benchRefusesProductTimesWithoutTrainingSteps() {
    Ran r = run("bench", "train", "--score-only", "--products", "--layers", "1", "--d-model", "16",
        "--heads", "2", "--vocab", "40", "--context", "8", "--batch", "1", "--steps", "1");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("--products times the products of training steps; --score-only runs none"), r.err());
    assertTrue(!r.err().contains("bench (scoring passes)"), "no pass ran: " + r.err());
  }

  /** NaN weights: eval fails naming the tensor, rather than printing "loss NaN" with exit 0. */
  @Test
  void evalOfACheckpointWithNaNWeightsFails() throws IOException {
    Parameters p = OlmoModel.initialize(CONFIG, 4);
    p.data()[p.spec("lm_head.weight").at() + 17] = Float.NaN;
    Checkpoint.save(dir.resolve("nan"), CONFIG, p);
    Ran r = run("eval", "--model", dir.resolve("nan").toString(), "--tokens", tokens(200).toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("'lm_head.weight' holds NaN at index [1, 1]"), r.err());
    assertEquals("", r.out());
  }

  /** An --out that cannot be written is found before the checkpoint is even read. */
  @Test
  void perturbChecksItsOutputFolderFirst() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "");
    Ran r = run("perturb", "--model", dir.resolve("no-such-checkpoint").toString(), "--heldout-tokens",
        dir.resolve("no-such.npy").toString(), "--gamma", "0.1", "--out", file.resolve("sub").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains(file.resolve("sub") + ": cannot make this output folder: " + file + " is a file"),
        r.err());
  }

  /** An output that cannot be replaced fails before the sweep; the folder must still be usable. */
  @Test
  void perturbRefusesAnOutputThatIsAFolder() throws IOException {
    Path out = Files.createDirectories(dir.resolve("p/result.json")).getParent();
    Ran r = run("perturb", "--model", checkpoint().toString(), "--heldout-tokens", tokens(200).toString(),
        "--gamma", "0.1", "--seeds", "1", "--max-tokens", "16", "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains(out.resolve("result.json") + ": exists and is not a file"), r.err());
    assertEquals("", r.out(), "nothing measured");
  }

  /** The table comes out before the files are written, so a failed write loses no measurement. */
  @Test
  void perturbPrintsItsTableBeforeWriting() throws IOException {
    Path out = dir.resolve("p");
    Ran r = run("perturb", "--model", checkpoint().toString(), "--heldout-tokens", tokens(200).toString(),
        "--gamma", "0.1", "--seeds", "1", "--max-tokens", "16", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("held-out loss") && r.out().contains("gamma"), r.out());
    assertTrue(Files.isRegularFile(out.resolve("result.json")) && Files.isRegularFile(out.resolve("degradation.svg")));
    try (var files = Files.list(out)) {
      assertEquals(3, files.count(), "result.json and the figure, no probe left behind");
    }
  }

  /** A malformed record and a missing image in an image task: exit 1, file, line and field named, nothing written. */
  @Test
  void multimodalTuneNamesTheBadRecordBeforeAnyWork() throws IOException {
    Path task = dir.resolve("task");
    Files.createDirectories(task);
    overtrain.data.images.ImageFiles.writePng(task.resolve("a.png"),
        overtrain.data.images.GrayImage.ofBytes(4, 4, new byte[16], 0));
    String good = "{\"image\": \"a.png\", \"prompt\": \"p\", \"answer\": \"x\"}\n";
    Files.writeString(task.resolve("caption.jsonl"), good + "{\"image\": \"a.png\", \"prompt\": \"p\"\n");
    Files.writeString(task.resolve("train.jsonl"), good);
    Files.writeString(task.resolve("test.jsonl"), good);
    Path out = dir.resolve("mm");
    Ran r = run("multimodal", "tune", "--model", checkpoint().toString(), "--tokenizer", "r50k_base",
        "--task", task.toString(), "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("caption.jsonl:2") && r.err().contains("not valid JSON"), r.err());
    Files.writeString(task.resolve("caption.jsonl"), good + "{\"image\": \"gone.png\", \"prompt\": \"p\", \"answer\": \"x\"}\n");
    r = run("multimodal", "tune", "--model", checkpoint().toString(), "--tokenizer", "r50k_base",
        "--task", task.toString(), "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("caption.jsonl:2") && r.err().contains("'image'") && r.err().contains("gone.png"), r.err());
    assertFalse(Files.exists(out.resolve("result.json")) || Files.exists(task.resolve("features")), "no work done");
  }
}
