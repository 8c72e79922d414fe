package overtrain.study;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a study file expands to: its cells, the executors of their kinds and, where known, how
 * long each kind takes.
 *
 * @param name the study's name
 * @param dir the study's folder
 * @param settings the file's top-level settings (e.g. claim_timeout)
 * @param cells every cell, each after the cells it depends on or not: order is free
 * @param executors an executor per cell kind
 * @param estimators seconds per cell, per kind (a kind without one has no estimate)
 */
public record StudyPlan(String name, Path dir, ObjectNode settings, List<Cell> cells,
    Map<String, CellExecutor> executors, Map<String, Estimator> estimators) {

  /** How long a worker's heartbeat may be silent before its claim is taken over. */
  public static final Duration DEFAULT_CLAIM_TIMEOUT = Duration.ofSeconds(60);

  public StudyPlan {
    cells = List.copyOf(cells);
    executors = Map.copyOf(executors);
    estimators = Map.copyOf(estimators);
    Map<String, Cell> byId = new HashMap<>();
    for (Cell c : cells) {
      if (byId.put(c.id(), c) != null) {
        throw new IllegalArgumentException(name + ": two cells with the same kind, spec and "
            + "dependencies (id " + c.id() + ", " + c.label() + ")");
      }
      if (!executors.containsKey(c.kind())) {
        throw new IllegalArgumentException(name + ": no executor for cell kind '" + c.kind()
            + "' (" + c.label() + "); known: " + executors.keySet());
      }
    }
    for (Cell c : cells) {
      for (String d : c.dependsOn()) {
        if (!byId.containsKey(d)) {
          throw new IllegalArgumentException(name + ": " + c.label() + " depends on " + d
              + ", which is not a cell of the study");
        }
      }
    }
    stagesOf(cells, byId, name); // refuses a cycle before any work
  }

  /** A plan without estimates. */
  public StudyPlan(String name, Path dir, ObjectNode settings, List<Cell> cells,
      Map<String, CellExecutor> executors) {
    this(name, dir, settings, cells, executors, Map.of());
  }

  public Cell cell(String id) {
    for (Cell c : cells) if (c.id().equals(id)) return c;
    throw new IllegalArgumentException(name + ": no cell " + id);
  }

  /** Cells by id, in the plan's order. */
  public Map<String, Cell> byId() {
    Map<String, Cell> m = new LinkedHashMap<>();
    for (Cell c : cells) m.put(c.id(), c);
    return m;
  }

  /**
   * Cells grouped by stage, the first stage first: a cell's stage is one more than its
   * deepest dependency's (stage 1 depends on nothing). Within a stage, the plan's order.
   */
  public List<List<Cell>> stages() {
    return stagesOf(cells, byId(), name);
  }

  /** {@code settings.claim_timeout} (seconds), else {@link #DEFAULT_CLAIM_TIMEOUT}. */
  public Duration claimTimeout() {
    if (settings != null && settings.hasNonNull("claim_timeout")) {
      return Duration.ofMillis(Math.round(settings.get("claim_timeout").asDouble() * 1000));
    }
    return DEFAULT_CLAIM_TIMEOUT;
  }

  private static List<List<Cell>> stagesOf(List<Cell> cells, Map<String, Cell> byId, String name) {
    Map<String, Integer> stage = new HashMap<>();
    List<List<Cell>> out = new ArrayList<>();
    for (Cell c : cells) {
      int s = stageOf(c, byId, stage, new HashMap<>(), name);
      while (out.size() < s) out.add(new ArrayList<>());
      out.get(s - 1).add(c);
    }
    return out;
  }

  private static int stageOf(Cell c, Map<String, Cell> byId, Map<String, Integer> memo,
      Map<String, Boolean> visiting, String name) {
    Integer known = memo.get(c.id());
    if (known != null) return known;
    if (visiting.put(c.id(), true) != null) {
      throw new IllegalArgumentException(name + ": cells depend on each other in a cycle through " + c.label());
    }
    int s = 1;
    for (String d : c.dependsOn()) s = Math.max(s, 1 + stageOf(byId.get(d), byId, memo, visiting, name));
    visiting.remove(c.id());
    memo.put(c.id(), s);
    return s;
  }
}
