package overtrain.data.corpus;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import overtrain.io.AtomicWrite;
import overtrain.io.Json;

/**
 * Writes a corpus folder: {@code train.jsonl} and {@code heldout.jsonl} (one {@code {"id",
 * "source", "text"}} per line, readable by {@link overtrain.data.Documents}) and {@code
 * manifest.json}. Documents stream through: each is cleaned, split into parts if long, dropped
 * if empty or an exact duplicate of one already written (by the SHA-256 of its cleaned text),
 * and routed to one side by the {@link HeldOutSplit}. Files appear under their names only when
 * {@link #finish} renames them into place.
 */
public final class CorpusWriter implements Closeable {
  /** One line of a corpus file. */
  public record Line(String id, String source, String text) {}


  private final Path dir;
  private final HeldOutSplit split;
  private final Side train, heldout;
  private final Set<String> seen = new HashSet<>();
  private final Set<String> ids = new HashSet<>();
  private final List<SourceStats> sources = new ArrayList<>();
  private SourceStats current;
  private boolean finished;

  /** Counts for one source, kept for the manifest. */
  public static final class SourceStats {
    final Map<String, Object> info;
    long files, documents, bytes, trainDocuments, heldoutDocuments, duplicates, empty;

    SourceStats(Map<String, Object> info) {
      this.info = new LinkedHashMap<>(info);
    }

    public long documents() {
      return documents;
    }

    public long bytes() {
      return bytes;
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>(info);
      m.put("input_files", files);
      m.put("documents", documents);
      m.put("bytes", bytes);
      m.put("train_documents", trainDocuments);
      m.put("heldout_documents", heldoutDocuments);
      m.put("duplicates_dropped", duplicates);
      m.put("empty_dropped", empty);
      return m;
    }
  }

  public CorpusWriter(Path dir, HeldOutSplit split) throws IOException {
    this.dir = dir;
    this.split = split;
    Files.createDirectories(dir);
    this.train = new Side(dir, "train.jsonl");
    this.heldout = new Side(dir, "heldout.jsonl");
  }

  /**
   * Starts a source; {@code info} (package, version, licence, checksum...) goes into the
   * manifest as given, followed by the counts.
   */
  public SourceStats beginSource(Map<String, Object> info) {
    current = new SourceStats(info);
    sources.add(current);
    return current;
  }

  /**
   * Adds one input document (a file, an address, a JSONL record) of the current source. Its id
   * must be unique in the corpus; long documents become {@code id#01}, {@code id#02}, ...
   */
  public void add(String id, String rawText) throws IOException {
    if (current == null) throw new IllegalStateException("beginSource before add");
    current.files++;
    String text = TextCleaner.clean(rawText);
    if (text.isEmpty()) {
      current.empty++;
      return;
    }
    List<String> parts = Chunker.split(text);
    for (int p = 0; p < parts.size(); p++) {
      String partId = parts.size() == 1 ? id : String.format("%s#%02d", id, p + 1);
      if (!ids.add(partId)) throw new IllegalArgumentException("document id used twice: " + partId);
      String part = parts.get(p);
      byte[] utf8 = part.getBytes(StandardCharsets.UTF_8);
      if (!seen.add(HexFormat.of().formatHex(sha256().digest(utf8)))) {
        current.duplicates++;
        continue;
      }
      boolean held = split.isHeldOut(partId);
      (held ? heldout : train).write(new Line(partId, (String) current.info.get("name"), part));
      if (held) current.heldoutDocuments++;
      else current.trainDocuments++;
      current.documents++;
      current.bytes += utf8.length;
    }
  }

  /**
   * Closes both files, renames them into place and writes {@code manifest.json} with {@code
   * extra} (e.g. the command that made the corpus) at its top. Returns the manifest's path.
   */
  public Path finish(Map<String, Object> extra) throws IOException {
    if (train.lines + heldout.lines == 0) {
      close();
      throw new IOException(dir + ": no documents left after cleaning and de-duplication");
    }
    Map<String, Object> files = new LinkedHashMap<>();
    for (Side s : List.of(train, heldout)) files.put(s.name, s.commit());
    finished = true;
    Map<String, Object> manifest = new LinkedHashMap<>(extra);
    manifest.put("heldout_fraction", split.fraction());
    manifest.put("seed", split.seed());
    manifest.put("split", "held out when SHA-256(seed NUL id) as a fraction of 2^64 < heldout_fraction");
    manifest.put("documents", train.lines + heldout.lines);
    manifest.put("bytes", train.textBytes + heldout.textBytes);
    manifest.put("sources", sources.stream().map(SourceStats::toJson).toList());
    manifest.put("files", files);
    Path out = dir.resolve("manifest.json");
    Json.write(out, Json.MAPPER.valueToTree(manifest));
    return out;
  }

  /** Without {@link #finish}, drops the partial files. */
  @Override
  public void close() throws IOException {
    if (finished) return;
    finished = true;
    train.abandon();
    heldout.abandon();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** One output file, written to a temporary name with its SHA-256 computed on the way. */
  private static final class Side {
    final String name;
    final Path file;
    final AtomicWrite.Pending pending;
    final MessageDigest digest = sha256();
    final BufferedWriter out;
    long lines, textBytes;

    Side(Path dir, String name) throws IOException {
      this.name = name;
      this.file = dir.resolve(name);
      this.pending = AtomicWrite.open(file);
      OutputStream raw = new DigestOutputStream(pending.stream(), digest);
      this.out = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16);
    }

    void write(Line line) throws IOException {
      out.write(Json.MAPPER.writeValueAsString(line));
      out.write('\n');
      lines++;
      textBytes += line.text().getBytes(StandardCharsets.UTF_8).length;
    }

    Map<String, Object> commit() throws IOException {
      out.close();
      pending.commit();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("documents", lines);
      m.put("text_bytes", textBytes);
      m.put("file_bytes", Files.size(file));
      m.put("sha256", HexFormat.of().formatHex(digest.digest()));
      return m;
    }

    void abandon() throws IOException {
      out.close();
      pending.close();
    }
  }
}
