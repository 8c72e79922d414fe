package overtrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.checkpoint.Checkpoint;
import overtrain.io.Configs;

class TrainerTest {
  @TempDir Path dir;

  @BeforeEach
  void data() throws IOException {
    BookTokens.write(dir);
  }

  /** 16 steps of a tiny model: 4 windows of 16 tokens a step. */
  private TrainConfig config(Map<String, Object> extra) {
    Map<String, Object> flags = new HashMap<>(Map.of(
        "data.train", dir.resolve("train.npy").toString(),
        "data.heldout", dir.resolve("heldout.npy").toString(),
        "model.vocab_size", 256, "model.num_layers", 2, "model.num_heads", 2, "model.hidden_size", 32,
        "model.max_context", 16, "data.batch", 4, "tokens", 16L * 64));
    flags.put("schedule.warmup_steps", 2);
    flags.put("eval.tokens", 256);
    flags.putAll(extra);
    return TrainConfig.load(List.of(Configs.layer("flags", flags)));
  }

  private Trainer trainer(String out, Map<String, Object> extra, boolean resume) {
    return new Trainer(config(extra), dir.resolve(out), resume, QUIET);
  }

  private static final Trainer.Listener QUIET = (r, total) -> {};

  private static byte[] file(Path checkpoint, String name) throws IOException {
    return Files.readAllBytes(checkpoint.resolve(name));
  }

