package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import overtrain.checkpoint.Checkpoint;
import overtrain.data.TokenFile;
import overtrain.eval.TokenLoss;
import overtrain.io.Configs;
import overtrain.io.Json;
import overtrain.model.OlmoModel;
import overtrain.train.TrainConfig;
import overtrain.train.Trainer;

/**
 * The {@code pretrain:} section: one run per model size, token budget and seed, each annealed
 * to zero at its own budget (the paper trains a run per budget, not intermediate checkpoints).
 * Its keys are those of {@code overtrain pretrain}'s configuration (model, lr, optim,
 * schedule, data.batch, data.order, ...) plus the grid's:
 *
 * <pre>
 * pretrain:
 *   models: {d32: {hidden_size: 32, num_heads: 2}}   # each laid over the section's model:
 *   tokens_per_parameter: [250, 1000, 4000]          # or budgets: [tokens, ...]
 *   seeds: [1, 2, 3]
 *   threads: 1                                       # engine threads per run
 *   checkpoints: 4                                   # resumable checkpoints per run
 *   model: {vocab_size: 4096, num_layers: 2, max_context: 128}
 *   lr: 1.0e-2
 * </pre>
 *
 * Every run trains on {@code data.train} and is scored, at its end, on the study's held-out
 * slice ({@link StudyData}).
 */
final class PretrainSection extends GridSection {
  static final String KIND = "pretrain";
  static final String TRUNK = "pretrain-trunk";
  /** The schedule name that makes one constant-rate trunk and a decay branch per budget. */
  static final String BRANCHES = "wsd-branches";
  private static final Set<String> GRID = Set.of("models", "budgets", "tokens_per_parameter", "seeds",
      "threads", "checkpoints");

  @Override
  public List<Cell> expand(JsonNode root, JsonNode section, String where, List<Cell> earlier) {
    StudyData study = StudyData.of(root, where.substring(0, where.lastIndexOf(": ")));
    ObjectNode base = configPart(section, where, GRID);
    Map<String, ObjectNode> models = new LinkedHashMap<>();
    JsonNode m = section.get("models");
    if (m == null) {
      models.put("model", Configs.empty());
    } else {
      if (!m.isObject() || m.isEmpty()) {
        throw new IllegalArgumentException(where + ".models: expected a mapping of names to model settings");
      }
      m.fields().forEachRemaining(e -> {
        if (!e.getValue().isObject()) {
          throw new IllegalArgumentException(where + ".models." + e.getKey() + ": expected model settings");
        }
        models.put(e.getKey(), (ObjectNode) e.getValue());
      });
    }
    List<Long> budgets = integers(section, "budgets", where, List.of());
    List<Double> perParameter = numbers(section, "tokens_per_parameter", where, false);
    if (budgets.isEmpty() == perParameter.isEmpty()) {
      throw new IllegalArgumentException(where + ": give budgets (tokens) or tokens_per_parameter, one of the two");
    }
    List<Long> seeds = integers(section, "seeds", where, List.of(1L));
    int threads = StudyFile.intField(section, "threads", 1, 1, where);
    int checkpoints = StudyFile.intField(section, "checkpoints", 4, 1, where);
    long trainTokens = tokensIn(Path.of(study.data().train()));

    boolean branches = BRANCHES.equals(base.path("schedule").path("name").asText());
    if (branches) {
      if (base.path("schedule").path("warmup_fraction").asDouble() > 0) {
        throw new IllegalArgumentException(where + ".schedule: " + BRANCHES + " needs warmup_steps, not "
            + "warmup_fraction: a fraction of each branch's steps would give each branch another warmup");
      }
      ((ObjectNode) base.get("schedule")).put("name", "wsd");
    }
    List<Cell> cells = new ArrayList<>();
    for (Map.Entry<String, ObjectNode> model : models.entrySet()) {
      List<Long> tokens = new ArrayList<>(budgets);
      for (double tpp : perParameter) {
        TrainConfig probe = config(base, model.getValue(), study, 1, 1, 0, where);
        tokens.add(Math.round(tpp * probe.model().nonEmbeddingParameters()));
      }
      Map<Long, Cell> trunks = new LinkedHashMap<>();
      if (branches) {
        for (long seed : seeds) {
          Cell trunk = trunk(base, model, study, tokens, seed, checkpoints, threads, where);
          trunks.put(seed, trunk);
          cells.add(trunk);
        }
      }
      for (long budget : tokens) {
        for (long seed : seeds) {
          TrainConfig probe = config(base, model.getValue(), study, budget, seed, 0, where);
          long every = Math.max(1, probe.totalSteps() / checkpoints);
          TrainConfig config = config(base, model.getValue(), study, budget, seed, every, where);
          long params = config.model().nonEmbeddingParameters();
          ObjectNode spec = Json.object();
          spec.set("config", Configs.JSON.valueToTree(config));
          spec.set("measure", Configs.JSON.valueToTree(study.measure()));
          List<String> deps = List.of();
          if (branches) {
            Cell trunk = trunks.get(seed);
            spec.put("branch_from", trunk.id());
            spec.put("branch_step", branchStep(config));
            deps = List.of(trunk.id());
          }
          ObjectNode coords = Json.object();
          coords.put("model", model.getKey());
          coords.put("non_embedding_parameters", params);
          coords.put("budget", budget);
          coords.put("tokens_per_parameter", Math.round(10.0 * budget / params) / 10.0);
          coords.put("pretrain_seed", seed);
          coords.put("schedule", branches ? BRANCHES : config.schedule().name());
          String epochs = trainTokens > 0 && budget > trainTokens
              ? String.format(" (%.2f epochs: repeats data)", (double) budget / trainTokens) : "";
          cells.add(Cell.of(KIND, String.format("pretrain %s budget=%s seed=%d%s", model.getKey(),
              Estimates.tokens(budget), seed, epochs), deps, spec, coords,
              branches ? budget - branchStep(config) * config.tokensPerStep() : budget, threads));
        }
      }
    }
    return cells;
  }

