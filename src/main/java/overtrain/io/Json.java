package overtrain.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The project's one plain JSON mapper (Jackson's defaults, no naming strategy or strictness):
 * trees and files of results, manifests and summaries, canonical text for hashing, and indented
 * text written whole or not at all. Records with snake_case keys go through {@link Configs#JSON}.
 */
public final class Json {
  /** Jackson's defaults; shared because a mapper is costly to build and safe to share. */
  public static final ObjectMapper MAPPER = new ObjectMapper();
  /**
   * Indented output: two spaces, {@code "key" : value}, no final newline (the same text as a
   * mapper with {@code INDENT_OUTPUT}). For files another tool also writes, e.g. tokenizer.json.
   */
  public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /**
   * The node as compact JSON with every object's keys sorted, so that two specs equal as data
   * hash the same whatever order their fields were put in.
   */
  public static String canonical(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(sorted(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      ObjectNode out = object();
      for (String name : names) out.set(name, sorted(node.get(name)));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = array();
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) out.add(sorted(it.next()));
      return out;
    }
    return node;
  }

  /** The node as {@link #PRETTY} text with a final newline. */
  public static String pretty(JsonNode node) {
    try {
      return PRETTY.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code node} as {@link #pretty} text, whole or not at all. */
  public static void write(Path file, JsonNode node) throws IOException {
    AtomicWrite.writeString(file, pretty(node));
  }

  public static JsonNode read(Path file) throws IOException {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
