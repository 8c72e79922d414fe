package overtrain.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The property every fuzz target checks: a reader given any bytes either reads them or fails
 * with one of the program's own clear errors (an {@link IOException} or {@link
 * IllegalArgumentException} whose message names the file), never anything else: no
 * NullPointerException, no index out of bounds, no arithmetic overflow, no OutOfMemoryError.
 */
public final class ClearErrors {
  private static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("overtrain-fuzz");
      DIR.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ClearErrors() {}

  /** What is fed the file. */
  @FunctionalInterface
  public interface Reader {
    void read(Path file) throws Exception;
  }

  /**
   * Writes {@code data} to a file called {@code name} and hands it to {@code reader}; an error
   * that is not a clear one is rethrown as a finding, with the message that failed the property.
   */
  public static void check(String name, byte[] data, Reader reader) throws Exception {
    Path file = DIR.resolve(name);
    Files.write(file, data);
    try {
      reader.read(file);
    } catch (IOException | IllegalArgumentException e) {
      String m = e.getMessage();
      if (m == null || !m.contains(name)) {
        throw new AssertionError("unclear " + e.getClass().getName() + ": " + m, e);
      }
    }
  }
}
