package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import overtrain.checkpoint.Checkpoint;
import overtrain.data.TokenFile;
import overtrain.io.Configs;
import overtrain.io.Json;
import overtrain.multimodal.MultimodalConfig;
import overtrain.multimodal.MultimodalRun;
import overtrain.multimodal.MultimodalTuner;
import overtrain.tokenizer.Tokenizer;

/**
 * The {@code multimodal:} section, the paper's third post-training: each pre-trained checkpoint
 * (of a {@code pretrain:} run or a {@code checkpoints:} entry) tuned LLaVA's way on an image task folder (stage 1 the projector alone, stage 2 projector and
 * model) at every stage-2 rate in {@code lrs}, measuring after each stage the kind accuracy on
 * held-out images and the held-out loss on the study's slice. Its keys are those of {@code
 * overtrain multimodal tune}'s configuration (encoder, stage1, stage2, eval, seed) plus {@code
 * task} (the folder, {@code data/tasks/fashion_mnist} unless given; {@code overtrain
 * multimodal build} writes it), {@code lrs} and {@code threads}:
 *
 * <pre>multimodal: {task: data/tasks/fashion_mnist, lrs: [1.0e-4, 3.0e-4], stage1: {max_examples: 2000}}</pre>
 *
 * Rows: stage {@code before}, {@code after_stage1} and {@code after} (stage 2), split
 * {@code heldout} (metric heldout_loss) and {@code test} (metric kind_accuracy), {@code lr} the
 * stage-2 rate; findings treat {@code after} as fine-tuning's.
 */
final class MultimodalSection extends GridSection {
  static final String KIND = "multimodal";
  static final String DEFAULT_TASK = "data/tasks/fashion_mnist";
  private static final Set<String> GRID = Set.of("task", "lrs", "threads");

  @Override
  public List<Cell> expand(JsonNode root, JsonNode section, String where, List<Cell> earlier) {
    StudyData study = StudyData.of(root, where.substring(0, where.lastIndexOf(": ")));
    String task = section.path("task").asText(DEFAULT_TASK);
    ObjectNode settings = configPart(section, where, GRID);
    ObjectNode grid = Configs.empty();
    Configs.put(grid, "eval.heldout_tokens", study.measure().heldoutTokens());
    Configs.put(grid, "eval.batch", study.measure().batch());
    MultimodalConfig base = MultimodalConfig.load(List.of(new Configs.Layer(where, settings),
        new Configs.Layer(where + " (study)", grid)));
    List<Double> lrs = section.has("lrs") ? numbers(section, "lrs", where, true) : List.of(base.stage2().lr());
    List<Cell> cells = new ArrayList<>();
    for (Cell pre : earlier) {
      Base b = Base.of(pre);
      if (b == null) continue;
      for (double lr : lrs) {
        MultimodalConfig.Stage s2 = base.stage2();
        MultimodalConfig cfg = new MultimodalConfig(base.encoder(), base.stage1(),
            new MultimodalConfig.Stage(lr, s2.epochs(), s2.batch(), s2.maxExamples(), s2.schedule(), s2.optim()),
            base.eval(), base.seed());
        ObjectNode spec = Json.object();
        spec.put("task", task);
        spec.put("tokenizer", study.data().tokenizer());
        spec.put("heldout", b.heldout());
        spec.set("model", Configs.JSON.valueToTree(b.model()));
        spec.put("batch", b.batch());
        spec.set("config", Configs.JSON.valueToTree(cfg));
        ObjectNode coords = coords(pre, KIND);
        coords.put("task", Path.of(task).getFileName().toString());
        coords.put("lr", lr);
        // training tokens, roughly: examples x epochs x (visual tokens + about 16 of text)
        long examples = Math.max(1, cfg.stage1().maxExamples() > 0 ? cfg.stage1().maxExamples() : 6000) * cfg.stage1().epochs()
            + Math.max(1, s2.maxExamples() > 0 ? s2.maxExamples() : 18000) * (long) s2.epochs();
        long visual = (28L / cfg.encoder().patch()) * (28L / cfg.encoder().patch());
        cells.add(Cell.of(KIND, "multimodal lr " + java.math.BigDecimal.valueOf(lr).stripTrailingZeros().toPlainString() + " " + baseLabel(pre),
            List.of(pre.id()), spec, coords, examples * (visual + 16),
            StudyFile.intField(section, "threads", pre.threads(), 1, where)));
      }
    }
    if (cells.isEmpty()) throw new IllegalArgumentException(where + ": needs a pretrain: or checkpoints: section above it");
    return cells;
  }

  @Override
  public Map<String, CellExecutor> executors() {
    return Map.of(KIND, MultimodalSection::run);
  }

  @Override
  public Map<String, Estimator> estimators() {
    return Map.of(KIND, Estimates::multimodal);
  }

  static CellResult run(Cell cell, CellContext ctx) throws Exception {
    MultimodalConfig cfg = Configs.bind(MultimodalConfig.class, cell.spec().get("config"), Map.of());
    Path task = Path.of(cell.spec().get("task").asText());
    if (!Files.isDirectory(task)) {
      throw new java.io.IOException(task + ": no image task folder here; `overtrain multimodal build --out " + task
          + "` writes the Fashion-MNIST one");
    }
    Path checkpoint = PretrainSection.checkpoint(ctx, cell.dependsOn().get(0));
    Checkpoint.Loaded ck = Checkpoint.load(checkpoint);
    Tokenizer tokenizer = Tokenizer.loadOrNamed(cell.spec().get("tokenizer").asText());
    TokenFile heldout = TokenFile.open(Path.of(cell.spec().get("heldout").asText()), ck.config().vocabSize());
    Path out = ctx.dir().resolve("run");
    MultimodalRun.prepare(out, true); // a rerun after a kill starts afresh
    // progress: each stage as half of the cell's tokens
    MultimodalTuner.Result r = MultimodalRun.run(new MultimodalTuner.Inputs(ck.config(), ck.params(), tokenizer, task, heldout),
        cfg, out, s -> ctx.progress((long) (cell.tokens() * ((s.stage().equals("stage1") ? 0 : 0.5)
            + 0.5 * s.step() / (double) s.totalSteps()))));
    double lr = cfg.stage2().lr();
    List<ObjectNode> rows = new ArrayList<>();
    measure(rows, "before", null, r.before());
    measure(rows, "after_stage1", lr, r.stage1().after());
    measure(rows, "after", lr, r.stage2().after());
    ctx.progress(cell.tokens());
    ObjectNode outputs = Json.object();
    outputs.put("stage1_kept_model_bits", r.stage1KeptModelBits());
    outputs.put("stage1_steps", r.stage1().steps());
    outputs.put("stage2_steps", r.stage2().steps());
    outputs.put("encoder_variance_explained", r.encoder().varianceExplained());
    outputs.put("encoder_nearest_centroid_accuracy", r.encoder().nearestCentroidAccuracy());
    return new CellResult(rows, outputs);
  }

  private static void measure(List<ObjectNode> rows, String stage, Double lr, MultimodalTuner.Measure m) {
    rows.add(row(stage, lr, "test", "kind_accuracy", m.kindAccuracy()));
    rows.add(row(stage, lr, "heldout", "heldout_loss", m.heldoutLoss()));
  }

  private static ObjectNode row(String stage, Double lr, String split, String metric, double value) {
    ObjectNode r = Json.object();
    r.put("stage", stage);
    if (lr != null) r.put("lr", lr);
    r.put("split", split);
    r.put("metric", metric);
    r.put("value", value);
    return r;
  }
}
