package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import overtrain.checkpoint.Checkpoint;
import overtrain.checkpoint.HfConfig;
import overtrain.io.Configs;
import overtrain.io.Json;
import overtrain.model.ModelConfig;

/**
 * The {@code checkpoints:} section: the budget axis as checkpoints that exist already (a
 * published model's intermediate revisions, say), each with the tokens it was pre-trained on,
 * in place of {@code pretrain:}'s runs. Each becomes a cell that scores the folder on the
 * study's held-out slice; {@code perturb:} and {@code finetune:} build on these cells as on
 * pre-training runs, and the findings and the report draw them against their token counts.
 *
 * <pre>
 * checkpoints:
 *   model: OLMo-1B                  # the series' name in the results and the report
 *   root: models/OLMo-1B            # where the folders are (default: the working directory)
 *   list:
 *     - {path: step20000-tokens84B, tokens: 84B}    # or a whole number: 83886080000
 *     - {path: step738020-tokens3094B, tokens: 3095500000000, seed: 1}
 * </pre>
 *
 * Every folder is checked when the file is read, before any cell runs: it must be a Hugging
 * Face model folder whose {@code config.json} loads and whose weights are there. A cell's spec
 * holds the folder's path, its config and the size of its weights: a folder replaced by
 * another of the same path and size is not noticed.
 */
final class CheckpointsSection extends GridSection {
  static final String KIND = "checkpoint";
  private static final Set<String> FIELDS = Set.of("model", "root", "list", "threads");
  private static final Set<String> ENTRY = Set.of("path", "tokens", "seed");

