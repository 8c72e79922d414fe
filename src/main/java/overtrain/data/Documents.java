package overtrain.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import overtrain.io.Json;

/**
 * Streams the documents of a corpus: one document per line of JSONL or JSONL.gz (its
 * {@code text} field, as C4 and Dolma ship), or one per {@code .txt} file. A folder is read
 * file by file in name order, so the stream is the same on every machine.
 */
public final class Documents {

  private Documents() {}

  /** One document and where it came from, for error messages and manifests. */
  public record Document(String source, String text) {}

  /** Calls {@code sink} for each document under {@code path} (a file or a folder). */
  public static void forEach(Path path, Consumer<Document> sink) throws IOException {
    for (Path file : files(path)) {
      String name = file.getFileName().toString();
      if (name.endsWith(".txt")) {
        sink.accept(new Document(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
      } else {
        readJsonl(file, sink);
      }
    }
  }

  /** All documents' texts in order (for corpora small enough to hold). */
  public static List<String> texts(Path path) throws IOException {
    List<String> out = new ArrayList<>();
    forEach(path, d -> out.add(d.text()));
    return out;
  }

  /** The readable files under {@code path}: .txt, .jsonl, .jsonl.gz, .json.gz, in name order. */
  public static List<Path> files(Path path) throws IOException {
    if (!Files.exists(path)) throw new IOException(path + ": no such file or folder");
    if (Files.isRegularFile(path)) return List.of(path);
    try (Stream<Path> s = Files.walk(path)) {
      List<Path> files = s.filter(Files::isRegularFile).filter(Documents::readable).sorted().toList();
      if (files.isEmpty()) {
        throw new IOException(path + ": no .txt, .jsonl or .jsonl.gz files in this folder");
      }
      return files;
    }
  }

  private static boolean readable(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".txt") || n.endsWith(".jsonl") || n.endsWith(".jsonl.gz") || n.endsWith(".json.gz");
  }

  private static void readJsonl(Path file, Consumer<Document> sink) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) continue;
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
          throw new IOException(file + ":" + lineNo + ": not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual()) {
          throw new IOException(file + ":" + lineNo + ": expected a string field \"text\"");
        }
        sink.accept(new Document(file + ":" + lineNo, text.asText()));
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
