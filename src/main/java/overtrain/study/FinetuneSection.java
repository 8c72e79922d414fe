package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import overtrain.checkpoint.Checkpoint;
import overtrain.checkpoint.HfConfig;
import overtrain.data.TokenFile;
import overtrain.eval.TaskEvaluation;
import overtrain.finetune.Monitor;
import overtrain.finetune.Sweep;
import overtrain.finetune.SweepConfig;
import overtrain.finetune.SweepResult;
import overtrain.io.Configs;
import overtrain.io.Json;
import overtrain.tasks.Task;
import overtrain.tokenizer.Tokenizer;

/**
 * The {@code finetune:} section: each pre-trained checkpoint fine-tuned on each task at every
 * learning rate, each rate's model scored on the validation and test splits and on the
 * study's held-out slice (the fixed-rate experiment needs them all; the rate that validation
 * chooses is the tuned-rate experiment). One cell per checkpoint and task, so the checkpoint's
 * own scores ("before") are measured once. Its keys are those of {@code overtrain finetune}'s
 * configuration (lr, epochs, batch, schedule, optim, l2_to_init, seed, max_train_examples,
 * eval) plus {@code tasks} and {@code threads}:
 *
 * <pre>finetune: {tasks: [python_stdlib], lr: [1.0e-4, 1.0e-3], epochs: 1, max_train_examples: 2000}</pre>
 */
final class FinetuneSection extends GridSection {
  static final String KIND = "finetune";
  private static final Set<String> GRID = Set.of("tasks", "threads");

  @Override
  public List<Cell> expand(JsonNode root, JsonNode section, String where, List<Cell> earlier) {
    StudyData study = StudyData.of(root, where.substring(0, where.lastIndexOf(": ")));
    JsonNode tasks = section.get("tasks");
    if (tasks == null || !tasks.isArray() || tasks.isEmpty()) {
      throw new IllegalArgumentException(where + ".tasks: expected a list of task names or folders");
    }
    ObjectNode settings = configPart(section, where, GRID);
    // every rate scored on test, on the study's held-out slice
    ObjectNode grid = Configs.empty();
    Configs.put(grid, "eval.test_every_rate", true);
    Configs.put(grid, "eval.heldout_tokens", study.measure().heldoutTokens());
    Configs.put(grid, "eval.batch", study.measure().batch());
    SweepConfig sweep = SweepConfig.load(List.of(new Configs.Layer(where, settings),
        new Configs.Layer(where + " (study)", grid)));
    List<Cell> cells = new ArrayList<>();
    for (Cell pre : earlier) {
      Base b = Base.of(pre);
      if (b == null) continue;
      for (Iterator<JsonNode> it = tasks.elements(); it.hasNext(); ) {
        String task = it.next().asText();
        ObjectNode spec = Json.object();
        spec.put("task", task);
        spec.put("tasks_dir", study.data().tasksDir());
        spec.put("tokenizer", study.data().tokenizer());
        spec.put("heldout", b.heldout());
        spec.set("model", Configs.JSON.valueToTree(b.model()));
        spec.put("batch", b.batch());
        spec.set("sweep", Configs.JSON.valueToTree(sweep));
        ObjectNode coords = coords(pre, "finetune");
        coords.put("task", task);
        long trained = (long) sweep.lr().size() * sweep.epochs()
            * Math.max(1, sweep.maxTrainExamples() > 0 ? sweep.maxTrainExamples() : 1000)
            * b.model().maxContext();
        cells.add(Cell.of(KIND, "finetune " + task + " " + baseLabel(pre),
            List.of(pre.id()), spec, coords, trained, StudyFile.intField(section, "threads", pre.threads(), 1, where)));
      }
    }
    if (cells.isEmpty()) throw new IllegalArgumentException(where + ": needs a pretrain: or checkpoints: section above it");
    return cells;
  }

  @Override
  public Map<String, CellExecutor> executors() {
    return Map.of(KIND, FinetuneSection::run);
  }

  @Override
  public Map<String, Estimator> estimators() {
    return Map.of(KIND, Estimates::finetune);
  }

