package overtrain.study;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import overtrain.io.Json;

/**
 * One unit of work: its result is determined by {@code kind}, {@code spec} and the results of
 * {@code dependsOn}, so its {@code id} is a hash of those three and nothing else (not the
 * label, not the coordinates, not where it is written).
 *
 * @param id the first 16 hex digits of SHA-256 of the canonical JSON {kind, spec, dependsOn}
 * @param kind which {@link CellExecutor} runs it, e.g. "pretrain", "selftest"
 * @param label a short human label, e.g. "pretrain d32 budget=4M seed=1"
 * @param dependsOn ids of the cells whose results it needs
 * @param spec everything that determines the result (no output paths)
 * @param coords the grid coordinates, columns of the results table
 * @param tokens tokens it processes (for progress and the estimate)
 * @param threads engine threads it wants
 */
public record Cell(
    String id,
    String kind,
    String label,
    List<String> dependsOn,
    ObjectNode spec,
    ObjectNode coords,
    long tokens,
    int threads) {

  public Cell {
    dependsOn = List.copyOf(dependsOn);
    if (threads < 1) throw new IllegalArgumentException(label + ": threads must be at least 1, got " + threads);
    if (tokens < 0) throw new IllegalArgumentException(label + ": tokens must be >= 0, got " + tokens);
  }

  /** A cell with its id computed from kind, spec and dependencies. */
  public static Cell of(String kind, String label, List<String> dependsOn, ObjectNode spec,
      ObjectNode coords, long tokens, int threads) {
    return new Cell(idOf(kind, spec, dependsOn), kind, label, dependsOn, spec, coords, tokens, threads);
  }

  /** The id a cell of this kind, spec and dependencies has. */
  public static String idOf(String kind, ObjectNode spec, List<String> dependsOn) {
    ObjectNode key = Json.object();
    key.put("kind", kind);
    key.set("spec", spec);
    ArrayNode deps = key.putArray("dependsOn");
    dependsOn.forEach(deps::add);
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(Json.canonical(key).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The cell as cell.json holds it. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("id", id);
    o.put("kind", kind);
    o.put("label", label);
    ArrayNode deps = o.putArray("dependsOn");
    dependsOn.forEach(deps::add);
    o.set("spec", spec);
    o.set("coords", coords);
    o.put("tokens", tokens);
    o.put("threads", threads);
    return o;
  }
}
