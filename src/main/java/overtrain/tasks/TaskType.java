package overtrain.tasks;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The four kinds of task, each turning a record into (context, continuation) pairs its own way. */
public enum TaskType {
  /** An input text and one label among named classes: one candidate per class. */
  CLASSIFICATION,
  /** Plain text: one candidate with an empty context, every token scored. */
  LM,
  /** A prompt (or a chat) and the response the model must produce. */
  INSTRUCTION,
  /** A question or context and a list of choices: one candidate per choice. */
  MULTIPLE_CHOICE;

  @JsonValue
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static TaskType of(String key) {
    for (TaskType t : values()) if (t.key().equals(key)) return t;
    throw new IllegalArgumentException("unknown task type '" + key + "', expected one of "
        + Arrays.stream(values()).map(TaskType::key).collect(Collectors.joining(", ")));
  }
}