  /**
   * The constant-rate trunk of one model and seed for {@code schedule: wsd-branches}: trained
   * to the latest branch point, with a checkpoint at each budget's.
   */
  private static Cell trunk(ObjectNode base, Map.Entry<String, ObjectNode> model, StudyData study,
      List<Long> budgets, long seed, int checkpoints, int threads, String where) {
    List<Long> at = new ArrayList<>();
    long tokensPerStep = 0;
    for (long budget : budgets) {
      TrainConfig branch = config(base, model.getValue(), study, budget, seed, 0, where);
      tokensPerStep = branch.tokensPerStep();
      at.add(branchStep(branch) * tokensPerStep);
    }
    long length = at.stream().mapToLong(Long::longValue).max().orElseThrow();
    ObjectNode trunk = base.deepCopy();
    ((ObjectNode) trunk.get("schedule")).put("name", "constant");
    TrainConfig probe = config(trunk, model.getValue(), study, length, seed, 0, where);
    ObjectNode grid = Configs.empty();
    Configs.put(grid, "checkpoint.at", at);
    Configs.put(grid, "checkpoint.every", Math.max(1, probe.totalSteps() / checkpoints));
    TrainConfig config = TrainConfig.load(List.of(new Configs.Layer(where, trunk),
        new Configs.Layer(where + " (grid)", gridOf(model.getValue(), study, length, seed)),
        new Configs.Layer(where + " (trunk)", grid)));
    ObjectNode spec = Json.object();
    spec.set("config", Configs.JSON.valueToTree(config));
    ObjectNode coords = Json.object();
    coords.put("model", model.getKey());
    coords.put("pretrain_seed", seed);
    coords.put("schedule", BRANCHES);
    return Cell.of(TRUNK, String.format("trunk %s to %s seed=%d", model.getKey(), Estimates.tokens(length), seed),
        List.of(), spec, coords, length, threads);
  }

  /** Where a warmup-stable-decay run leaves its constant rate: its decay's first step. */
  static long branchStep(TrainConfig c) {
    long total = c.totalSteps();
    long decay = Math.max(1, Math.round(total * c.schedule().decayFraction()));
    return Math.max(c.schedule().warmup(total), total - decay);
  }

  private static ObjectNode gridOf(ObjectNode model, StudyData study, long budget, long seed) {
    ObjectNode grid = Configs.empty();
    grid.set("model", model);
    Configs.put(grid, "tokens", budget);
    Configs.put(grid, "seed", seed);
    Configs.put(grid, "data.train", study.data().train());
    Configs.put(grid, "data.heldout", study.data().heldout());
    Configs.put(grid, "eval.tokens", study.measure().heldoutTokens());
    return grid;
  }

