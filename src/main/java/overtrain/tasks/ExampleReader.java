package overtrain.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns a task's JSONL records into examples, as its spec's type says. */
public final class ExampleReader {
  private final TaskType.Reader reader;

  public ExampleReader(TaskSpec spec) {
    this.reader = spec.type().reader(spec);
  }

  /** Every example of a JSONL file, in file order. */
  public List<Example> read(Path file) throws IOException {
    List<Example> out = new ArrayList<>();
    Jsonl.read(file, (record, line) -> out.add(toExample(record, file, line)));
    return out;
  }

  /** One record as an example; {@code file} and {@code line} are named in errors. */
  public Example toExample(JsonNode record, Path file, long line) throws TaskFormatException {
    return reader.read(record, file, line);
  }

  /** The node at a dotted path of a record; a missing one is an error naming the path. */
  static JsonNode field(JsonNode record, String path, Path file, long line) throws TaskFormatException {
    JsonNode node = Template.at(record, path);
    if (node == null) throw new TaskFormatException(file, line, path, "missing");
    return node;
  }

  /** The text at a dotted path of a record; a missing one or one that is not a scalar is an error. */
  static String text(JsonNode record, String path, Path file, long line) throws TaskFormatException {
    return scalar(field(record, path, file, line), path, file, line);
  }

  static String scalar(JsonNode node, String path, Path file, long line) throws TaskFormatException {
    if (!node.isValueNode() || node.isNull())
      throw new TaskFormatException(file, line, path, "expected text, found " + node.getNodeType());
    return node.asText();
  }
}
