package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** What a running cell sees of the study. */
public interface CellContext {
  /** The cell's own folder (scratch, checkpoints, resumable state). */
  Path dir();

  /** A finished dependency's folder. */
  Path dirOf(String cellId);

  /** A finished dependency's result.json (an unreadable one throws UncheckedIOException). */
  JsonNode resultOf(String cellId);

  /** Tokens done so far, for the study's progress bar. */
  void progress(long tokensDone);
}
