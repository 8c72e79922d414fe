package overtrain.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import overtrain.checkpoint.Checkpoint;
import overtrain.model.Parameters;

/**
 * Reads a checkpoint with a progress bar over its weight files' bytes, and says how long it
 * took: a model of a billion parameters takes long enough that a silent command looks hung.
 */
final class Loading {
  private Loading() {}

  static Checkpoint.Loaded checkpoint(Path dir) throws IOException {
    return checkpoint(dir, Parameters.Precision.FLOAT32);
  }

  /** {@link #checkpoint(Path)}, the weights held in {@code precision}. */
  static Checkpoint.Loaded checkpoint(Path dir, Parameters.Precision precision) throws IOException {
    long start = System.nanoTime();
    Progress[] bar = {null};
    Checkpoint.Loaded loaded = Checkpoint.load(dir, (bytes, total) -> {
      if (bar[0] == null) bar[0] = new Progress("loading " + dir.getFileName() + " (MiB)", mib(total));
      bar[0].advanceTo(mib(bytes));
    }, precision);
    double seconds = (System.nanoTime() - start) / 1e9;
    String summary = String.format(Locale.ROOT, "loaded %,d parameters (held in %s) in %.1f s",
        loaded.params().count(), precision, seconds);
    if (bar[0] != null) bar[0].finish(summary);
    else System.err.println(summary);
    return loaded;
  }

  /** Whole MiB, rounded up: a small model's bar ends full, not at 0 of 1. */
  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
