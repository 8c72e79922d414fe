package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.checkpoint.Checkpoint;
import overtrain.checkpoint.RandomHfFolder;
import overtrain.io.Json;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;

/** A study whose budget axis is folders that exist already, with their token counts. */
class CheckpointStudyTest {
  @TempDir Path dir;

  private static final ModelConfig TINY =
      new ModelConfig(280, 16, 1, 2, 64, 16, true, 10000.0, Parameterization.STANDARD, 16, 0.02);

  /**
   * Model folders with weights of their own: the last in the published form (bfloat16 shards
   * and their index), the others as ours are saved, less the manifest that published folders
   * lack.
   */
  private Path folders(String... names) throws IOException {
    Path root = dir.resolve("models/tiny");
    for (int i = 0; i < names.length; i++) {
      Path f = root.resolve(names[i]);
      if (i == names.length - 1) {
        RandomHfFolder.write(f, new RandomHfFolder.Shape("olmo", 280, 16, 1, 2, 64, 16, true), 2, i + 1);
        continue;
      }
      Checkpoint.save(f, TINY, OlmoModel.initialize(TINY, i + 1));
      Files.delete(f.resolve(Checkpoint.MANIFEST));
    }
    return root;
  }

  private Path study(String name, String checkpoints) throws IOException {
    return Files.writeString(dir.resolve(name + ".yaml"), "name: " + name + "\ndir: " + dir.resolve(name) + "\n"
        + GridStudyTest.data(dir) + checkpoints
        + "perturb: {gammas: [1.0], directions: 1}\n"
        + "finetune: {tasks: [cue], lr: [1.0e-2], epochs: 1, batch: 4}\n");
  }

  private static String list(Path root, String... entries) {
    return "checkpoints:\n  model: tiny\n  root: " + root + "\n  list:\n"
        + String.join("", java.util.Arrays.stream(entries).map(e -> "    - " + e + "\n").toList());
  }

  @Test
  void theStudyRunsOverTheFoldersAndItsBudgetAxisIsTheirTokenCounts() throws Exception {
    Path root = folders("step1000-tokens4B", "step5000-tokens21B", "step20000-tokens84B");
    Map<String, byte[]> before = new HashMap<>();
    try (var walk = Files.walk(root)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) before.put(f.toString(), Files.readAllBytes(f));
    }
    Path file = study("olmo", list(root,
        "{path: step1000-tokens4B, tokens: 4194304000}",
        "{path: step5000-tokens21B, tokens: 20.97152B}",
        "{path: step20000-tokens84B, tokens: 84B}"));
    StudyPlan plan = StudyFile.load(file);
    assertEquals(9, plan.cells().size(), "3 checkpoints, 3 perturbations, 3 fine-tunings");

    StudyCommandTest.Ran run = StudyCommandTest.overtrain("reproduce", file.toString(), "--workers", "2");
    assertEquals(0, run.code(), run.out() + run.err());
    Path out = dir.resolve("olmo");
    assertTrue(run.out().lines().toList().get(1).startsWith("  Base models: tiny"), run.out());

    JsonNode findings = Json.read(out.resolve("findings.json"));
    List<Long> budgets = new ArrayList<>();
    findings.at("/base/tiny/budgets").forEach(b -> budgets.add(b.asLong()));
    assertEquals(List.of(4_194_304_000L, 20_971_520_000L, 84_000_000_000L), budgets, findings.toString());
    assertTrue(findings.path("modifications").has("tiny | perturb gamma=1.0"), findings.toString());
    assertTrue(findings.path("modifications").has("tiny | finetune cue lr=0.01"), findings.toString());

    // the report draws the base models against those token counts
    List<String> baseX = Files.readAllLines(out.resolve("report.csv")).stream()
        .filter(l -> l.startsWith("base,")).map(l -> l.split(",")[2]).toList();
    assertEquals(3, baseX.size(), baseX.toString());
    assertEquals(List.of(4.194304e9, 2.097152e10, 8.4e10), baseX.stream().map(Double::parseDouble).toList());

    // perturbation and fine-tuning start from the folder the checkpoint cell scored, to the bit
    StudyDir done = new StudyDir(plan);
    Map<Long, Double> base = checkpointLosses(plan, done), perturbBase = new HashMap<>();
    for (Cell c : plan.cells()) {
      if (!c.kind().equals(PerturbSection.KIND)) continue;
      perturbBase.put(c.coords().get("budget").asLong(), done.readResult(c.id()).at("/outputs/base_loss").asDouble());
    }
    assertEquals(3, base.size());
    assertEquals(base, perturbBase);
    Results.Table table = Results.of(done);
    assertTrue(table.columns().contains("checkpoint"), table.columns().toString());

