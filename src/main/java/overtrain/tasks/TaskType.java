package overtrain.tasks;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * A kind of task, whole in one file: the spec keys only it uses, how it turns a JSONL record
 * into an example, and how its examples are scored. A new kind is one new file, named in
 * {@code permits} below and registered by its spec name in {@link TaskTypes}.
 */
public sealed interface TaskType permits Classification, LanguageModelling, Instruction, MultipleChoice {

  /** The name a spec's {@code type} key gives, e.g. {@code multiple_choice}. */
  @JsonValue
  default String key() {
    return metric().type();
  }

  /** Writes this type's keys into a spec tree, nulls left out. */
  void write(ObjectNode spec);

  /**
   * Checks that the keys this type needs are there and agree with the spec's shared ones
   * ({@code template}); {@code file} is named in errors.
   */
  void check(TaskSpec spec, Path file) throws TaskFormatException;

  /** Turns records into examples as {@code spec} (whose type this is) says. */
  Reader reader(TaskSpec spec);

  /** How this type's examples are scored. */
  Metric metric();

  /** The classes an example is labelled with; none for a type without classes. */
  default List<Label> labels() {
    return List.of();
  }

  /** One record as an example; {@code file} and {@code line} are named in errors. */
  @FunctionalInterface
  interface Reader {
    Example read(JsonNode record, Path file, long line) throws TaskFormatException;
  }
}