  @Override
  public List<Cell> expand(JsonNode root, JsonNode section, String where, List<Cell> earlier) {
    StudyData study = StudyData.of(root, where.substring(0, where.lastIndexOf(": ")));
    StudyFile.onlyFields(section, where, FIELDS);
    String model = section.path("model").asText("");
    if (!section.path("model").isTextual() || model.isBlank()) {
      throw new IllegalArgumentException(where + ".model: expected the checkpoints' name (e.g. model: OLMo-1B), got "
          + section.get("model"));
    }
    JsonNode rootNode = section.get("root");
    if (rootNode != null && !rootNode.isTextual()) {
      throw new IllegalArgumentException(where + ".root: expected a folder, got " + rootNode);
    }
    Path base = Path.of(rootNode == null ? "" : rootNode.asText());
    if (rootNode != null && !Files.isDirectory(base)) {
      throw new IllegalArgumentException(where + ".root: " + base.toAbsolutePath().normalize()
          + " is not a folder; expected the folder that holds the checkpoints' folders");
    }
    JsonNode list = section.get("list");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException(where + ".list: expected a list of {path, tokens}, got " + list);
    }
    int threads = StudyFile.intField(section, "threads", 1, 1, where);
    List<Cell> cells = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String at = where + ".list[" + i + "]";
      JsonNode e = list.get(i);
      StudyFile.onlyFields(e, at, ENTRY);
      if (!e.path("path").isTextual() || e.path("path").asText().isBlank()) {
        throw new IllegalArgumentException(at + ".path: expected a checkpoint folder, got " + e.get("path"));
      }
      Path folder = base.resolve(e.get("path").asText()).normalize();
      long tokens = tokens(e.get("tokens"), at + ".tokens");
      long seed = integers(e, "seed", at, List.of(1L)).get(0);
      ModelConfig config = checkFolder(folder, at + ".path");
      String previous = seen.put(tokens + "/" + seed, at);
      if (previous != null) {
        throw new IllegalArgumentException(at + ".tokens: " + tokens + " (seed " + seed + ") is also "
            + previous + "'s; each checkpoint needs its own token count");
      }
      ObjectNode spec = Json.object();
      spec.put("checkpoint", folder.toString());
      spec.put("weights_bytes", weightBytes(folder));
      spec.set("model", Configs.JSON.valueToTree(config));
      spec.put("heldout", study.data().heldout());
      spec.set("measure", Configs.JSON.valueToTree(study.measure()));
      spec.put("batch", study.measure().batch());
      long params = config.nonEmbeddingParameters();
      ObjectNode coords = Json.object();
      coords.put("model", model);
      coords.put("non_embedding_parameters", params);
      coords.put("budget", tokens);
      coords.put("tokens_per_parameter", Math.round(10.0 * tokens / params) / 10.0);
      coords.put("pretrain_seed", seed);
      coords.put("checkpoint", folder.getFileName() == null ? folder.toString() : folder.getFileName().toString());
      cells.add(Cell.of(KIND, String.format("checkpoint %s %s (%s tokens)", model,
          coords.get("checkpoint").asText(), Estimates.tokens(tokens)), List.of(), spec, coords,
          study.measure().heldoutTokens(), threads));
    }
    // prepare: would train a tokenizer where data.tokenizer is missing; these models have theirs
    if (root.has("prepare") && !Files.isRegularFile(Path.of(study.data().tokenizer()))) {
      throw new IllegalArgumentException(where.substring(0, where.lastIndexOf(": ")) + ": data.tokenizer: "
          + Path.of(study.data().tokenizer()).toAbsolutePath() + " does not exist; expected the checkpoints'"
          + " own tokenizer.json, which prepare: tokenizes the corpus with");
    }
    return cells;
  }

  /**
   * A token count: a whole number, or one with a suffix as checkpoint names write them
   * ({@code 84B}, {@code 1.5T}; K, M, B and T are powers of 1000).
   */
  static long tokens(JsonNode n, String where) {
    String expected = "expected the tokens the checkpoint was pre-trained on, a whole number or one"
        + " with K, M, B or T (e.g. 84B), got ";
    double v;
    if (n == null) throw new IllegalArgumentException(where + " is required: " + expected + "nothing");
    if (n.isNumber()) {
      v = n.asDouble();
    } else if (n.isTextual() && n.asText().strip().matches("(?i)[0-9]+(\\.[0-9]+)?[KMBT]?")) {
      String s = n.asText().strip().toUpperCase(Locale.ROOT);
      char last = s.charAt(s.length() - 1);
      int power = "KMBT".indexOf(last) + 1;
      v = Double.parseDouble(power == 0 ? s : s.substring(0, s.length() - 1)) * Math.pow(1000, power);
    } else {
      throw new IllegalArgumentException(where + ": " + expected + n);
    }
    if (!(v >= 1) || v > Long.MAX_VALUE / 2 || v != Math.rint(v)) {
      throw new IllegalArgumentException(where + ": " + expected + n);
    }
    return (long) v;
  }

  /** The folder's config, read as loading will read it; errors name {@code where} and the folder. */
  private static ModelConfig checkFolder(Path folder, String where) {
    String expected = "; expected a Hugging Face model folder (" + Checkpoint.CONFIG + " and "
        + Checkpoint.MODEL + " or " + Checkpoint.MODEL_INDEX + ")";
    Path abs = folder.toAbsolutePath();
    if (!Files.isDirectory(folder)) throw new IllegalArgumentException(where + ": " + abs + " is not a folder" + expected);
    if (!Files.isRegularFile(folder.resolve(Checkpoint.CONFIG))) {
      throw new IllegalArgumentException(where + ": " + abs + " has no " + Checkpoint.CONFIG + expected);
    }
    if (!Files.isRegularFile(folder.resolve(Checkpoint.MODEL)) && !Files.isRegularFile(folder.resolve(Checkpoint.MODEL_INDEX))) {
      throw new IllegalArgumentException(where + ": " + abs + " has no weights" + expected);
    }
    try {
      return HfConfig.read(folder.resolve(Checkpoint.CONFIG));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** The bytes of the folder's weight files: a cheap sign that the folder is the one planned. */
  private static long weightBytes(Path folder) {
    try (var files = Files.list(folder)) {
      long bytes = 0;
      for (Path f : files.toList()) {
        if (f.getFileName().toString().endsWith(".safetensors")) bytes += Files.size(f);
      }
      return bytes;
    } catch (IOException e) {
      throw new IllegalArgumentException(folder + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, CellExecutor> executors() {
    return Map.of(KIND, CheckpointsSection::run);
  }

  @Override
  public Map<String, Estimator> estimators() {
    return Map.of(KIND, Estimates::scoring);
  }

  /** Scores the folder on the study's held-out slice; its path is the cell's checkpoint. */
  static CellResult run(Cell cell, CellContext ctx) throws Exception {
    Path folder = Path.of(cell.spec().get("checkpoint").asText()).toAbsolutePath();
    StudyData.Measure measure = Configs.bind(StudyData.Measure.class, cell.spec().get("measure"), Map.of());
    double heldout = PretrainSection.heldoutLoss(folder, Path.of(cell.spec().get("heldout").asText()), measure);
    ctx.progress(cell.tokens());
    ObjectNode row = Json.object();
    row.put("modification", "none");
    row.put("metric", "heldout_loss");
    row.put("value", heldout);
    ObjectNode outputs = Json.object();
    outputs.put("checkpoint", folder.toString());
    return new CellResult(List.of(row), outputs);
  }
}
