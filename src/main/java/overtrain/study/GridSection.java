package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import overtrain.io.Configs;
import overtrain.model.ModelConfig;
import overtrain.train.TrainConfig;

/**
 * A section of the paper's grid (pretrain, perturb, finetune): it reads the file's shared
 * {@code data:} and {@code measure:} keys besides its own.
 */
abstract class GridSection implements StudyFile.Section {

  @Override
  public final List<Cell> expand(JsonNode section, String where, List<Cell> earlier) {
    throw new IllegalStateException(where + ": a grid section expands with the whole file");
  }

  @Override
  public abstract List<Cell> expand(JsonNode root, JsonNode section, String where, List<Cell> earlier);

  /** The section without the grid's own keys: what is left is a command's configuration. */
  static ObjectNode configPart(JsonNode section, String where, Set<String> gridKeys) {
    if (!section.isObject()) throw new IllegalArgumentException(where + ": expected a mapping");
    ObjectNode rest = ((ObjectNode) section).deepCopy();
    rest.remove(gridKeys);
    return rest;
  }

  /** A non-empty list of numbers. */
  static List<Double> numbers(JsonNode section, String field, String where, boolean required) {
    JsonNode n = section.get(field);
    if (n == null) {
      if (required) throw new IllegalArgumentException(where + "." + field + " is required (a list of numbers)");
      return List.of();
    }
    List<Double> out = new ArrayList<>();
    for (JsonNode v : n.isArray() ? n : List.of(n)) {
      if (!v.isNumber()) throw new IllegalArgumentException(where + "." + field + ": expected numbers, got " + v);
      out.add(v.asDouble());
    }
    if (out.isEmpty()) throw new IllegalArgumentException(where + "." + field + ": expected at least one number");
    return out;
  }

  /** A non-empty list of whole numbers. */
  static List<Long> integers(JsonNode section, String field, String where, List<Long> dflt) {
    JsonNode n = section.get(field);
    if (n == null) return dflt;
    List<Long> out = new ArrayList<>();
    for (JsonNode v : n.isArray() ? n : List.of(n)) {
      if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
        throw new IllegalArgumentException(where + "." + field + ": expected whole numbers, got " + v);
      }
      out.add(v.asLong());
    }
    if (out.isEmpty()) throw new IllegalArgumentException(where + "." + field + ": expected at least one number");
    return out;
  }

  /**
   * What a modification needs of the cell whose checkpoint it modifies: the model, the held-out
   * file and the batch it was measured with. Null for a cell that makes no checkpoint.
   */
  record Base(ModelConfig model, String heldout, int batch, StudyData.Measure measure) {
    static Base of(Cell c) {
      if (c.kind().equals(PretrainSection.KIND)) {
        TrainConfig config = Configs.bind(TrainConfig.class, c.spec().get("config"), Map.of());
        return new Base(config.model(), config.data().heldout(), config.data().batch(),
            Configs.bind(StudyData.Measure.class, c.spec().get("measure"), Map.of()));
      }
      if (c.kind().equals(CheckpointsSection.KIND)) {
        return new Base(Configs.bind(ModelConfig.class, c.spec().get("model"), Map.of()),
            c.spec().get("heldout").asText(), c.spec().get("batch").asInt(),
            Configs.bind(StudyData.Measure.class, c.spec().get("measure"), Map.of()));
      }
      return null;
    }
  }

  /** A base cell's label without its kind: "d16 budget=4M seed=1". */
  static String baseLabel(Cell c) {
    return c.label().substring(c.label().indexOf(' ') + 1);
  }

  /** The grid coordinates of a cell this one builds on, plus its own. */
  static ObjectNode coords(Cell base, String modification) {
    ObjectNode c = base.coords().deepCopy();
    c.put("modification", modification);
    return c;
  }
}
