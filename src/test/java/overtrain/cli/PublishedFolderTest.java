package overtrain.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.checkpoint.Checkpoint;
import overtrain.checkpoint.RandomHfFolder;
import overtrain.data.TokenFile;
import overtrain.model.OlmoModel;
import overtrain.model.Parameters;
import overtrain.perturb.PerturbationSweep;

/**
 * What bench/big_model.sh measures at OLMo-1B's size, at a small shape through the same code:
 * a published-style folder (bfloat16 shards and their index) read with its progress, scored and
 * perturbed in place; and fine-tuning refused before its weights are read when it cannot fit.
 */
class PublishedFolderTest {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  @TempDir Path dir;

  private static final RandomHfFolder.Shape SMALL = new RandomHfFolder.Shape("olmo", 512, 128, 2, 4, 256, 64, true);

  private record Ran(int code, String out, String err) {}

  private static Ran run(String... args) {
    PrintStream out = System.out, err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      int code = Main.commandLine().execute(args);
      return new Ran(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void aShardedBfloat16FolderLoadsWithProgressScoresAndIsPerturbedInPlace() throws IOException {
    Path folder = dir.resolve("olmo-small");
    RandomHfFolder.write(folder, SMALL, 3, 1);
    assertEquals(3, Files.list(folder).filter(f -> f.toString().endsWith(".safetensors")).count());
    Path tokens = dir.resolve("heldout.npy");
    RandomHfFolder.tokens(tokens, 64 * 8 + 1, SMALL.vocab(), 2);

    List<long[]> reads = new ArrayList<>();
    Checkpoint.Loaded loaded = Checkpoint.load(folder, (bytes, total) -> reads.add(new long[] {bytes, total}));
    long params = OlmoModel.parameterCount(loaded.config());
    assertEquals(loaded.params().size(), params);
    assertEquals(loaded.params().specs().size(), reads.size(), "one report per tensor");
    for (int i = 1; i < reads.size(); i++) assertTrue(reads.get(i)[0] > reads.get(i - 1)[0]);
    assertArrayEquals(new long[] {2 * params, 2 * params}, reads.get(reads.size() - 1), "bfloat16: two bytes each");

    Ran eval = run("eval", "--model", folder.toString(), "--tokens", tokens.toString(), "--batch", "2", "--json");
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.err().contains(String.format("loaded %,d parameters (held in float32) in ", params)), eval.err());
    assertTrue(eval.err().contains("loading olmo-small (MiB)"), eval.err());
    assertTrue(eval.err().matches("(?s).*scored 512 tokens in [0-9.]+ s, [0-9.]+ tokens/s.*"), eval.err());

    // in place, restored from the folder after each perturbation: the same numbers as a copy's
    PerturbationSweep.Config sweep = new PerturbationSweep.Config(List.of(0.5, 2.0), 2, 1, 64, 2, 512);
    TokenFile file = TokenFile.open(tokens, SMALL.vocab());
    PerturbationSweep.Result copied = PerturbationSweep.run(loaded.config(), loaded.params(), "m", file, "h",
        sweep, (d, t) -> {});
    float[] before = loaded.params().data().clone();
    PerturbationSweep.Result inPlace = PerturbationSweep.run(loaded.config(), loaded.params(),
        p -> Checkpoint.reload(folder, p), "m", file, "h", sweep, (d, t) -> {});
    assertEquals(copied, inPlace);
    assertArrayEquals(before, loaded.params().data(), "the weights are the checkpoint's again");
    assertNotEquals(copied.runs().get(0).loss(), copied.runs().get(2).loss());

    Ran perturb = run("perturb", "--model", folder.toString(), "--heldout-tokens", tokens.toString(),
        "--gamma", "0.5,2", "--seeds", "2", "--batch", "2", "--max-tokens", "512", "--json");
    assertEquals(0, perturb.code(), perturb.err());
    assertTrue(perturb.out().contains(String.valueOf(copied.baseLoss())), perturb.out());
  }

  /**
   * Held in bfloat16 (how a 7B model fits in memory), an OLMo-2 folder published in bfloat16
   * scores as in float32, to the bit, and is perturbed in place and restored from the folder as
   * a copy would be.
   */
  @Test
  void heldInBfloat16AFolderScoresAsInFloat32AndIsPerturbedInPlace() throws IOException {
    Path folder = dir.resolve("olmo2-small");
    RandomHfFolder.write(folder, new RandomHfFolder.Shape("olmo2", 512, 128, 2, 4, 256, 64, false), 3, 1);
    Path tokens = dir.resolve("heldout.npy");
    RandomHfFolder.tokens(tokens, 64 * 8 + 1, 512, 2);
    String[] eval = {"eval", "--model", folder.toString(), "--tokens", tokens.toString(), "--batch", "2", "--json"};
    Ran wide = run(concat(eval, "--precision", "float32")), half = run(concat(eval, "--precision", "bfloat16"));
    assertEquals(0, half.code(), half.err());
    assertTrue(half.err().contains("parameters (held in bfloat16) in "), half.err());
    assertEquals(JSON.readTree(wide.out()).get("loss"), JSON.readTree(half.out()).get("loss"));

    Checkpoint.Loaded loaded = Checkpoint.load(folder, (b, t) -> {}, Parameters.Precision.BFLOAT16);
    List<short[]> before = new ArrayList<>();
    for (int t = 0; t < loaded.params().specs().size(); t++) before.add(loaded.params().bfloat16(t).clone());
    PerturbationSweep.Config sweep = new PerturbationSweep.Config(List.of(0.5, 2.0), 2, 1, 64, 2, 512);
    TokenFile file = TokenFile.open(tokens, 512);
    PerturbationSweep.Result inPlace = PerturbationSweep.run(loaded.config(), loaded.params(),
        p -> Checkpoint.reload(folder, p), "m", file, "h", sweep, (d, t) -> {});
    for (int t = 0; t < before.size(); t++) {
      assertArrayEquals(before.get(t), loaded.params().bfloat16(t), "restored: " + loaded.params().specs().get(t));
    }
    assertEquals(PerturbationSweep.run(loaded.config(), loaded.params(), "m", file, "h", sweep, (d, t) -> {}), inPlace);
    assertEquals(JSON.readTree(half.out()).get("loss").asDouble(), inPlace.baseLoss());
    assertTrue(inPlace.runs().get(3).degradation() > inPlace.runs().get(0).degradation(), inPlace.runs().toString());

    Ran bad = run(concat(eval, "--precision", "half"));
    assertNotEquals(0, bad.code());
    assertTrue(bad.err().contains("--precision must be auto, float32 or bfloat16, got 'half'"), bad.err());
    assertTrue(!bad.err().contains("loading"), "refused before the weights are read: " + bad.err());
  }

  private static String[] concat(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  @Test
  void fineTuningAModelTooLargeIsRefusedWithWhatItNeedsBeforeTheWeightsAreRead() throws IOException {
    // OLMo-1B's config alone: the refusal must come before the (absent) weights are looked at
    Path folder = dir.resolve("olmo-1b");
    RandomHfFolder.writeConfig(folder, RandomHfFolder.Shape.OLMO_1B);
    Ran ran = run("finetune", "--model", folder.toString(), "--task", "anything", "--lr", "1e-5,2e-5",
        "--batch", "4", "--out", dir.resolve("ft").toString());
    assertNotEquals(0, ran.code());
    assertTrue(ran.err().contains("fine-tuning this 1,176,764,416-parameter model at batch 4 x context 2048 with"
        + " 2 rate(s) needs "), ran.err());
    assertTrue(ran.err().matches("(?s).*needs [0-9.]+ GiB \\(weights [0-9.]+ GiB: 3 copies.*\\), but the JVM's max heap is [0-9.]+ GiB.*"),
        ran.err());
    assertTrue(!ran.err().contains("no weights") && !ran.err().contains("not a checkpoint"), ran.err());
    assertTrue(!Files.exists(dir.resolve("ft")), "nothing written before the refusal");
  }
}
