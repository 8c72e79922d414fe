package overtrain.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import overtrain.io.AtomicWrite;

/** The study package's JSON: one mapper, canonical text for hashing, atomic pretty files. */
public final class Json {
  /** The mapper every study file goes through. */
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

  /** Writes {@code node} as indented JSON, whole or not at all. */
  public static void write(Path file, JsonNode node) throws IOException {
    AtomicWrite.writeString(file, PRETTY.writeValueAsString(node) + "\n");
  }

  public static JsonNode read(Path file) throws IOException {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
