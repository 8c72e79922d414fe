package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
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
 * @param data the study's files (relative paths are from the working directory); {@code train}
 *     only where the study pre-trains
 * @param measure the held-out slice: its first {@code heldout_tokens} predictions, in windows
 *     of each model's context, scored {@code batch} windows at a time
 */
record StudyData(Data data, Measure measure) {

  record Data(String train, String heldout, String tokenizer, String tasksDir) {}

  record Measure(long heldoutTokens, int batch) {
    Measure {
      if (heldoutTokens < 1) throw new IllegalArgumentException("heldout_tokens must be >= 1, got " + heldoutTokens);
      if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
  }

  private static final Data DEFAULT_DATA = new Data(null, null, "data/tokenizer.json", "data/tasks");
  private static final Measure DEFAULT_MEASURE = new Measure(65536, 16);

  /** The file's data: and measure: keys; {@code source} names the file in messages. */
  static StudyData of(JsonNode root, String source) {
    ObjectNode data = mapping(root.get("data"), source + ": data");
    if (data == null) {
      throw new IllegalArgumentException(source + ": data: is required ({train, heldout, tokenizer, tasks_dir})");
    }
    // a study of existing checkpoints trains nothing: it needs no training file
    for (String key : root.has("pretrain") ? List.of("train", "heldout") : List.of("heldout")) {
      if (!data.hasNonNull(key)) {
        throw new IllegalArgumentException(source + ": data." + key + " is required (a token file)");
      }
    }
    Data files = Configs.load(Data.class, DEFAULT_DATA, List.of(new Configs.Layer(source + ": data", data)));
    ObjectNode m = mapping(root.get("measure"), source + ": measure");
    Measure measure = m == null ? DEFAULT_MEASURE
        : Configs.load(Measure.class, DEFAULT_MEASURE, List.of(new Configs.Layer(source + ": measure", m)));
    return new StudyData(files, measure);
  }

  private static ObjectNode mapping(JsonNode n, String where) {
    if (n == null) return null;
    if (!(n instanceof ObjectNode o)) throw new IllegalArgumentException(where + ": expected a mapping, got " + n);
    return o;
  }
}
