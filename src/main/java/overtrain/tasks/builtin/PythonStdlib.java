package overtrain.tasks.builtin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A Python standard-library folder and the version of the Python it belongs to. */
public record PythonStdlib(Path dir, String version) {

  /** Asks a Python interpreter (e.g. {@code python3}) where its standard library is. */
  public static PythonStdlib locate(String python) throws IOException {
    Process p = new ProcessBuilder(python, "-c",
            "import sysconfig, platform; print(sysconfig.get_paths()['stdlib']); print(platform.python_version())")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) throw new IOException(python + " failed: " + out.strip());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + python + " for its standard library", e);
    }
    List<String> lines = out.strip().lines().toList();
    if (lines.size() != 2 || !Files.isDirectory(Path.of(lines.get(0))))
      throw new IOException(python + " did not name a standard-library folder: " + out.strip());
    return new PythonStdlib(Path.of(lines.get(0)), lines.get(1));
  }
}
