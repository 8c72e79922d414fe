package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.formats.Npy;
import overtrain.tasks.Label;
import overtrain.tasks.Task;
import overtrain.tasks.TaskSpec;
import overtrain.tokenizer.BpeTrainer;
import overtrain.tokenizer.Tokenizer;

/** The paper's grid as a study: real pre-training, perturbation and fine-tuning cells, tiny. */
class GridStudyTest {
  @TempDir Path dir;

  /** Token files, a tokenizer and a two-class task in {@code dir}; returns the study file's shared keys. */
  static String data(Path dir) throws IOException {
    SplittableRandom r = new SplittableRandom(5);
    List<String> texts = new ArrayList<>();
    Path task = Files.createDirectories(dir.resolve("tasks/cue"));
    TaskSpec.classification("cue", "cue words", "synthetic", "Text: {text}\nLabel:", "label",
            List.of(new Label("a", " yes"), new Label("b", " no")))
        .save(task.resolve(Task.SPEC_FILE));
    for (String split : List.of("train", "validation", "test")) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        boolean a = r.nextBoolean();
        String text = (a ? "sun" : "rain") + " over the hill";
        texts.add(text);
        lines.add("{\"text\": \"" + text + "\", \"label\": \"" + (a ? "a" : "b") + "\"}");
      }
      Files.write(task.resolve(split + ".jsonl"), lines);
    }
    texts.add("Text: Label: yes no");
    Tokenizer tok = BpeTrainer.train(texts, 280, List.of());
    tok.save(dir.resolve("tokenizer.json"));
    for (String name : List.of("train", "heldout")) {
      int[] ids = new int[name.equals("train") ? 6000 : 1200];
      for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(3) == 0 ? r.nextInt(256) : i % 11;
      Npy.writeTokens(dir.resolve(name + ".npy"), ids, ids.length);
    }
    return String.join("\n",
        "data: {train: " + dir.resolve("train.npy") + ", heldout: " + dir.resolve("heldout.npy")
            + ", tokenizer: " + dir.resolve("tokenizer.json") + ", tasks_dir: " + dir.resolve("tasks") + "}",
        "measure: {heldout_tokens: 512, batch: 4}", "");
  }

  private Path study(String name, String sections) throws IOException {
    return Files.writeString(dir.resolve(name + ".yaml"), "name: " + name + "\ndir: " + dir.resolve(name)
        + "\n" + data(dir) + sections);
  }

  private static final String PRETRAIN = String.join("\n",
      "pretrain:",
      "  models: {d16: {hidden_size: 16, num_heads: 2, num_layers: 1}}",
      "  budgets: [1024, 3072]",
      "  seeds: [1]",
      "  model: {vocab_size: 280, max_context: 16, base_width: 16}",
      "  data: {batch: 4}",
      "  lr: 1.0e-2", "");

  private static final String GRID = PRETRAIN + String.join("\n",
      "perturb: {gammas: [1.0], directions: 2}",
      "finetune: {tasks: [cue], lr: [1.0e-3, 1.0e-2], epochs: 1, batch: 4}", "");

  @Test
  void everyForgettingFigureIsMeasuredOnTheSameSliceAndTheTableHasEveryCoordinate() throws Exception {
    Path file = study("grid", GRID);
    StudyPlan plan = StudyFile.load(file);
    assertEquals(6, plan.cells().size(), "2 pretrain, 2 perturb, 2 finetune");
    StudyDir done = Studies.runClean(file);

    Map<Long, Double> base = new HashMap<>();
    Map<Long, Double> perturbBase = new HashMap<>();
    Map<Long, Double> finetuneBefore = new HashMap<>();
    int perturbRows = 0, testRowsAfter = 0;
    Results.Table table = Results.of(done);
    List<String> cols = table.columns();
    for (String c : List.of("model", "budget", "tokens_per_parameter", "pretrain_seed", "modification", "gamma",
        "direction_seed", "task", "lr", "split", "stage", "metric", "value")) {
      assertTrue(cols.contains(c), c + " in " + cols);
    }
    for (List<JsonNode> row : table.rows()) {
      Map<String, JsonNode> m = new HashMap<>();
      for (int i = 0; i < cols.size(); i++) {
        // a measurement without a column's key (chosen_lr has no split) leaves it empty
        m.put(cols.get(i), row.get(i) == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : row.get(i));
      }
      long budget = m.get("budget").asLong();
      String kind = m.get("kind").asText(), metric = m.get("metric").asText();
      if (kind.equals("pretrain")) base.put(budget, m.get("value").asDouble());
      if (kind.equals("perturb")) perturbRows++;
      if (kind.equals("finetune") && metric.equals("heldout_loss") && m.get("stage").asText().equals("before")) {
        finetuneBefore.put(budget, m.get("value").asDouble());
      }
      if (kind.equals("finetune") && m.get("split").asText().equals("test") && m.get("stage").asText().equals("after")) {
        testRowsAfter++;
      }
    }
    for (Cell c : plan.cells()) {
      if (c.kind().equals("perturb")) {
        perturbBase.put(c.coords().get("budget").asLong(), done.readResult(c.id()).at("/outputs/base_loss").asDouble());
      }
    }
    assertEquals(2, base.size());
    assertEquals(base, perturbBase, "perturbation's unperturbed loss is the pre-training cell's, to the bit");
    assertEquals(base, finetuneBefore, "fine-tuning's 'before' is the pre-training cell's, to the bit");
    assertNotEquals(base.get(1024L), base.get(3072L));
    assertEquals(2 * 2 * 2, perturbRows, "2 checkpoints x 2 directions x (loss, degradation)");
    assertEquals(2 * 2 * 2, testRowsAfter, "every rate scored on test: 2 checkpoints x 2 rates x 2 metrics");
  }

  /** A tiny image task: 8x8 images lit on the left or the right, one question, two answers. */
  static Path imageTask(Path dir) throws IOException {
    Path task = Files.createDirectories(dir.resolve("tasks/img"));
    SplittableRandom r = new SplittableRandom(9);
    StringBuilder caption = new StringBuilder(), train = new StringBuilder(), test = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      boolean left = i % 2 == 0;
      float[] p = new float[64];
      for (int j = 0; j < 64; j++) p[j] = (float) Math.min(1, Math.max(0, ((j % 8 < 4) == left ? 0.8 : 0.1) + 0.1 * r.nextGaussian()));
      overtrain.data.images.ImageFiles.writePng(task.resolve(i + ".png"), new overtrain.data.images.GrayImage(8, 8, p));
      String rec = "{\"image\": \"" + i + ".png\", \"prompt\": \"Text:\", \"answer\": \"" + (left ? "yes" : "no") + "\"";
      (i < 8 ? caption : i < 16 ? train : test).append(rec).append(i < 16 ? "}\n" : ", \"choices\": [\"yes\", \"no\"]}\n");
    }
    Files.writeString(task.resolve("caption.jsonl"), caption);
    Files.writeString(task.resolve("train.jsonl"), train);
    Files.writeString(task.resolve("test.jsonl"), test);
    return task;
  }

  /**
   * Multimodal tuning as a modification of each checkpoint: its "before" is the pre-training
   * cell's loss to the bit, stage 1 leaves it exactly so, and findings and the report take it up.
   */
  @Test
  void multimodalTuningIsAModificationOfEveryCheckpoint() throws Exception {
    Path task = imageTask(dir);
    Path file = study("mm", PRETRAIN + String.join("\n",
        "multimodal: {task: " + task + ", lrs: [1.0e-2], encoder: {patch: 8, dims: 4},"
            + " stage1: {batch: 4}, stage2: {batch: 4}}", ""));
    StudyPlan plan = StudyFile.load(file);
    assertEquals(4, plan.cells().size(), "2 pretrain, 2 multimodal");
    StudyDir done = Studies.runClean(file);
    Results.Table table = Results.of(done);
    List<String> cols = table.columns();
    Map<Long, Double> base = new HashMap<>(), before = new HashMap<>(), stage1 = new HashMap<>(), after = new HashMap<>();
    for (List<JsonNode> row : table.rows()) {
      Map<String, JsonNode> m = new HashMap<>();
      for (int i = 0; i < cols.size(); i++) if (row.get(i) != null) m.put(cols.get(i), row.get(i));
      long budget = m.get("budget").asLong();
      if (m.get("kind").asText().equals("pretrain")) base.put(budget, m.get("value").asDouble());
      if (!m.get("kind").asText().equals("multimodal") || !m.get("metric").asText().equals("heldout_loss")) continue;
      assertEquals("img", m.get("task").asText());
      String stage = m.get("stage").asText();
      (stage.equals("before") ? before : stage.equals("after_stage1") ? stage1 : after).put(budget, m.get("value").asDouble());
    }
    assertEquals(base, before, "the checkpoint's own loss, measured on the study's slice");
    assertEquals(base, stage1, "stage 1 trains the projector alone");
    assertEquals(2, after.size());
    assertTrue(after.get(1024L) > base.get(1024L) && after.get(3072L) > base.get(3072L), "stage 2 forgets: " + after + " " + base);
    StudyCommandTest.Ran run = StudyCommandTest.overtrain("report", file.toString());
    assertEquals(0, run.code(), run.err());
    String html = Files.readString(dir.resolve("mm/report.html"));
    assertTrue(html.contains("Multimodal tuning on img") && html.contains("kind accuracy on held-out images"), "its figures");
    assertTrue(Findings.of(table, "x").path("modifications").has("d16 | multimodal img lr=0.01"),
        Findings.of(table, "x").toString());
  }

  @Test
  void wsdBranchesGiveTheBitsOfSeparateWarmupStableDecayRuns() throws Exception {
    String pretrain = GRID.substring(0, GRID.indexOf("perturb:"));
    String wsd = pretrain + "  schedule: {name: wsd, decay_fraction: 0.25, warmup_steps: 2}\n";
    String branches = pretrain + "  schedule: {name: wsd-branches, decay_fraction: 0.25, warmup_steps: 2}\n";
    StudyDir separate = Studies.runClean(study("separate", wsd));
    Path file = study("branched", branches);
    StudyPlan plan = StudyFile.load(file);
    assertEquals(3, plan.cells().size(), "one trunk and a branch per budget");
    StudyDir branched = Studies.runClean(file);
    Map<Long, Double> a = new HashMap<>(), b = new HashMap<>();
    for (Cell c : separate.plan().cells()) {
      a.put(c.coords().get("budget").asLong(), separate.readResult(c.id()).at("/measurements/0/value").asDouble());
    }
    for (Cell c : plan.cells()) {
      if (c.kind().equals("pretrain")) {
        assertEquals(1, c.dependsOn().size(), c.label());
        b.put(c.coords().get("budget").asLong(), branched.readResult(c.id()).at("/measurements/0/value").asDouble());
      }
    }
    assertEquals(2, a.size());
    assertEquals(a, b, "a branch is the run it stands for, to the bit");
  }

  @Test
  void cellIdsDependOnWhatDeterminesThemOnly() throws Exception {
    StudyPlan a = StudyFile.load(study("ids", GRID));
    StudyPlan b = StudyFile.load(study("ids", GRID.replace("lr: [1.0e-3, 1.0e-2]", "lr: [1.0e-3, 3.0e-2]")));
    for (int i = 0; i < a.cells().size(); i++) {
      Cell x = a.cells().get(i), y = b.cells().get(i);
      assertEquals(x.kind().equals("finetune"), !x.id().equals(y.id()), x.label());
    }
  }

  @Test
  void badSettingsAreRefusedNamingTheFileSectionAndKey() throws IOException {
    Path fraction = study("bad", GRID.replace("vocab_size: 280", "vocab_size: 280.5"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StudyFile.load(fraction));
    assertTrue(e.getMessage().contains("bad.yaml: pretrain") && e.getMessage().contains("'model.vocab_size' must be an integer"),
        e.getMessage());
    Path both = study("bad", GRID.replace("  seeds: [1]", "  seeds: [1]\n  tokens_per_parameter: [10]"));
    e = assertThrows(IllegalArgumentException.class, () -> StudyFile.load(both));
    assertTrue(e.getMessage().contains("budgets") && e.getMessage().contains("tokens_per_parameter"), e.getMessage());
    Path unknown = study("bad", GRID.replace("perturb: {gammas", "perturb: {gamas: [1], gammas"));
    e = assertThrows(IllegalArgumentException.class, () -> StudyFile.load(unknown));
    assertTrue(e.getMessage().contains("perturb") && e.getMessage().contains("gamas"), e.getMessage());
  }

  /**
   * A checkpoints: preset with tiny folders of the names it lists, in a root of the test's own,
   * and a tokenizer; without them it is refused, naming the folder it expected.
   */
  private String withFolders(String preset) throws IOException {
    String root = preset.replaceAll("(?s).*\n  root: (\\S+)\n.*", "$1");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> StudyFile.parse(preset.replace("root: " + root, "root: " + dir.resolve("none")), "preset"));
    assertTrue(missing.getMessage().contains("checkpoints.root: " + dir.resolve("none")), missing.getMessage());
    overtrain.model.ModelConfig tiny = new overtrain.model.ModelConfig(64, 16, 1, 2, 32, 16, true, 10000.0,
        overtrain.model.Parameterization.STANDARD, 16, 0.02);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{path: (\\S+),").matcher(preset);
    int folders = 0;
    while (m.find()) {
      overtrain.checkpoint.Checkpoint.save(dir.resolve("models").resolve(m.group(1)), tiny,
          overtrain.model.OlmoModel.initialize(tiny, 1));
      folders++;
    }
    assertTrue(folders >= 5, "the preset lists its folders: " + folders);
    String tokenizer = preset.replaceAll("(?s).*\n  tokenizer: (\\S+)\n.*", "$1");
    Path tok = dir.resolve(tokenizer.replace(root, "models"));
    Files.createDirectories(tok.getParent());
    Files.writeString(tok, "{}");
    return preset.replace("root: " + root, "root: " + dir.resolve("models"))
        .replace("tokenizer: " + tokenizer, "tokenizer: " + tok);
  }

  @Test
  void thePresetsExpand() throws IOException {
    for (String preset : StudyFile.PRESETS) {
      String text = StudyFile.presetText(preset);
      if (text.contains("\ncheckpoints:")) text = withFolders(text);
      StudyPlan p = StudyFile.parse(text, "preset " + preset);
      assertTrue(p.cells().size() > 10, preset);
      assertEquals(StudyFile.presetText(preset), StudyFile.text(Path.of(preset)), "a preset is named instead of a file");
    }
  }

  @Test
  void reproduceRunsTheStudyThenWritesItsFindingsAndReportAndSaysWhatTheyShow() throws Exception {
    Path file = study("rep", GRID);
    StudyCommandTest.Ran run = StudyCommandTest.overtrain("reproduce", file.toString(), "--workers", "2");
    assertEquals(0, run.code(), run.out() + run.err());
    Path root = dir.resolve("rep");
    for (String f : List.of("report.html", "report.csv", "findings.json")) assertTrue(Files.exists(root.resolve(f)), f);
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.get(0).startsWith("rep: 6/6 cells done in ")
        && lines.get(0).endsWith("report: " + root.resolve("report.html")), lines.get(0));
    assertEquals(6, lines.size(), "where the report is, then five lines: " + run.out());
    assertTrue(lines.get(1).startsWith("  Base models: d16"), lines.get(1));
    assertTrue(lines.get(2).startsWith("  Perturbed, held-out loss: gamma=1: "), lines.get(2));
    assertTrue(lines.get(3).startsWith("  Fine-tuned on cue, held-out loss: lr 1e-3: "), lines.get(3));
    // two budgets: a lowest point between them cannot be told, and the summary says so
    assertEquals("  Inflection (lowest held-out loss after): needs 3 budgets or more; the study has 2.", lines.get(4));
    // two points (two budgets, one seed): no rank correlation, rather than "for 0 of 3"
    assertEquals("  Degradation against budget (Spearman rho): needs 3 points or more (budgets x seeds).", lines.get(5));
    assertTrue(run.err().contains("100% findings and report, done"), run.err());
    String html = Files.readString(root.resolve("report.html"));
    assertTrue(Files.exists(root.resolve("theory/theory.json")) && html.contains("<h2>The theory's inflection points</h2>")
        && html.contains("with the fine-tuning target turned by 50 degrees"), "the theory's points beside the study's");
    for (var figure : overtrain.report.TheoryReport.FIGURES) {
      assertTrue(html.contains("alt=\"" + figure.getKey() + "\" src=\"data:image/png;base64,"), figure.getKey());
    }
    assertTrue(Files.readString(root.resolve("findings.json")).contains("\"d16 | finetune cue tuned\""), "Fig. 6 as data");

    StudyCommandTest.Ran again = StudyCommandTest.overtrain("reproduce", file.toString());
    assertEquals(0, again.code(), again.err());
    assertEquals(lines.subList(1, 6), again.out().lines().toList().subList(1, 6), "the same findings from the same cells");
    StudyDir d = new StudyDir(StudyFile.load(file));
    for (Cell c : d.plan().cells()) assertEquals(1, Studies.completions(d, c.id()), "no cell runs twice: " + c.label());
  }

  @Test
  void reproduceRefusesWhatItCannotRunBeforeAnyWork() throws IOException {
    StudyCommandTest.Ran both = StudyCommandTest.overtrain("reproduce", "--preset", "demo", "x.yaml");
    assertEquals(2, both.code());
    assertTrue(both.err().contains("--preset NAME or a FILE, not both"), both.err());
    StudyCommandTest.Ran unknown = StudyCommandTest.overtrain("reproduce", "--preset", "dmeo");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("no preset 'dmeo'; presets: [demo, cpu, paper, olmo-1b]"), unknown.err());
    Path noData = study("nodata", GRID);
    Files.writeString(noData, Files.readString(noData)
        .replace(dir.resolve("train.npy").toString(), dir.resolve("absent.npy").toString()));
    StudyCommandTest.Ran missing = StudyCommandTest.overtrain("reproduce", noData.toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("data.train " + dir.resolve("absent.npy") + " does not exist, and the study has no prepare:"),
        missing.err());
    assertTrue(!Files.exists(dir.resolve("nodata")), "nothing written");
  }
}
