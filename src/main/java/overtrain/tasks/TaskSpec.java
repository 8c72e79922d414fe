package overtrain.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overtrain.io.AtomicWrite;

/**
 * What a task is, in a small YAML (or JSON) file beside its data: which files hold which
 * split, and how a record becomes candidates. Keys (snake_case in the file):
 *
 * <ul>
 *   <li>all: {@code name}, {@code type}, {@code description}, {@code source}, {@code splits}
 *       (split name to JSONL file, relative to the spec; default train/validation/test.jsonl),
 *       {@code template} (the prompt, with {@code {field}} placeholders).
 *   <li>the type's own keys: see {@link Classification}, {@link LanguageModelling},
 *       {@link Instruction} and {@link MultipleChoice}.
 * </ul>
 *
 * A spec may name a {@code preset} (see {@link Presets}): its keys are taken from the preset
 * and overridden by those written beside it, so a user with a published dataset writes two
 * lines.
 */
public record TaskSpec(
    String name,
    TaskType type,
    String description,
    String source,
    Map<String, String> splits,
    String template) {

  public static final Map<String, String> DEFAULT_SPLITS =
      orderedSplits("train", "train.jsonl", "validation", "validation.jsonl", "test", "test.jsonl");

  static final ObjectMapper YAML = new ObjectMapper(
          new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).disable(YAMLGenerator.Feature.SPLIT_LINES));

  public TaskSpec {
    splits = splits == null ? DEFAULT_SPLITS : Collections.unmodifiableMap(new LinkedHashMap<>(splits));
  }

  /** A classification task over the default split files. */
  public static TaskSpec classification(
      String name, String description, String source, String template, String labelField, List<Label> labels) {
    return new TaskSpec(name, new Classification(labelField, labels), description, source, null, template);
  }

  /** A language-modelling task over the default split files. */
  public static TaskSpec lm(String name, String description, String source, String template) {
    return new TaskSpec(name, new LanguageModelling(), description, source, null, template);
  }

  /** A prompt-and-response instruction task over the default split files. */
  public static TaskSpec instruction(
      String name, String description, String source, String template, String responseTemplate) {
    return new TaskSpec(name, new Instruction(responseTemplate, null, null), description, source, null, template);
  }

  private static Map<String, String> orderedSplits(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return Collections.unmodifiableMap(m);
  }

  /** The classes of a classification task; none for the other types. */
  public List<Label> labels() {
    return type.labels();
  }

  /** Reads a spec file, applies its preset if it names one, and checks it. */
  public static TaskSpec load(Path file) throws IOException {
    JsonNode tree;
    try {
      tree = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new TaskFormatException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), null,
          "not valid YAML or JSON: " + e.getOriginalMessage());
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new TaskFormatException(file, 0, null, "not UTF-8 text");
    }
    if (tree == null || !tree.isObject()) throw new TaskFormatException(file, 0, null, "expected a mapping of spec keys");
    ObjectNode spec = (ObjectNode) tree;
    JsonNode preset = spec.remove("preset");
    if (preset != null) {
      if (!Presets.names().contains(preset.asText()))
        throw new TaskFormatException(file, 0, "preset", "unknown preset '" + preset.asText() + "', expected one of " + Presets.names());
      ObjectNode merged = Presets.tree(preset.asText());
      merged.setAll(spec);
      spec = merged;
    }
    return fromTree(spec, file);
  }

  /**
   * A spec from a parsed tree: the shared keys and the type's own are read, a key neither uses
   * is an error, then the spec is checked; {@code file} is named in errors.
   */
  static TaskSpec fromTree(ObjectNode tree, Path file) throws TaskFormatException {
    SpecKeys keys = new SpecKeys(tree, file);
    String name = keys.text("name");
    String description = keys.text("description");
    String source = keys.text("source");
    Map<String, String> splits = keys.splits("splits");
    String template = keys.text("template");
    TaskType type = TaskTypes.read(keys);
    TaskSpec spec = new TaskSpec(name, type, description, source, splits, template);
    keys.noOthers(type);
    spec.check(file);
    return spec;
  }

  /** Writes the spec as YAML, to a temporary file renamed into place. */
  public void save(Path file) throws IOException {
    ObjectNode tree = YAML.createObjectNode();
    SpecKeys.put(tree, "name", name);
    SpecKeys.put(tree, "type", type);
    SpecKeys.put(tree, "description", description);
    SpecKeys.put(tree, "source", source);
    SpecKeys.put(tree, "splits", splits);
    SpecKeys.put(tree, "template", template);
    type.write(tree);
    AtomicWrite.writeString(file, YAML.writeValueAsString(tree));
  }

  /** Checks the shared keys, then those of the type. */
  void check(Path file) throws TaskFormatException {
    require(file, "name", name);
    if (splits.isEmpty()) throw new TaskFormatException(file, 0, "splits", "no splits named");
    type.check(this, file);
  }

  static void require(Path file, String field, Object value) throws TaskFormatException {
    if (value == null || (value instanceof List<?> l && l.isEmpty()))
      throw new TaskFormatException(file, 0, field, "missing");
  }
}
