package overtrain.data.corpus;

import overtrain.data.Documents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user's own corpus (a folder of .txt files, or JSONL / JSONL.gz shards with a {@code text}
 * field, as C4 and Dolma ship) brought into the same layout as a fetched one. Ids are the
 * file's path under the import root, plus {@code :line} for JSONL records.
 */
public final class CorpusImport {
  private CorpusImport() {}

  public static void write(Path from, CorpusWriter writer) throws IOException {
    Path root = Files.isDirectory(from) ? from : from.getParent() == null ? Path.of(".") : from.getParent();
    String prefix = root.toString().endsWith("/") ? root.toString() : root + "/";
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("name", "import");
    info.put("path", from.toAbsolutePath().normalize().toString());
    info.put("files", Documents.files(from).size());
    info.put("licence", "as given by the corpus's owner (not recorded by the importer)");
    writer.beginSource(info);
    try {
      Documents.forEach(from, d -> {
        String id = d.source().startsWith(prefix) ? d.source().substring(prefix.length()) : d.source();
        try {
          writer.add(id, d.text());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
