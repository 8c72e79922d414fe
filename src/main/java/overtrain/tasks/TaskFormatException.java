package overtrain.tasks;

import java.io.IOException;
import java.nio.file.Path;

/** Bad task data or spec: says which file, which line (1-based; 0 for the whole file) and field. */
public final class TaskFormatException extends IOException {
  public TaskFormatException(Path file, long line, String field, String problem) {
    super(file + (line > 0 ? ":" + line : "") + (field != null ? ": field '" + field + "'" : "")
        + ": " + problem);
  }
}
