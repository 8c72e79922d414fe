package overtrain.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Specs for the paper's tasks in their published Hugging Face JSONL forms (field names and
 * label words as those datasets ship them). Each lives as a YAML resource; a user's spec says
 * {@code preset: NAME} and where the files are.
 */
public final class Presets {
  private static final List<String> NAMES = List.of(
      "mr", "cr", "subj", "trec", "rte", "boolq", "tweet_sentiment",
      "siqa", "arc", "piqa", "hellaswag", "sciq", "copa", "winogrande",
      "gsm8k", "anthropic_hh", "tulu");

  private Presets() {}

  public static List<String> names() {
    return NAMES;
  }

  /** The preset's keys as written in its resource, before any user override. */
  static ObjectNode tree(String name) {
    String resource = "presets/" + name + ".yaml";
    try (InputStream in = Presets.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("preset resource missing: " + resource);
      return (ObjectNode) TaskSpec.YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The preset's spec, with the default split files. */
  public static TaskSpec spec(String name) throws TaskFormatException {
    if (!NAMES.contains(name))
      throw new IllegalArgumentException("unknown preset '" + name + "', expected one of " + NAMES);
    return TaskSpec.fromTree(tree(name), Path.of("preset:" + name));
  }
}
