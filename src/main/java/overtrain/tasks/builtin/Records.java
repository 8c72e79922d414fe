package overtrain.tasks.builtin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import overtrain.io.Json;
import overtrain.tasks.TaskFormatException;

/** Small helpers the builders share: reading a package's JSON array, making records. */
final class Records {

  private Records() {}

  static ObjectNode record() {
    return Json.object();
  }

  /** A JSON file that must hold an array; errors name the file. */
  static JsonNode array(Path file) throws IOException {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new TaskFormatException(file, 0, null, "no such file (is this the unpacked package folder?)");
    } catch (JsonProcessingException e) {
      throw new TaskFormatException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), null,
          "not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isArray() || root.isEmpty())
      throw new TaskFormatException(file, 0, null, "expected a non-empty JSON array of records");
    return root;
  }
}
