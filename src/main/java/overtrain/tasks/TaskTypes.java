package overtrain.tasks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every task type by its name in specs: registering a type is one line here. */
final class TaskTypes {
  /** Reads a type's own keys from a spec. */
  @FunctionalInterface
  interface KeyReader {
    TaskType read(SpecKeys keys) throws TaskFormatException;
  }

  private static final Map<String, KeyReader> REGISTERED = new LinkedHashMap<>();

  static {
    REGISTERED.put(Classification.KEY, Classification::read);
    REGISTERED.put(LanguageModelling.KEY, LanguageModelling::read);
    REGISTERED.put(Instruction.KEY, Instruction::read);
    REGISTERED.put(MultipleChoice.KEY, MultipleChoice::read);
  }

  private TaskTypes() {}

  static List<String> names() {
    return List.copyOf(REGISTERED.keySet());
  }

  /** The type the spec's {@code type} key names, with its keys read. */
  static TaskType read(SpecKeys keys) throws TaskFormatException {
    String name = keys.text("type");
    String allowed = ", expected one of " + String.join(", ", names());
    if (name == null) throw new TaskFormatException(keys.file(), 0, "type", "missing" + allowed);
    KeyReader reader = REGISTERED.get(name);
    if (reader == null)
      throw new TaskFormatException(keys.file(), 0, "type", "unknown task type '" + name + "'" + allowed);
    return reader.read(keys);
  }
}
