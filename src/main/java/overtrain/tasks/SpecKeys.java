package overtrain.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A spec file's keys as the spec and its type read them. Each reader asks for the keys it
 * knows, with the kind of value it expects; a value of another kind, or a key nobody asked
 * for, is an error naming the file, the key, the value and what is allowed. An absent key, or
 * one written as null ({@code ~}), reads as null: whether it may be absent is the type's check.
 */
final class SpecKeys {
  private final ObjectNode tree;
  private final Path file;
  private final Set<String> asked = new LinkedHashSet<>();

  SpecKeys(ObjectNode tree, Path file) {
    this.tree = tree;
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** The key's value, or null; remembers that the key is known. */
  private JsonNode node(String key) {
    asked.add(key);
    JsonNode n = tree.get(key);
    return n == null || n.isNull() ? null : n;
  }

  private TaskFormatException wrong(String key, String expected, JsonNode found) {
    return new TaskFormatException(file, 0, key, "expected " + expected + ", found " + found);
  }

  /** A scalar as text (numbers and booleans as written), or null. */
  String text(String key) throws TaskFormatException {
    JsonNode n = node(key);
    if (n == null) return null;
    if (!n.isValueNode()) throw wrong(key, "text", n);
    return n.asText();
  }

  /** A list of scalars, one scalar standing for a list of one, or null. */
  List<String> texts(String key) throws TaskFormatException {
    JsonNode n = node(key);
    if (n == null) return null;
    List<String> out = new ArrayList<>();
    for (JsonNode item : n.isArray() ? n : List.of(n)) {
      if (!item.isValueNode() || item.isNull()) throw wrong(key, "a list of texts", n);
      out.add(item.asText());
    }
    return out;
  }

  /** Labels as {@code {name, verbalizer}} mappings, one mapping standing for a list of one, or null. */
  List<Label> labels(String key) throws TaskFormatException {
    JsonNode n = node(key);
    if (n == null) return null;
    String expected = "a list of {name, verbalizer}";
    List<Label> out = new ArrayList<>();
    for (JsonNode item : n.isArray() ? n : List.of(n)) {
      if (!item.isObject()) throw wrong(key, expected, item);
      for (Iterator<String> it = item.fieldNames(); it.hasNext(); ) {
        String sub = it.next();
        if (!sub.equals("name") && !sub.equals("verbalizer"))
          throw new TaskFormatException(file, 0, key, "unknown key '" + sub + "' in " + item + ", expected name and verbalizer");
      }
      try {
        out.add(new Label(scalarOrNull(item.get("name")), scalarOrNull(item.get("verbalizer"))));
      } catch (IllegalArgumentException e) {
        throw new TaskFormatException(file, 0, key, e.getMessage() + ", found " + item);
      }
    }
    return out;
  }

  /** How a multiple-choice record names its answer, or null. */
  GoldFormat gold(String key) throws TaskFormatException {
    String v = text(key);
    if (v == null) return null;
    try {
      return GoldFormat.of(v);
    } catch (IllegalArgumentException e) {
      throw new TaskFormatException(file, 0, key, e.getMessage());
    }
  }

  /** Split names to file names, in the order written, or null. */
  Map<String, String> splits(String key) throws TaskFormatException {
    JsonNode n = node(key);
    if (n == null) return null;
    String expected = "a mapping of split name to JSONL file";
    if (!n.isObject()) throw wrong(key, expected, n);
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!isScalar(e.getValue())) throw wrong(key, expected, n);
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** After every reader has asked: a key nobody asked for is an error naming those that were. */
  void noOthers(TaskType type) throws TaskFormatException {
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!asked.contains(e.getKey()))
        throw new TaskFormatException(file, 0, e.getKey(), "not used by a " + type.key() + " task (value "
            + e.getValue() + "); its keys are " + String.join(", ", asked) + ", or preset");
    }
  }

  /** Writes a value under its key in the form the readers above take back; nulls are left out. */
  static void put(ObjectNode out, String key, Object value) {
    if (value != null) out.set(key, TaskSpec.YAML.valueToTree(value));
  }

  private static boolean isScalar(JsonNode n) {
    return n != null && n.isValueNode() && !n.isNull();
  }

  private static String scalarOrNull(JsonNode n) {
    return isScalar(n) ? n.asText() : null;
  }
}
