package overtrain.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import overtrain.io.AtomicWrite;
import overtrain.io.Json;

/** JSON Lines: one object per line. Blank lines are skipped; errors name the file and line. */
public final class Jsonl {

  private Jsonl() {}

  /** Receives each record with its 1-based line number. */
  @FunctionalInterface
  public interface RecordSink {
    void accept(JsonNode record, long line) throws IOException;
  }

  /** Reads every record; a file with none is an error, as is a line that is not a JSON object. */
  public static long read(Path file, RecordSink sink) throws IOException {
    long line = 0;
    long records = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String text; (text = in.readLine()) != null; ) {
        line++;
        if (line == 1 && text.startsWith("\uFEFF")) text = text.substring(1); // a byte-order mark from Windows tools
        if (text.isBlank()) continue;
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
          throw new TaskFormatException(file, line, null, "not valid JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) throw new TaskFormatException(file, line, null, "expected a JSON object, found " + node.getNodeType());
        sink.accept(node, line);
        records++;
      }
    } catch (NoSuchFileException e) {
      throw new TaskFormatException(file, 0, null, "no such file");
    } catch (java.nio.charset.CharacterCodingException e) {
      // decoding runs ahead of the lines handed out, so only where it failed after is known
      throw new TaskFormatException(file, 0, null, "not UTF-8 text" + (line > 0 ? " after line " + line : ""));
    }
    if (records == 0) throw new TaskFormatException(file, 0, null, "empty file: no records");
    return records;
  }

  /** Writes records one per line, to a temporary file renamed into place. */
  public static void write(Path file, List<? extends JsonNode> records) throws IOException {
    AtomicWrite.write(file, out -> {
      for (JsonNode r : records) {
        out.write(Json.MAPPER.writeValueAsBytes(r));
        out.write('\n');
      }
    });
  }
}
