package overtrain.tasks.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import overtrain.tasks.TaskFormatException;
import overtrain.tasks.TaskSpec;

/**
 * Short review-sentence sentiment, the stand-in for CR: UCI's "Sentiment Labelled
 * Sentences" (1,000 Amazon product sentences and 1,000 IMDB sentences) as npm
 * {@code sentiment} ships them in {@code package/test/fixtures/{amazon,imdb}.json},
 * {@code [{text, class}]}. Each file ends in an empty record, which is skipped.
 */
public final class ReviewSentiment {
  public static final String NAME = "review_sentiment";
  public static final String PACKAGE = "sentiment";
  public static final String VERSION = "5.0.2";
  public static final String INTEGRITY =
      "sha512-ZeC3y0JsOYTdwujt5uOd7ILJNilbgFzUtg/LEG4wUv43LayFNLZ28ec8+Su+h3saHlJmIwYxBzfDHHZuiMA15g==";
  static final List<String> SOURCES = List.of("amazon", "imdb");

  private ReviewSentiment() {}

  /** Builds the task from the package's unpacked {@code package/} folder. */
  public static Built build(Path pkg, long seed) throws IOException {
    List<ObjectNode> records = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String source : SOURCES) {
      Path file = pkg.resolve("test/fixtures/" + source + ".json");
      JsonNode sentences = Records.array(file);
      for (int i = 0; i < sentences.size(); i++) {
        JsonNode r = sentences.get(i);
        JsonNode text = r.get("text");
        JsonNode cls = r.get("class");
        boolean empty = text != null && text.asText().isBlank() && (cls == null || cls.isNull());
        if (empty) continue;
        if (text == null || !text.isTextual() || text.asText().isBlank())
          throw new TaskFormatException(file, 0, "[" + i + "].text", "expected the sentence");
        if (cls == null || !cls.isInt() || (cls.asInt() != 0 && cls.asInt() != 1))
          throw new TaskFormatException(file, 0, "[" + i + "].class", "expected 0 (negative) or 1 (positive)");
        String sentence = text.asText().strip();
        if (!seen.add(sentence)) continue;
        ObjectNode rec = Records.record();
        rec.put("text", sentence);
        rec.put("label", ImdbSentiment.LABELS.get(cls.asInt()).name());
        rec.put("source", source);
        records.add(rec);
      }
    }
    TaskSpec spec = TaskSpec.classification(NAME,
        "Short review-sentence sentiment (stand-in for CR): " + records.size()
            + " distinct Amazon product and IMDB sentences (UCI Sentiment Labelled Sentences)",
        "npm " + PACKAGE + "@" + VERSION + " package/test/fixtures/{amazon,imdb}.json",
        "Review: {text}\nSentiment:", "label", ImdbSentiment.LABELS);
    return new Built(spec, Splits.of(records, seed, 0.1, 0.1));
  }
}