  private static TrainConfig config(ObjectNode base, ObjectNode model, StudyData study, long budget,
      long seed, long checkpointEvery, String where) {
    ObjectNode grid = gridOf(model, study, budget, seed);
    if (checkpointEvery > 0) Configs.put(grid, "checkpoint.every", checkpointEvery);
    return TrainConfig.load(List.of(new Configs.Layer(where, base), new Configs.Layer(where + " (grid)", grid)));
  }

  /** Tokens in a token file, or 0 when it is not there yet (a study plans before its data exist). */
  static long tokensIn(Path file) {
    if (!Files.isRegularFile(file)) return 0;
    try {
      return TokenFile.open(file, Integer.MAX_VALUE).length();
    } catch (Exception e) {
      return 0;
    }
  }

  @Override
  public Map<String, CellExecutor> executors() {
    return Map.of(KIND, PretrainSection::run, TRUNK, PretrainSection::runTrunk);
  }

  @Override
  public Map<String, Estimator> estimators() {
    return Map.of(KIND, Estimates::pretrain, TRUNK, Estimates::pretrain);
  }

  /** Trains (resuming from the cell's last checkpoint), then scores the study's held-out slice. */
  static CellResult run(Cell cell, CellContext ctx) throws Exception {
    TrainConfig config = Configs.bind(TrainConfig.class, cell.spec().get("config"), Map.of());
    StudyData.Measure measure = Configs.bind(StudyData.Measure.class, cell.spec().get("measure"), Map.of());
    Path run = ctx.dir().resolve("run");
    long startTokens = 0;
    if (cell.spec().has("branch_from")) {
      long step = cell.spec().get("branch_step").asLong();
      startTokens = step * config.tokensPerStep();
      Path trunk = ctx.dirOf(cell.spec().get("branch_from").asText()).resolve("run");
      Trainer.branchFrom(Trainer.checkpointDir(trunk, step), config, run);
    }
    long before = startTokens;
    Trainer.Result r = new Trainer(config, run, false, (rec, total) -> ctx.progress(rec.tokens() - before)).run();
    double heldout = heldoutLoss(r.checkpoint(), Path.of(config.data().heldout()), measure);
    ObjectNode row = Json.object();
    row.put("modification", "none");
    row.put("metric", "heldout_loss");
    row.put("value", heldout);
    ObjectNode outputs = Json.object();
    outputs.put("checkpoint", ctx.dir().relativize(r.checkpoint().toAbsolutePath()).toString());
    outputs.put("steps", r.steps());
    outputs.put("tokens", r.tokens());
    outputs.put("epochs", r.epochs());
    return new CellResult(List.of(row), outputs);
  }

  /** A constant-rate trunk: trained, with a checkpoint at each branch point; nothing measured. */
  static CellResult runTrunk(Cell cell, CellContext ctx) throws Exception {
    TrainConfig config = Configs.bind(TrainConfig.class, cell.spec().get("config"), Map.of());
    Trainer.Result r = new Trainer(config, ctx.dir().resolve("run"), false,
        (rec, total) -> ctx.progress(rec.tokens())).run();
    ObjectNode outputs = Json.object();
    outputs.put("steps", r.steps());
    outputs.put("epochs", r.epochs());
    return new CellResult(List.of(), outputs);
  }

  /** The final checkpoint of a finished pretrain cell, from its folder and result. */
  static Path checkpoint(CellContext ctx, String pretrainCell) throws java.io.IOException {
    return ctx.dirOf(pretrainCell).resolve(ctx.resultOf(pretrainCell).path("outputs").path("checkpoint").asText());
  }

  static double heldoutLoss(Path checkpoint, Path heldoutFile, StudyData.Measure measure) throws java.io.IOException {
    Checkpoint.Loaded ck = Checkpoint.load(checkpoint);
    TokenFile heldout = TokenFile.open(heldoutFile, ck.config().vocabSize());
    return TokenLoss.evaluate(new OlmoModel(ck.config(), ck.params()), heldout, ck.config().maxContext(),
        measure.batch(), measure.heldoutTokens()).loss();
  }
}
