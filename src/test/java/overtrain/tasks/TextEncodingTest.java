package overtrain.tasks;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task files that are not UTF-8: named with their line, not "Input length = 1". */
class TextEncodingTest {
  @TempDir Path dir;

  private static final byte[] LATIN1 = "{\"text\": \"caf\u00e9\"}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

  @Test
  void jsonlThatIsNotUtf8() throws IOException {
    Path file = dir.resolve("train.jsonl");
    Files.write(file, concat("{\"text\": \"ok\"}\n".getBytes(), LATIN1));
    TaskFormatException e = assertThrows(TaskFormatException.class, () -> Jsonl.read(file, (r, line) -> {}));
    assertTrue(e.getMessage().startsWith(file + ": not UTF-8 text"), e.getMessage());
  }

  @Test
  void aSpecThatIsNotUtf8() throws IOException {
    Path file = dir.resolve("spec.yaml");
    Files.write(file, "name: caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    TaskFormatException e = assertThrows(TaskFormatException.class, () -> TaskSpec.load(file));
    assertTrue(e.getMessage().equals(file + ": not UTF-8 text"), e.getMessage());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
