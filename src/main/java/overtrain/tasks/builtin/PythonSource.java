package overtrain.tasks.builtin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import overtrain.tasks.TaskFormatException;
import overtrain.tasks.TaskSpec;

/**
 * Python source code, the stand-in for Starcoder-Python: CPython's standard library (its
 * tests and installed third-party packages left out), each file cut into chunks of at most
 * {@link #MAX_CHARS} characters at line boundaries, preferring the blank line before a
 * top-level statement. Files, not chunks, are split, so no file is in two splits.
 */
public final class PythonSource {
  public static final String NAME = "python_stdlib";
  /** About 600 tokens of code: a fine-tuning sequence for the study's small contexts. */
  public static final int MAX_CHARS = 2000;
  private static final Set<String> SKIPPED_DIRS =
      Set.of("test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__");

  private PythonSource() {}

  /** Builds the task from a standard-library folder; {@code version} is recorded in the spec. */
  public static Built build(Path stdlib, String version, long seed) throws IOException {
    if (!Files.isDirectory(stdlib)) throw new TaskFormatException(stdlib, 0, null, "not a folder");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(stdlib)) {
      files = walk.filter(p -> p.toString().endsWith(".py") && Files.isRegularFile(p))
          .filter(p -> {
            for (Path part : stdlib.relativize(p)) if (SKIPPED_DIRS.contains(part.toString())) return false;
            return true;
          })
          .sorted().toList();
    }
    List<ObjectNode> records = new ArrayList<>();
    int undecodable = 0;
    for (Path file : files) {
      String source;
      try {
        source = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
      } catch (CharacterCodingException e) {
        undecodable++; // a few legacy-encoded files; code in UTF-8 is what the task is about
        continue;
      }
      String rel = stdlib.relativize(file).toString().replace('\\', '/');
      for (String chunk : chunks(source, MAX_CHARS)) {
        ObjectNode rec = Records.record();
        rec.put("text", chunk);
        rec.put("path", rel);
        records.add(rec);
      }
    }
    if (records.isEmpty()) throw new TaskFormatException(stdlib, 0, null, "no Python source found");
    TaskSpec spec = TaskSpec.lm(NAME,
        "Python source (stand-in for Starcoder-Python): " + (files.size() - undecodable) + " files of the CPython "
            + version + " standard library in chunks of at most " + MAX_CHARS + " characters",
        "CPython " + version + " standard library (tests and site-packages excluded"
            + (undecodable > 0 ? "; " + undecodable + " files not in UTF-8 skipped" : "") + ")",
        "{text}");
    return new Built(spec, Splits.byGroup(records, r -> "", r -> r.get("path").asText(), seed, 0.1, 0.1));
  }

  /**
   * Cuts source into pieces of at most {@code max} characters (a single longer line stays
   * whole). A piece ends at the last blank line before a top-level line when it has one in
   * its second half, else at the last line that fits. Blank-only pieces are dropped.
   */
  static List<String> chunks(String source, int max) {
    List<String> out = new ArrayList<>();
    String[] lines = source.split("(?<=\n)");
    StringBuilder piece = new StringBuilder();
    int goodCut = -1;
    for (String line : lines) {
      if (piece.length() + line.length() > max && piece.length() > 0) {
        int cut = goodCut > max / 2 ? goodCut : piece.length();
        add(out, piece.substring(0, cut));
        String rest = piece.substring(cut);
        piece.setLength(0);
        piece.append(rest);
        goodCut = -1;
        if (piece.length() + line.length() > max && piece.length() > 0) {
          add(out, piece.toString());
          piece.setLength(0);
        }
      }
      boolean topLevel = !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && line.charAt(0) != '#';
      if (topLevel && piece.length() > 0 && piece.toString().endsWith("\n\n")) goodCut = piece.length();
      piece.append(line);
    }
    add(out, piece.toString());
    return out;
  }

  private static void add(List<String> out, String piece) {
    if (!piece.isBlank()) out.add(piece);
  }
}
