package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import overtrain.checkpoint.Checkpoint;
import overtrain.data.TokenFile;
import overtrain.io.Configs;
import overtrain.io.Json;
import overtrain.perturb.PerturbationSweep;

/**
 * The {@code perturb:} section: each pre-trained checkpoint under Gaussian noise of every
 * magnitude, in {@code directions} seeded directions, its held-out loss measured on the
 * study's slice. One cell per checkpoint: its perturbations share the loaded model and the
 * held-out windows.
 *
 * <pre>perturb: {gammas: [0.3, 1, 3], directions: 3, seed: 1}</pre>
 */
final class PerturbSection extends GridSection {
  static final String KIND = "perturb";
  private static final Set<String> FIELDS = Set.of("gammas", "directions", "seed");

  @Override
  public List<Cell> expand(JsonNode root, JsonNode section, String where, List<Cell> earlier) {
    StudyFile.onlyFields(section, where, FIELDS);
    List<Double> gammas = numbers(section, "gammas", where, true);
    int directions = StudyFile.intField(section, "directions", 3, 1, where);
    long seed = integers(section, "seed", where, List.of(1L)).get(0);
    List<Cell> cells = new ArrayList<>();
    for (Cell pre : earlier) {
      Base b = Base.of(pre);
      if (b == null) continue;
      StudyData.Measure measure = b.measure();
      // checks the values now, not when the cell runs
      PerturbationSweep.Config sweep = new PerturbationSweep.Config(gammas, directions, seed,
          b.model().maxContext(), measure.batch(), measure.heldoutTokens());
      ObjectNode spec = Json.object();
      spec.set("sweep", Configs.JSON.valueToTree(sweep));
      spec.put("heldout", b.heldout());
      spec.set("model", Configs.JSON.valueToTree(b.model()));
      spec.put("batch", b.batch());
      long scored = measure.heldoutTokens() * (1 + (long) gammas.size() * directions);
      cells.add(Cell.of(KIND, "perturb " + baseLabel(pre),
          List.of(pre.id()), spec, coords(pre, "perturb"), scored, pre.threads()));
    }
    if (cells.isEmpty()) throw new IllegalArgumentException(where + ": needs a pretrain: or checkpoints: section above it");
    return cells;
  }

  @Override
  public Map<String, CellExecutor> executors() {
    return Map.of(KIND, PerturbSection::run);
  }

  @Override
  public Map<String, Estimator> estimators() {
    return Map.of(KIND, Estimates::scoring);
  }

  static CellResult run(Cell cell, CellContext ctx) throws Exception {
    PerturbationSweep.Config sweep = Configs.bind(PerturbationSweep.Config.class, cell.spec().get("sweep"), Map.of());
    Path checkpoint = PretrainSection.checkpoint(ctx, cell.dependsOn().get(0));
    Checkpoint.Loaded ck = Checkpoint.load(checkpoint, (bytes, total) -> {}, Checkpoint.scoringPrecision(checkpoint));
    Path heldoutFile = Path.of(cell.spec().get("heldout").asText());
    TokenFile heldout = TokenFile.open(heldoutFile, ck.config().vocabSize());
    long perMeasurement = sweep.maxTokens() / sweep.context() * sweep.context();
    PerturbationSweep.Result r = PerturbationSweep.run(ck.config(), ck.params(),
        params -> Checkpoint.reload(checkpoint, params), checkpoint.toString(),
        heldout, heldoutFile.toString(), sweep, (done, total) -> ctx.progress(done));
    List<ObjectNode> rows = new ArrayList<>();
    for (PerturbationSweep.Run run : r.runs()) {
      for (String metric : List.of("heldout_loss", "degradation")) {
        ObjectNode row = Json.object();
        row.put("gamma", run.gamma());
        row.put("direction_seed", run.seed());
        row.put("metric", metric);
        row.put("value", metric.equals("heldout_loss") ? run.loss() : run.degradation());
        rows.add(row);
      }
    }
    ObjectNode outputs = Json.object();
    outputs.put("base_loss", r.baseLoss());
    outputs.put("tokens_per_measurement", r.tokens());
    outputs.put("expected_tokens_per_measurement", perMeasurement);
    return new CellResult(rows, outputs);
  }
}
