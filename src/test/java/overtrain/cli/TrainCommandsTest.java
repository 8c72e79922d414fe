package overtrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.checkpoint.Checkpoint;
import overtrain.formats.Npy;
import overtrain.io.Configs;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.train.TrainConfig;
import overtrain.train.Trainer;
import picocli.CommandLine;

class TrainCommandsTest {
  @TempDir Path dir;

  /** Runs the command line, returning stdout; fails on a non-zero exit. */
  private static String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true));
    int code;
    try {
      code = Main.commandLine().execute(args);
    } finally {
      System.setOut(old);
    }
    assertEquals(0, code, "exit code of " + String.join(" ", args) + "\n" + buf);
    return buf.toString();
  }

  private void tokens(String name, int n, long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) ids[i] = rng.nextInt(3) == 0 ? rng.nextInt(40) : i % 7;
    Npy.writeTokens(dir.resolve(name), ids, n);
  }

  @Test
  void pretrainFromYamlAndFlagsThenEval() throws IOException {
    tokens("train.npy", 4000, 1);
    tokens("heldout.npy", 1000, 2);
    Path yaml = dir.resolve("run.yaml");
    Files.writeString(yaml, "data: {train: " + dir.resolve("train.npy") + ", batch: 4}\n"
        + "model: {vocab_size: 40, num_layers: 1, num_heads: 2, hidden_size: 16, max_context: 8}\n"
        + "tokens: 320\n");
    run("pretrain", "--config", yaml.toString(), "--heldout-tokens", dir.resolve("heldout.npy").toString(),
        "--lr", "3e-3", "--tied", "false", "--checkpoint-at", "96,160", "--set", "model.rope_theta=500",
        "--out", dir.resolve("run").toString());
    TrainConfig used = TrainConfig.load(List.of(Configs.file(dir.resolve("run/config.yaml"))));
    assertEquals(3e-3, used.lr(), "flag overrides");
    assertEquals(16, used.model().hiddenSize(), "YAML kept");
    assertEquals(500.0, used.model().ropeTheta(), "--set reaches any key");
    assertEquals(List.of(96L, 160L), used.checkpoint().at());
    assertEquals(10, Files.readAllLines(dir.resolve("run/metrics.jsonl")).size());

    Path ck = Trainer.checkpointDir(dir.resolve("run"), 10);
    JsonNode r = new ObjectMapper().readTree(
        run("eval", "--model", ck.toString(), "--tokens", dir.resolve("heldout.npy").toString(), "--json"));
    assertEquals(Math.exp(r.get("loss").asDouble()), r.get("perplexity").asDouble(), 1e-9);
    assertEquals(999 / 8 * 8, r.get("tokens").asLong(), "whole windows of 8 predictions");
    assertTrue(r.get("loss").asDouble() > 0 && r.get("loss").asDouble() < Math.log(40) + 1, r.toString());
  }

  @Test
  void perturbMeasuresDegradationFromTheCheckpointsOwnLoss() throws IOException {
    tokens("heldout.npy", 1000, 2);
    ModelConfig c = new ModelConfig(40, 16, 1, 2, 64, 8, false, 10000.0, Parameterization.STANDARD, 16, 0.02);
    Path ck = dir.resolve("ck");
    Checkpoint.save(ck, c, OlmoModel.initialize(c, 4));
    String heldout = dir.resolve("heldout.npy").toString();

    JsonNode r = new ObjectMapper().readTree(run("perturb", "--model", ck.toString(), "--heldout-tokens",
        heldout, "--gamma", "0,2", "--seeds", "2", "--max-tokens", "400", "--out", dir.resolve("p").toString(),
        "--json"));
    assertEquals(new ObjectMapper().readTree(dir.resolve("p/result.json").toFile()), r, "result.json as printed");
    assertTrue(Files.size(dir.resolve("p/degradation.png")) > 0 && Files.size(dir.resolve("p/degradation.svg")) > 0);
    assertEquals(400 / 8 * 8, r.get("tokens").asLong());
    JsonNode runs = r.get("runs");
    assertEquals(4, runs.size(), r.toString());
    for (int i = 0; i < 2; i++) {
      assertEquals(0.0, runs.get(i).get("gamma").asDouble());
      assertEquals(0.0, runs.get(i).get("degradation").asDouble(), "no noise, no change");
      assertEquals(2.0, runs.get(2 + i).get("gamma").asDouble());
      assertEquals(runs.get(2 + i).get("loss").asDouble() - r.get("base_loss").asDouble(),
          runs.get(2 + i).get("degradation").asDouble(), 1e-12);
      assertTrue(runs.get(2 + i).get("degradation").asDouble() != 0, r.toString());
    }
    assertEquals(List.of(1L, 2L, 1L, 2L), List.of(runs.get(0).get("seed").asLong(), runs.get(1).get("seed").asLong(),
        runs.get(2).get("seed").asLong(), runs.get(3).get("seed").asLong()));
    // the unperturbed loss is eval's, on the first 400 predictions of the same file
    JsonNode first400 = new ObjectMapper().readTree(run("eval", "--model", ck.toString(), "--tokens", heldout,
        "--max-tokens", "400", "--json"));
    assertEquals(first400.get("loss").asDouble(), r.get("base_loss").asDouble(), 0.0);
  }

  @Test
  void perturbRefusesANegativeMagnitude() throws IOException {
    tokens("heldout.npy", 100, 2);
    ModelConfig c = new ModelConfig(40, 16, 1, 2, 64, 8, false, 10000.0, Parameterization.STANDARD, 16, 0.02);
    Checkpoint.save(dir.resolve("ck"), c, OlmoModel.initialize(c, 4));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute("perturb", "--model", dir.resolve("ck").toString(), "--heldout-tokens",
        dir.resolve("heldout.npy").toString(), "--gamma", "0.1,-1");
    assertTrue(code != 0);
    assertTrue(err.toString().contains("perturbation magnitude") && err.toString().contains("-1"), err.toString());
  }

  @Test
  void aMissingFileIsNamedAndSaidToBeMissing() throws IOException {
    ModelConfig c = new ModelConfig(40, 16, 1, 2, 64, 8, false, 10000.0, Parameterization.STANDARD, 16, 0.02);
    Checkpoint.save(dir.resolve("ck"), c, OlmoModel.initialize(c, 4));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    Path missing = dir.resolve("missing.npy");
    assertEquals(1, cl.execute("eval", "--model", dir.resolve("ck").toString(), "--tokens", missing.toString()));
    assertTrue(err.toString().contains(missing + ": no such file or directory"), err.toString());
  }

  @Test
  void everyConfigKeyIsAFlag() {
    CommandLine pretrain = Main.commandLine().getSubcommands().get("pretrain");
    List<String> missing = new ArrayList<>();
    java.util.Set<String> keyed = new java.util.HashSet<>();
    for (var option : pretrain.getCommandSpec().options()) {
      String key = ConfigFlags.key(option);
      if (key != null) keyed.add(key);
    }
    for (String key : Configs.leafPaths(Configs.tree(TrainConfig.DEFAULTS))) {
      if (!keyed.contains(key)) missing.add(key);
    }
    assertEquals(List.of(), missing, "config keys without a flag");
    // and help shows each default from the one place defaults live
    String help = pretrain.getUsageMessage();
    assertTrue(help.contains("model.num_layers; default " + TrainConfig.DEFAULTS.model().numLayers()), help);
  }

  @Test
  void benchPrintsTokensPerSecond() throws IOException {
    JsonNode r = new ObjectMapper().readTree(run("bench", "train", "--layers", "1", "--heads", "2", "--d-model", "64",
        "--vocab", "8192", "--context", "8", "--batch", "2", "--steps", "3", "--warmup-steps", "1", "--json"));
    String json = r.toPrettyString();
    assertTrue(r.get("tokens_per_s").asDouble() > 0, json);
    assertTrue(r.get("gflops").asDouble() > 0, json);
    assertTrue(r.get("threads").asInt() >= 1, json);
    assertTrue(r.get("score_vs_train").asDouble() > 0, json);
    // at least the warm-up asked for, and at most the 30 more the command allows itself
    int warmups = r.get("warmup_steps").asInt();
    assertTrue(warmups >= 1 && warmups <= 31, json);
    // each timed step's time, which together make the tokens/s
    JsonNode each = r.get("step_times_ms");
    assertEquals(3, each.size(), json);
    double sum = 0;
    for (JsonNode t : each) sum += t.asDouble();
    assertEquals(r.get("step_ms").asDouble() * 3, sum, 1e-6 * sum, json);
    // The memory figures are reported; their values move with the JVM's collections and the
    // machine's load, so they are a benchmark's to judge, not a test's. The need is the
    // model's own formula, which the model's tests check.
    for (String field : List.of("peak_rss_mib", "runtime_rss_mib", "heap_peak_mib", "live_heap_mib",
        "runtime_live_heap_mib", "need_mib", "allocated_kib_per_step")) {
      assertTrue(r.hasNonNull(field) && Double.isFinite(r.get(field).asDouble()), field + " in " + json);
    }
    assertTrue(r.get("need_mib").asDouble() > 0, json);
  }

  /**
   * --products: every matrix product of a step timed by kind, whose operations add up to a
   * step's linear layers and head, forward, input gradient and weight gradient (6 x rows x
   * their weights), within the step's time; and the time spent copying their operands.
   */
  @Test
  void benchTimesAStepsProductsByKind() throws IOException {
    int layers = 2, d = 64, ff = 4 * d, vocab = 512, context = 16, batch = 2, steps = 2;
    JsonNode r = new ObjectMapper().readTree(run("bench", "train", "--layers", "" + layers, "--heads", "2",
        "--d-model", "" + d, "--vocab", "" + vocab, "--context", "" + context, "--batch", "" + batch,
        "--steps", "" + steps, "--warmup-steps", "1", "--no-score", "--products", "--json"));
    String json = r.toPrettyString();
    double gflop = 0, millis = 0;
    Set<String> names = new HashSet<>();
    for (JsonNode p : r.get("products")) {
      assertTrue(names.add(p.get("product").asText()), json);
      assertTrue(p.get("calls_per_step").asDouble() > 0 && p.get("ms_per_step").asDouble() >= 0, json);
      gflop += p.get("gflop_per_step").asDouble();
      millis += p.get("ms_per_step").asDouble();
    }
    int rows = batch * context;
    double weights = layers * (4.0 * d * d + 3.0 * d * ff) + (double) vocab * d;
    assertEquals(6 * rows * weights / 1e9, gflop, 1e-9 * gflop, json);
    // the head's forward product against its weights packed once, and its weight gradient
    assertTrue(names.contains(rows + "x" + vocab + "x" + d + " NP"), json);
    assertTrue(names.contains(vocab + "x" + d + "x" + rows + " TN"), json);
    assertTrue(millis <= r.get("step_ms").asDouble(), json);
    // every product packs its B, on however many threads, within the step's time
    double copies = r.get("copy_a_ms_per_step").asDouble() + r.get("pack_b_ms_per_step").asDouble();
    assertTrue(r.get("pack_b_ms_per_step").asDouble() > 0 && copies <= r.get("step_ms").asDouble(), json);
  }

  /** What a study's plan measures for a model too large to train here: scoring passes alone. */
  @Test
  void benchScoresAloneWithTheWeightsHeldAsEvalHoldsThem() throws IOException {
    JsonNode r = new ObjectMapper().readTree(run("bench", "train", "--score-only", "--layers", "1", "--heads", "2",
        "--d-model", "64", "--vocab", "512", "--context", "16", "--batch", "2", "--steps", "2", "--warmup-steps", "1",
        "--json"));
    assertTrue(r.get("score_tokens_per_s").asDouble() > 0, r.toString());
    assertEquals("float32", r.get("precision").asText(), "a small model fits in float32");
    assertTrue(!r.has("tokens_per_s"), "no training step was timed: " + r);
  }
}
