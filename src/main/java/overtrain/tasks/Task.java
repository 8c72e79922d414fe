package overtrain.tasks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A task on disk: a folder holding {@code spec.yaml} (or {@code spec.json}) and its JSONL splits. */
public record Task(TaskSpec spec, Path dir) {
  public static final String SPEC_FILE = "spec.yaml";

  /** The task in a folder, or one given by its spec file directly. */
  public static Task load(Path dirOrSpec) throws IOException {
    Path spec = dirOrSpec;
    if (Files.isDirectory(dirOrSpec)) {
      spec = dirOrSpec.resolve(SPEC_FILE);
      if (!Files.exists(spec) && Files.exists(dirOrSpec.resolve("spec.json"))) spec = dirOrSpec.resolve("spec.json");
    }
    if (!Files.isRegularFile(spec))
      throw new TaskFormatException(spec, 0, null, "no task spec here (expected a folder with spec.yaml, or a spec file)");
    Path dir = spec.toAbsolutePath().getParent();
    return new Task(TaskSpec.load(spec), dir);
  }

  /** A task folder or spec file when {@code task} is a path that exists, else a name under {@code tasksDir}. */
  public static Task resolve(String task, Path tasksDir) throws IOException {
    Path direct = Path.of(task);
    return load(Files.exists(direct) ? direct : tasksDir.resolve(task));
  }

  public String name() {
    return spec.name();
  }

  /** The JSONL file of a split; an unknown split name is an error naming the known ones. */
  public Path file(String split) throws TaskFormatException {
    String f = spec.splits().get(split);
    if (f == null)
      throw new TaskFormatException(dir.resolve(SPEC_FILE), 0, "splits",
          "task '" + name() + "' has no split '" + split + "', expected one of " + spec.splits().keySet());
    return dir.resolve(f);
  }

  /** The examples of a split, in file order. */
  public List<Example> examples(String split) throws IOException {
    return new ExampleReader(spec).read(file(split));
  }
}
