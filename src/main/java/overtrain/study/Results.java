package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import overtrain.io.Json;

/**
 * A study's measurements as one tidy table: a row per measurement of every done cell, a column
 * for the cell, its kind, every grid coordinate and every extra key of a measurement (the union
 * over all cells, absent values empty), then metric and value. Rows follow the plan's stage
 * order and each cell's own order; columns the order in which they first appear.
 */
public final class Results {
  /** The table: column names, then rows of values (null where a row has no such column). */
  public record Table(List<String> columns, List<List<JsonNode>> rows) {
    public String csv() {
      StringBuilder b = new StringBuilder();
      b.append(String.join(",", columns.stream().map(Results::csvField).toList())).append('\n');
      for (List<JsonNode> row : rows) {
        List<String> cells = new ArrayList<>();
        for (JsonNode v : row) cells.add(v == null || v.isNull() ? "" : csvField(v.isValueNode() ? v.asText() : v.toString()));
        b.append(String.join(",", cells)).append('\n');
      }
      return b.toString();
    }

    public ArrayNode json() {
      ArrayNode out = Json.array();
      for (List<JsonNode> row : rows) {
        ObjectNode o = out.addObject();
        for (int i = 0; i < columns.size(); i++) if (row.get(i) != null) o.set(columns.get(i), row.get(i));
      }
      return out;
    }
  }

  private Results() {}

  public static Table of(StudyDir dir) throws IOException {
    List<ObjectNode> flat = new ArrayList<>();
    Set<String> coords = new LinkedHashSet<>();
    Set<String> extra = new LinkedHashSet<>();
    for (List<Cell> stage : dir.plan().stages()) {
      for (Cell c : stage) {
        if (!dir.isDone(c.id())) continue;
        JsonNode r = dir.readResult(c.id());
        for (JsonNode m : r.path("measurements")) {
          ObjectNode row = Json.object();
          row.put("cell", c.id());
          row.put("kind", c.kind());
          for (Iterator<Map.Entry<String, JsonNode>> it = c.coords().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            coords.add(e.getKey());
            row.set(e.getKey(), e.getValue());
          }
          for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("metric") && !e.getKey().equals("value")) extra.add(e.getKey());
            row.set(e.getKey(), e.getValue());
          }
          flat.add(row);
        }
      }
    }
    List<String> columns = new ArrayList<>(List.of("cell", "kind"));
    for (String k : coords) if (!columns.contains(k)) columns.add(k);
    for (String k : extra) if (!columns.contains(k)) columns.add(k);
    columns.add("metric");
    columns.add("value");
    List<List<JsonNode>> rows = new ArrayList<>();
    for (ObjectNode f : flat) {
      List<JsonNode> row = new ArrayList<>();
      for (String col : columns) row.add(f.get(col));
      rows.add(row);
    }
    return new Table(columns, rows);
  }

  private static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