  static CellResult run(Cell cell, CellContext ctx) throws Exception {
    SweepConfig sweep = Configs.bind(SweepConfig.class, cell.spec().get("sweep"), Map.of());
    Path checkpoint = PretrainSection.checkpoint(ctx, cell.dependsOn().get(0));
    Sweep.checkFits(HfConfig.read(checkpoint.resolve(Checkpoint.CONFIG)), sweep); // before the weights are read
    Checkpoint.Loaded ck = Checkpoint.load(checkpoint);
    String tokenizerSource = cell.spec().get("tokenizer").asText();
    Tokenizer tokenizer = Tokenizer.loadOrNamed(tokenizerSource);
    Task task = Task.resolve(cell.spec().get("task").asText(), Path.of(cell.spec().get("tasks_dir").asText()));
    TokenFile heldout = TokenFile.open(Path.of(cell.spec().get("heldout").asText()), ck.config().vocabSize());
    Sweep.Inputs inputs = new Sweep.Inputs(checkpoint, ck.config(), ck.params(), tokenizer, tokenizerSource,
        task, heldout);
    Path out = ctx.dir().resolve("sweep");
    Sweep.prepareOutput(out, true); // a rerun after a kill starts the sweep afresh
    SweepResult r = new Sweep(inputs, sweep, trainingProgress(cell, ctx, sweep.lr().size())).run(out);
    List<ObjectNode> rows = new ArrayList<>();
    taskRows(rows, null, "validation", r.before().validation());
    taskRows(rows, null, "test", r.before().test());
    lossRow(rows, null, r.before().heldout().loss());
    for (SweepResult.Run run : r.runs()) {
      taskRows(rows, run.lr(), "validation", run.validation());
      taskRows(rows, run.lr(), "test", run.test());
      lossRow(rows, run.lr(), run.heldout().loss());
      ObjectNode loss = Json.object();
      loss.put("stage", "after");
      loss.put("lr", run.lr());
      loss.put("split", "train");
      loss.put("metric", "final_train_loss");
      loss.put("value", run.finalTrainLoss());
      rows.add(loss);
    }
    ObjectNode chosen = Json.object();
    chosen.put("metric", "chosen_lr");
    chosen.put("value", r.bestLr());
    rows.add(chosen);
    ctx.progress(cell.tokens());
    ObjectNode outputs = Json.object();
    outputs.put("train_examples", r.trainExamples());
    outputs.put("train_truncated", r.trainTruncated());
    outputs.put("best_lr", r.bestLr());
    return new CellResult(rows, outputs);
  }

  /**
   * The cell's progress as the share of its rates' training steps done (scoring between them
   * is left out: it is short beside the training), so that a study's bar moves within a cell
   * that takes minutes.
   */
  private static Monitor trainingProgress(Cell cell, CellContext ctx, int rates) {
    return new Monitor() {
      private int ratesBegun;
      private long total, done;
      private boolean training;

      @Override
      public void begin(String phase, long units) {
        training = phase.startsWith(Sweep.TRAINING_PHASE);
        if (!training) return;
        ratesBegun++;
        total = Math.max(1, units);
        done = 0;
      }

      @Override
      public void advance(long units) {
        if (!training) return;
        done += units;
        double share = (ratesBegun - 1 + Math.min(1.0, (double) done / total)) / rates;
        // the last bit waits for the cell's end, after its last scores
        ctx.progress((long) (0.95 * share * cell.tokens()));
      }

      @Override
      public void end(String summary) {
        training = false;
      }
    };
  }

  /** One row per number the task's metrics report ({@code lr} null: before fine-tuning). */
  private static void taskRows(List<ObjectNode> rows, Double lr, String split, TaskEvaluation e) {
    JsonNode metrics = Configs.JSON.valueToTree(e.metrics());
    for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getValue().isNumber() || f.getValue().isIntegralNumber()) continue; // counts are not metrics
      ObjectNode row = Json.object();
      row.put("stage", lr == null ? "before" : "after");
      if (lr != null) row.put("lr", lr);
      row.put("split", split);
      row.put("metric", f.getKey());
      row.put("value", f.getValue().asDouble());
      rows.add(row);
    }
  }

  private static void lossRow(List<ObjectNode> rows, Double lr, double loss) {
    ObjectNode row = Json.object();
    row.put("stage", lr == null ? "before" : "after");
    if (lr != null) row.put("lr", lr);
    row.put("split", "heldout");
    row.put("metric", "heldout_loss");
    row.put("value", loss);
    rows.add(row);
  }
}
