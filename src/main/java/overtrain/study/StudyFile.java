package overtrain.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import overtrain.io.Json;

/**
 * A study file (YAML): {@code name:}, optional {@code dir:} (default {@code runs/<name>},
 * relative to the working directory), settings such as {@code claim_timeout:} (seconds), and
 * sections, each expanded into cells by the {@link Section} registered under its name.
 */
public final class StudyFile {

  /** Turns one section of a study file into cells, and says how to run them. */
  public interface Section {
    /**
     * The section's cells. {@code earlier} holds the cells of the sections above it in the
     * file, which these may depend on. Bad values throw {@link IllegalArgumentException}
     * naming {@code where} (the file and the section) and the field.
     */
    List<Cell> expand(JsonNode section, String where, List<Cell> earlier);

    /** The same, for sections that also read the file's shared keys ({@code data:}, {@code measure:}). */
    default List<Cell> expand(JsonNode root, JsonNode section, String where, List<Cell> earlier) {
      return expand(section, where, earlier);
    }

    /** An executor per cell kind the section makes. */
    Map<String, CellExecutor> executors();

    /** Seconds per cell, per kind, where the section knows. */
    default Map<String, Estimator> estimators() {
      return Map.of();
    }
  }

  /** Top-level keys that are settings of the whole study, not sections. */
  private static final Set<String> SETTINGS = Set.of("name", "dir", "claim_timeout", "prepare", "data", "measure");

  /** Section name to expander, in the order the sections are expanded. */
  private static final Map<String, Section> SECTIONS = new LinkedHashMap<>();

  static {
    SECTIONS.put("selftest", new Selftest());
    SECTIONS.put("pretrain", new PretrainSection());
    SECTIONS.put("checkpoints", new CheckpointsSection());
    SECTIONS.put("perturb", new PerturbSection());
    SECTIONS.put("finetune", new FinetuneSection());
    SECTIONS.put("multimodal", new MultimodalSection());
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private StudyFile() {}

  /** Reads and expands {@code yaml}. */
  public static StudyPlan load(Path yaml) throws IOException {
    return parse(text(yaml), isPreset(yaml) ? "preset " + yaml : yaml.toString());
  }

  /** The text of a study file, or of the preset it names where no file has that name. */
  public static String text(Path yaml) throws IOException {
    return isPreset(yaml) ? presetText(yaml.toString()) : Files.readString(yaml);
  }

  private static boolean isPreset(Path yaml) {
    return !Files.exists(yaml) && PRESETS.contains(yaml.toString());
  }

  /**
   * The studies that ship with overtrain, loaded by name where no file of that name exists:
   * {@code demo} (minutes on 2 cores), {@code cpu} (the CPU-scale reproduction) and
   * {@code paper} (the paper's setup, for a cluster) and {@code olmo-1b} (OLMo-1B's published
   * revisions as the budget axis, for whoever has their folders).
   */
  public static final List<String> PRESETS = List.of("demo", "cpu", "paper", "olmo-1b");

  /** A preset's text, to start a study file of one's own from. */
  public static String presetText(String name) throws IOException {
    if (!PRESETS.contains(name)) throw new IllegalArgumentException("no preset '" + name + "'; presets: " + PRESETS);
    try (var in = StudyFile.class.getResourceAsStream("/overtrain/studies/" + name + ".yaml")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** Expands a study file's text; {@code source} names it in messages. */
  public static StudyPlan parse(String text, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new IllegalArgumentException(source + at + ": not valid YAML: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ": expected a mapping with name: and sections");
    }
    List<String> keys = new ArrayList<>();
    root.fieldNames().forEachRemaining(keys::add);
    for (String k : keys) {
      if (!SETTINGS.contains(k) && !SECTIONS.containsKey(k)) {
        List<String> known = new ArrayList<>(SETTINGS);
        known.addAll(SECTIONS.keySet());
        Collections.sort(known);
        throw new IllegalArgumentException(source + ": unknown key '" + k + "'; expected one of " + known);
      }
    }
    JsonNode nameNode = root.get("name");
    if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()) {
      throw new IllegalArgumentException(source + ": name: is required (a word, e.g. name: sweep1)");
    }
    String name = nameNode.asText();
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(source + ": name: '" + name
          + "' must be letters, digits, '.', '_' or '-' (it names folders and Slurm jobs)");
    }
    JsonNode dirNode = root.get("dir");
    if (dirNode != null && !dirNode.isTextual()) {
      throw new IllegalArgumentException(source + ": dir: expected a path, got " + dirNode);
    }
    Path dir = Path.of("").toAbsolutePath()
        .resolve(dirNode == null ? "runs/" + name : dirNode.asText()).normalize();
    JsonNode timeout = root.get("claim_timeout");
    if (timeout != null && (!timeout.isNumber() || timeout.asDouble() <= 0)) {
      throw new IllegalArgumentException(source + ": claim_timeout: expected seconds > 0, got " + timeout);
    }
    ObjectNode settings = Json.object();
    for (String k : keys) if (SETTINGS.contains(k)) settings.set(k, root.get(k));
    ObjectNode prepare = Preparation.resolve(root, source);
    if (prepare != null) settings.set("prepare", prepare);

    List<Cell> cells = new ArrayList<>();
    Map<String, CellExecutor> executors = new HashMap<>();
    Map<String, Estimator> estimators = new HashMap<>();
    for (Map.Entry<String, Section> e : SECTIONS.entrySet()) {
      JsonNode section = root.get(e.getKey());
      if (section == null) continue;
      cells.addAll(e.getValue().expand(root, section, source + ": " + e.getKey(), List.copyOf(cells)));
      executors.putAll(e.getValue().executors());
      estimators.putAll(e.getValue().estimators());
    }
    if (cells.isEmpty()) {
      throw new IllegalArgumentException(source + ": no cells; add a section, one of " + SECTIONS.keySet());
    }
    return new StudyPlan(name, dir, settings, cells, executors, estimators);
  }

  /** Section names the loader knows, in expansion order. */
  public static Set<String> sections() {
    return Collections.unmodifiableSet(SECTIONS.keySet());
  }

  /** An integer field of a section, with its bounds checked. */
  static int intField(JsonNode section, String field, int dflt, int min, String where) {
    JsonNode n = section.get(field);
    if (n == null) return dflt;
    if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < min) {
      throw new IllegalArgumentException(where + "." + field + ": expected an integer >= " + min + ", got " + n);
    }
    return n.asInt();
  }

  /** A number field of a section, checked to be > 0. */
  static double positiveField(JsonNode section, String field, double dflt, String where) {
    JsonNode n = section.get(field);
    if (n == null) return dflt;
    if (!n.isNumber() || !(n.asDouble() > 0)) {
      throw new IllegalArgumentException(where + "." + field + ": expected a number > 0, got " + n);
    }
    return n.asDouble();
  }

  static void onlyFields(JsonNode section, String where, Set<String> allowed) {
    if (!section.isObject()) {
      throw new IllegalArgumentException(where + ": expected a mapping of " + new java.util.TreeSet<>(allowed));
    }
    for (Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IllegalArgumentException(where + ": unknown field '" + f + "'; expected one of " + new java.util.TreeSet<>(allowed));
      }
    }
  }
}
