package overtrain.tasks;

import overtrain.io.AtomicWrite;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a task is, in a small YAML (or JSON) file beside its data: which files hold which
 * split, and how a record becomes candidates. Keys (snake_case in the file):
 *
 * <ul>
 *   <li>all: {@code name}, {@code type}, {@code description}, {@code source}, {@code splits}
 *       (split name to JSONL file, relative to the spec; default train/validation/test.jsonl),
 *       {@code template} (the prompt, with {@code {field}} placeholders).
 *   <li>classification: {@code label_field}, {@code labels} (each a name and a verbalizer).
 *       A record's label is a class name, a 0-based class number, or true/false.
 *   <li>lm: {@code template} renders the text ({@code "{text}"} when absent).
 *   <li>instruction: one of {@code response_template}, {@code messages_field} (a list of
 *       {@code {role, content}}) or {@code transcript_field} (Anthropic-HH).
 *   <li>multiple_choice: {@code choices} (field paths; a path to a list adds all its
 *       items), {@code choice_template} (default {@code " {choice}"}), {@code gold_field},
 *       {@code gold} (index, index1, key, text), {@code choice_keys} for key gold, and
 *       {@code blank} for Winogrande-style sentences whose {@code _} each choice fills.
 * </ul>
 *
 * A spec may name a {@code preset} (see {@link Presets}): its keys are taken from the preset
 * and overridden by those written beside it, so a user with a published dataset writes two
 * lines.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskSpec(
    String name,
    TaskType type,
    String description,
    String source,
    Map<String, String> splits,
    String template,
    String labelField,
    List<Label> labels,
    String responseTemplate,
    String messagesField,
    String transcriptField,
    List<String> choices,
    String choiceTemplate,
    String goldField,
    GoldFormat gold,
    String choiceKeys,
    String blank) {

  public static final Map<String, String> DEFAULT_SPLITS =
      orderedSplits("train", "train.jsonl", "validation", "validation.jsonl", "test", "test.jsonl");

  static final ObjectMapper YAML = new ObjectMapper(
          new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).disable(YAMLGenerator.Feature.SPLIT_LINES))
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

  public TaskSpec {
    splits = splits == null ? DEFAULT_SPLITS : Collections.unmodifiableMap(new LinkedHashMap<>(splits));
    labels = labels == null ? null : List.copyOf(labels);
    choices = choices == null ? null : List.copyOf(choices);
  }

  /** A classification task over the default split files. */
  public static TaskSpec classification(
      String name, String description, String source, String template, String labelField, List<Label> labels) {
    return new TaskSpec(name, TaskType.CLASSIFICATION, description, source, null, template, labelField, labels,
        null, null, null, null, null, null, null, null, null);
  }

  /** A language-modelling task over the default split files. */
  public static TaskSpec lm(String name, String description, String source, String template) {
    return new TaskSpec(name, TaskType.LM, description, source, null, template, null, null,
        null, null, null, null, null, null, null, null, null);
  }

  /** A prompt-and-response instruction task over the default split files. */
  public static TaskSpec instruction(
      String name, String description, String source, String template, String responseTemplate) {
    return new TaskSpec(name, TaskType.INSTRUCTION, description, source, null, template, null, null,
        responseTemplate, null, null, null, null, null, null, null, null);
  }

  private static Map<String, String> orderedSplits(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return Collections.unmodifiableMap(m);
  }

  /** The prompt template; lm tasks default to the record's {@code text} field. */
  public Template promptTemplate() {
    if (template != null) return new Template(template);
    return new Template(type == TaskType.LM ? "{text}" : "");
  }

  public Template continuationTemplate() {
    return new Template(choiceTemplate != null ? choiceTemplate : " {choice}");
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

  /** A spec from a parsed tree; {@code file} is named in errors. */
  static TaskSpec fromTree(JsonNode tree, Path file) throws TaskFormatException {
    TaskSpec spec;
    try {
      spec = YAML.treeToValue(tree, TaskSpec.class);
    } catch (JsonProcessingException e) {
      String field = e instanceof UnrecognizedPropertyException u
          ? u.getPropertyName() : null;
      throw new TaskFormatException(file, 0, field, e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw new TaskFormatException(file, 0, null, e.getMessage());
    }
    spec.check(file);
    return spec;
  }

  /** Writes the spec as YAML, to a temporary file renamed into place. */
  public void save(Path file) throws IOException {
    AtomicWrite.writeString(file, YAML.writeValueAsString(this));
  }

  /** Checks that the keys the type needs are there and those it cannot use are not. */
  void check(Path file) throws TaskFormatException {
    require(file, "name", name);
    require(file, "type", type);
    if (splits.isEmpty()) throw new TaskFormatException(file, 0, "splits", "no splits named");
    Map<String, Object> typeKeys = new LinkedHashMap<>();
    typeKeys.put("label_field", labelField);
    typeKeys.put("labels", labels);
    typeKeys.put("response_template", responseTemplate);
    typeKeys.put("messages_field", messagesField);
    typeKeys.put("transcript_field", transcriptField);
    typeKeys.put("choices", choices);
    typeKeys.put("choice_template", choiceTemplate);
    typeKeys.put("gold_field", goldField);
    typeKeys.put("gold", gold);
    typeKeys.put("choice_keys", choiceKeys);
    typeKeys.put("blank", blank);
    Set<String> allowed = new HashSet<>();
    switch (type) {
      case CLASSIFICATION -> {
        require(file, "template", template);
        require(file, "label_field", labelField);
        require(file, "labels", labels);
        if (labels.size() < 2) throw new TaskFormatException(file, 0, "labels", "a classification task needs at least 2 labels");
        Set<String> names = new HashSet<>();
        for (Label l : labels)
          if (!names.add(l.name())) throw new TaskFormatException(file, 0, "labels", "label '" + l.name() + "' named twice");
        allowed.addAll(List.of("label_field", "labels"));
      }
      case LM -> {}
      case INSTRUCTION -> {
        long forms = Stream.of(responseTemplate, messagesField, transcriptField)
            .filter(Objects::nonNull).count();
        if (forms != 1)
          throw new TaskFormatException(file, 0, null,
              "an instruction task needs exactly one of response_template, messages_field, transcript_field");
        if (responseTemplate != null) require(file, "template", template);
        else if (template != null)
          throw new TaskFormatException(file, 0, "template", "a chat task is rendered by the chat template; remove 'template'");
        allowed.addAll(List.of("response_template", "messages_field", "transcript_field"));
      }
      case MULTIPLE_CHOICE -> {
        require(file, "choices", choices);
        require(file, "gold_field", goldField);
        require(file, "gold", gold);
        if (gold == GoldFormat.KEY) require(file, "choice_keys", choiceKeys);
        else if (choiceKeys != null)
          throw new TaskFormatException(file, 0, "choice_keys", "only used with gold: key");
        if (blank == null) require(file, "template", template);
        else if (template != null || choiceTemplate != null)
          throw new TaskFormatException(file, 0, "blank",
              "a blank-filling task builds its context from the sentence; remove 'template' and 'choice_template'");
        allowed.addAll(List.of("choices", "choice_template", "gold_field", "gold", "choice_keys", "blank"));
      }
    }
    for (Map.Entry<String, Object> e : typeKeys.entrySet())
      if (e.getValue() != null && !allowed.contains(e.getKey()))
        throw new TaskFormatException(file, 0, e.getKey(), "not used by a " + type.key() + " task");
  }

  private static void require(Path file, String field, Object value) throws TaskFormatException {
    if (value == null || (value instanceof List<?> l && l.isEmpty()))
      throw new TaskFormatException(file, 0, field, "missing");
  }
}