  @Test
  void resumedRunIsBitIdenticalToAnUninterruptedOne() throws IOException {
    Trainer.Result straight = trainer("straight", Map.of(), false).run();
    assertEquals(16, straight.steps());
    assertEquals(Trainer.checkpointDir(dir.resolve("straight"), 16), straight.checkpoint());

    Trainer.Result half = trainer("resumed", Map.of(), false).run(8);
    assertEquals(8, half.steps());
    // What a kill in the middle of saving leaves: a half-written directory, ignored and removed.
    Path partial = dir.resolve("resumed/checkpoints/step-00000009.tmp-42");
    Files.createDirectories(partial);
    Files.writeString(partial.resolve(Checkpoint.MODEL), "cut short");
    Trainer.Result rest = trainer("resumed", Map.of(), true).run();
    assertEquals(16, rest.steps());
    assertTrue(Files.notExists(partial), "half-written checkpoint removed");

    for (String name : List.of(Checkpoint.MODEL, Checkpoint.OPTIMIZER)) {
      assertArrayEquals(file(straight.checkpoint(), name), file(rest.checkpoint(), name), name);
    }
    assertEquals(straight.heldoutLoss(), rest.heldoutLoss());
    // The resumed run's log reads as one run: steps 1..16 once each, same losses.
    List<String> a = Files.readAllLines(dir.resolve("straight").resolve(Trainer.METRICS));
    List<String> b = Files.readAllLines(dir.resolve("resumed").resolve(Trainer.METRICS));
    assertEquals(16, b.size());
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < 16; i++) {
      JsonNode x = json.readTree(a.get(i)), y = json.readTree(b.get(i));
      assertEquals(i + 1, y.get("step").asInt());
      assertEquals(x.get("loss"), y.get("loss"), "loss at step " + (i + 1));
      assertEquals(x.get("grad_norm"), y.get("grad_norm"));
    }
  }

  @Test
  void logsCheckpointsAndRefusesAForeignRun() throws IOException {
    TrainConfig c = config(Map.of("checkpoint.every", 6L, "checkpoint.at", List.of(640L), "eval.every", 5L));
    new Trainer(c, dir.resolve("run"), false, QUIET).run();
    Path out = dir.resolve("run");
    // every 6 steps (6, 12), 640 tokens = step 10, and the end (16)
    for (long step : new long[] {6, 10, 12, 16}) {
      assertTrue(Checkpoint.isResumable(Trainer.checkpointDir(out, step)), "checkpoint at " + step);
    }
    try (var s = Files.list(out.resolve(Trainer.CHECKPOINTS))) {
      assertEquals(4, s.count());
    }
    List<String> lines = Files.readAllLines(out.resolve(Trainer.METRICS));
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines.get(0));
    for (String key : List.of("step", "tokens", "loss", "lr", "grad_norm", "tokens_per_s")) {
      assertTrue(first.has(key), key + " in " + first);
    }
    assertEquals(64, first.get("tokens").asInt());
    assertEquals(c.lr() / 2, first.get("lr").asDouble(), 1e-15, "first of two warmup steps");
    for (String line : lines) {
      JsonNode r = json.readTree(line);
      int step = r.get("step").asInt();
      assertEquals(step % 5 == 0 || step == 16, r.has("heldout_loss"), "held-out loss at step " + step);
    }
    assertEquals(c, TrainConfig.load(List.of(Configs.file(out.resolve("config.yaml")))));

    IOException e = assertThrows(IOException.class,
        () -> trainer("run", Map.of("lr", 0.5), false).run());
    assertTrue(e.getMessage().contains("lr"), e.getMessage());
    e = assertThrows(IOException.class, () -> trainer("none", Map.of(), true).run());
    assertTrue(e.getMessage().contains("nothing to resume"), e.getMessage());
  }

  @Test
  void aRunMovedElsewhereResumes() throws IOException {
    trainer("here", Map.of(), false).run(8);
    Path moved = dir.resolve("moved/there");
    Files.createDirectories(moved.getParent());
    Files.move(dir.resolve("here"), moved);
    Trainer.Result rest = new Trainer(config(Map.of()), Path.of("").toAbsolutePath().relativize(moved),
        true, QUIET).run();
    assertEquals(16, rest.steps());
    Trainer.Result straight = trainer("straight", Map.of(), false).run();
    assertArrayEquals(file(straight.checkpoint(), Checkpoint.MODEL),
        file(moved.resolve("checkpoints/step-00000016"), Checkpoint.MODEL));
  }

  @Test
  void aHeldOutFileShorterThanAWindowIsRefusedBeforeTheFirstStep() throws IOException {
    Path tiny = dir.resolve("tiny.npy");
    overtrain.formats.Npy.writeTokens(tiny, new int[] {1, 2, 3}, 3);
    IOException e = assertThrows(IOException.class,
        () -> trainer("short", Map.of("data.heldout", tiny.toString()), false).run());
    assertTrue(e.getMessage().contains("tiny.npy") && e.getMessage().contains("data.heldout")
        && e.getMessage().contains("17"), e.getMessage());
    assertTrue(Files.notExists(dir.resolve("short/metrics.jsonl")), "no step was taken");
  }

  @Test
  void aNonFiniteLossStopsTheRunNamingTheStepAndTheLastGoodCheckpoint() throws IOException {
    Step.NonFiniteException e = assertThrows(Step.NonFiniteException.class,
        () -> trainer("nan", Map.of("lr", 1e30, "optim.clip", 0.0, "checkpoint.every", 1L), false).run());
    assertTrue(e.getMessage().startsWith("step "), e.getMessage());
    assertTrue(e.getMessage().contains("last good checkpoint: " + dir.resolve("nan")), e.getMessage());
  }

  @Test
  void aBranchFromAConstantRateTrunkIsBitIdenticalToTheWholeWarmupStableDecayRun() throws IOException {
    // 16 steps, decaying over the last quarter: constant (after warmup) for 12, then 4 down.
    Map<String, Object> wsd = Map.of("schedule.name", "wsd", "schedule.decay_fraction", 0.25);
    Trainer.Result whole = trainer("whole", wsd, false).run();
    Map<String, Object> trunk = Map.of("schedule.name", "constant", "tokens", 12L * 64, "checkpoint.at", List.of(8L * 64));
    trainer("trunk", trunk, false).run();
    Path branchPoint = Trainer.checkpointDir(dir.resolve("trunk"), 12);
    Trainer.branchFrom(branchPoint, config(wsd), dir.resolve("branch"));
    Trainer.Result branch = trainer("branch", wsd, true).run();
    assertEquals(16, branch.steps());
    for (String name : List.of(Checkpoint.MODEL, Checkpoint.OPTIMIZER)) {
      assertArrayEquals(file(whole.checkpoint(), name), file(branch.checkpoint(), name), name);
    }
    // a 12-step run decaying over its last third decays from step 9 on (its first decay step
    // still has the peak rate): the trunk's step 12 is past its branch point, and refused
    Map<String, Object> shortRun = Map.of("schedule.name", "wsd", "schedule.decay_fraction", 1.0 / 3, "tokens", 12L * 64);
    IOException e = assertThrows(IOException.class, () -> Trainer.branchFrom(
        Trainer.checkpointDir(dir.resolve("trunk"), 12), config(shortRun), dir.resolve("late")));
    assertTrue(e.getMessage().contains("the rate at step 10"), e.getMessage());
  }
}