    // nothing of the user's folders was changed
    try (var walk = Files.walk(root)) {
      List<Path> now = walk.filter(Files::isRegularFile).toList();
      assertEquals(before.size(), now.size());
      for (Path f : now) assertArrayEquals(before.get(f.toString()), Files.readAllBytes(f), f.toString());
    }
  }

  /** Multimodal tuning modifies existing checkpoints as it does pre-training runs. */
  @Test
  void multimodalTuningModifiesEachFolder() throws Exception {
    Path root = folders("a", "b");
    Path task = GridStudyTest.imageTask(dir);
    Path file = Files.writeString(dir.resolve("mm.yaml"), "name: mm\ndir: " + dir.resolve("mm") + "\n"
        + GridStudyTest.data(dir) + list(root, "{path: a, tokens: 1M}", "{path: b, tokens: 2M}")
        + "multimodal: {task: " + task + ", lrs: [1.0e-2], encoder: {patch: 8, dims: 4},"
        + " stage1: {batch: 4}, stage2: {batch: 4}}\n");
    StudyPlan plan = StudyFile.load(file);
    assertEquals(4, plan.cells().size(), "2 checkpoints, 2 multimodal");
    StudyCommandTest.Ran run = StudyCommandTest.overtrain("study", "run", file.toString(), "--workers", "2");
    assertEquals(0, run.code(), run.out() + run.err());
    StudyDir done = new StudyDir(plan);
    Map<Long, Double> base = checkpointLosses(plan, done), before = new HashMap<>();
    for (Cell c : plan.cells()) {
      if (!c.kind().equals(MultimodalSection.KIND)) continue;
      for (JsonNode m : done.readResult(c.id()).get("measurements")) {
        if (m.get("stage").asText().equals("before") && m.get("metric").asText().equals("heldout_loss")) {
          before.put(c.coords().get("budget").asLong(), m.get("value").asDouble());
        }
      }
    }
    assertEquals(2, base.size());
    assertEquals(base, before, "tuning starts from the folder the checkpoint cell scored, to the bit");
  }

  /** Each checkpoint cell's held-out loss, by its budget. */
  private static Map<Long, Double> checkpointLosses(StudyPlan plan, StudyDir done) throws IOException {
    Map<Long, Double> losses = new HashMap<>();
    for (Cell c : plan.cells()) {
      if (!c.kind().equals(CheckpointsSection.KIND)) continue;
      losses.put(c.coords().get("budget").asLong(), done.readResult(c.id()).at("/measurements/0/value").asDouble());
    }
    return losses;
  }

  @Test
  void aStudyOfCheckpointsNeedsNoTrainingFile() throws IOException {
    Path root = folders("a", "b");
    Path file = study("held", list(root, "{path: a, tokens: 1M}", "{path: b, tokens: 2M}"));
    Files.writeString(file, Files.readString(file).replaceFirst("data: \\{train: [^,]+, ", "data: {"));
    assertTrue(!Files.readString(file).contains("train.npy"), Files.readString(file));
    assertEquals(6, StudyFile.load(file).cells().size());
    Path pretrain = Files.writeString(dir.resolve("pre.yaml"), Files.readString(file)
        .replaceFirst("name: held", "name: pre") + "pretrain: {budgets: [1024], model: {vocab_size: 280}}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StudyFile.load(pretrain));
    assertTrue(e.getMessage().contains("data.train is required"), e.getMessage());
  }

  @Test
  void badListsAreRefusedBeforeAnyWorkNamingTheEntryAndWhatWasExpected() throws IOException {
    Path root = folders("a", "b");
    Map<String, List<String>> cases = new java.util.LinkedHashMap<>();
    cases.put(list(root, "{path: a, tokens: 1M}", "{path: missing, tokens: 2M}"),
        List.of("checkpoints.list[1].path", "missing is not a folder", "expected a Hugging Face model folder"));
    cases.put(list(root, "{path: a, tokens: 84X}"), List.of("checkpoints.list[0].tokens", "e.g. 84B", "84X"));
    cases.put(list(root, "{path: a}"), List.of("checkpoints.list[0].tokens is required"));
    cases.put(list(root, "{path: a, tokens: 1M}", "{path: b, tokens: 1000000}"),
        List.of("checkpoints.list[1].tokens", "also", "list[0]"));
    cases.put(list(root, "{path: a, tokens: 1M, step: 3}"), List.of("checkpoints.list[0]", "unknown field 'step'"));
    cases.put(list(dir.resolve("nowhere"), "{path: a, tokens: 1M}"), List.of("checkpoints.root", "nowhere", "not a folder"));
    cases.put("checkpoints:\n  root: " + root + "\n  list: [{path: a, tokens: 1M}]\n", List.of("checkpoints.model"));
    cases.put("checkpoints: {model: tiny, list: []}\n", List.of("checkpoints.list", "{path, tokens}"));
    int i = 0;
    for (Map.Entry<String, List<String>> c : cases.entrySet()) {
      Path file = study("bad" + i++, c.getKey());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StudyFile.load(file), c.getKey());
      for (String part : c.getValue()) assertTrue(e.getMessage().contains(part), part + " in " + e.getMessage());
      assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }
    Files.delete(root.resolve("b").resolve(Checkpoint.MODEL_INDEX)); // b is the sharded one
    Path noWeights = study("bad-weights", list(root, "{path: b, tokens: 1M}"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StudyFile.load(noWeights));
    assertTrue(e.getMessage().contains("list[0].path") && e.getMessage().contains("has no weights"), e.getMessage());
  }
}
