package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import overtrain.io.Configs;

/**
 * What every cell of a study reads: the token files, the tokenizer and tasks, and the one
 * held-out slice on which every "forgetting" figure is measured (the base models', the
 * perturbed ones', the fine-tuned ones'), so that they compare.
 *
 * <pre>
 * data:    {train: data/tokens/train.npy, heldout: data/tokens/heldout.npy,
 *           tokenizer: data/tokenizer.json, tasks_dir: data/tasks}
 * measure: {heldout_tokens: 65536, batch: 16}
 * </pre>
 *
 * @param data the study's files (relative paths are from the working directory)
 * @param measure the held-out slice: its first {@code heldout_tokens} predictions, in windows
 *     of each model's context, scored {@code batch} windows at a time
 */
record StudyData(Data data, Measure measure) {

  record Data(String train, String heldout, String tokenizer, String tasksDir) {
  }

  record Measure(long heldoutTokens, int batch) {
    Measure {
      if (heldoutTokens < 1) throw new IllegalArgumentException("heldout_tokens must be >= 1, got " + heldoutTokens);
      if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
  }

  static final Measure DEFAULT_MEASURE = new Measure(65536, 16);

  /** The file's data: and measure: keys. */
  static StudyData of(JsonNode root, String source) {
    JsonNode data = root.get("data");
    if (data == null) {
      throw new IllegalArgumentException(source + ": data: is required ({train, heldout, tokenizer, tasks_dir})");
    }
    for (String key : java.util.List.of("train", "heldout")) {
      if (!data.hasNonNull(key)) {
        throw new IllegalArgumentException(source + ": data." + key + " is required (a token file)");
      }
    }
    Configs.Layer d = new Configs.Layer(source + ": data", (com.fasterxml.jackson.databind.node.ObjectNode) object(data, source + ": data"));
    Data files = Configs.load(Data.class, new Data("-", "-", "data/tokenizer.json", "data/tasks"), java.util.List.of(d));
    Measure measure = DEFAULT_MEASURE;
    JsonNode m = root.get("measure");
    if (m != null) {
      measure = Configs.load(Measure.class, DEFAULT_MEASURE, java.util.List.of(
          new Configs.Layer(source + ": measure", (com.fasterxml.jackson.databind.node.ObjectNode) object(m, source + ": measure"))));
    }
    return new StudyData(files, measure);
  }

  Path train() {
    return Path.of(data.train());
  }

  Path heldout() {
    return Path.of(data.heldout());
  }

  private static JsonNode object(JsonNode n, String where) {
    if (!n.isObject()) throw new IllegalArgumentException(where + ": expected a mapping, got " + n);
    return n;
  }
}
