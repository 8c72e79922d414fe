package overtrain.tasks.builtin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import overtrain.tasks.Jsonl;
import overtrain.tasks.Task;
import overtrain.tasks.TaskSpec;

/** A built task before it is written: its spec and the records of each split. */
public record Built(TaskSpec spec, Map<String, List<ObjectNode>> splits) {

  /**
   * Writes {@code dir/spec.yaml} and one JSONL per split (each to a temporary file renamed
   * into place), then reads the task back, so a spec that does not fit its data fails here
   * rather than in a fine-tuning run.
   */
  public Task write(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, List<ObjectNode>> split : splits.entrySet())
      Jsonl.write(dir.resolve(spec.splits().get(split.getKey())), split.getValue());
    spec.save(dir.resolve(Task.SPEC_FILE));
    Task task = Task.load(dir);
    for (String split : splits.keySet()) task.examples(split);
    return task;
  }
}
