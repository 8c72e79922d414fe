package overtrain.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one configuration loader. A configuration is a record (sections are records nested in
 * it, OLMo-style); its defaults are an instance of that record, defined once; a YAML file and
 * then command-line flags are laid over them, mapping by mapping; the result is bound to the
 * record, whose constructor checks the values. Keys are snake_case everywhere.
 *
 * <p>Binding is strict: an unknown key, a fraction for an integer ({@code vocab_size: 4096.7}),
 * a word for a number or an unknown enum name is an error that names the source (file or
 * flags), the key's dotted path, the value and what was expected. A study file embeds the same
 * sections, so the same records load from inside a larger file through {@link #bind}.
 */
public final class Configs {
  private Configs() {}

  /** Reads and writes configs: snake_case keys, strict about unknown keys and types. */
  public static final ObjectMapper YAML = mapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  /** The same rules, for JSON (results, trainer state). */
  public static final ObjectMapper JSON = mapper(null);

  private static ObjectMapper mapper(YAMLFactory yaml) {
    JsonMapper m = (yaml == null ? JsonMapper.builder() : JsonMapper.builder(yaml))
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        .configure(EnumFeature.WRITE_ENUMS_TO_LOWERCASE, true)
        .build();
    // "4096" (a quoted number) and 1 for a boolean are not what the key means: say so.
    m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    m.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    return m;
  }

  /** One layer of settings and where it came from (a file's path, or "flags"). */
  public record Layer(String source, ObjectNode tree) {}

  /** A YAML file as a layer; an empty file is an empty layer. */
  public static Layer file(Path file) throws IOException {
    JsonNode tree;
    try {
      tree = YAML.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not valid YAML"
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr())
          + ": " + e.getOriginalMessage(), e);
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) return new Layer(file.toString(), empty());
    if (!tree.isObject()) {
      throw new IllegalArgumentException(file + ": expected a mapping of settings at the top, got "
          + tree.getNodeType().toString().toLowerCase());
    }
    return new Layer(file.toString(), (ObjectNode) tree);
  }

  /** A layer from dotted keys ("model.hidden_size" -> 64), in the map's order. */
  public static Layer layer(String source, Map<String, ?> dotted) {
    ObjectNode tree = empty();
    dotted.forEach((k, v) -> put(tree, k, v));
    return new Layer(source, tree);
  }

  /** An empty mapping. */
  public static ObjectNode empty() {
    return JsonNodeFactory.instance.objectNode();
  }

  /**
   * Sets {@code value} at the dotted {@code path} of {@code tree} ("model.hidden_size"),
   * making the mappings on the way.
   */
  public static void put(ObjectNode tree, String path, Object value) {
    String[] keys = path.split("\\.");
    ObjectNode at = tree;
    for (int i = 0; i < keys.length - 1; i++) {
      JsonNode next = at.get(keys[i]);
      at = next instanceof ObjectNode o ? o : at.putObject(keys[i]);
    }
    at.set(keys[keys.length - 1], YAML.valueToTree(value));
  }

  /** Parses {@code text} as one YAML value ("256" an integer, "[1, 2]" a list, "cosine" a word). */
  public static JsonNode scalar(String text) {
    try {
      JsonNode v = YAML.readTree(text);
      return v == null || v.isMissingNode() ? JsonNodeFactory.instance.textNode(text) : v;
    } catch (JsonProcessingException e) {
      return JsonNodeFactory.instance.textNode(text);
    }
  }

  /** The defaults with every layer laid over them in order, bound to {@code type}. */
  public static <T> T load(Class<T> type, T defaults, List<Layer> layers) {
    ObjectNode merged = YAML.valueToTree(defaults);
    Map<String, String> sources = new LinkedHashMap<>();
    for (Layer layer : layers) merge(merged, layer.tree(), "", layer.source(), sources);
    return bind(type, merged, sources);
  }

  /** A tree bound to {@code type}; errors name the source each key came from. */
  public static <T> T bind(Class<T> type, JsonNode tree, Map<String, String> sources) {
    try {
      return YAML.treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(message(e, tree, sources), e);
    }
  }

  /** A record as a tree (defaults, or the config as used). */
  public static ObjectNode tree(Object config) {
    return YAML.valueToTree(config);
  }

  /** A record as YAML text, keys in declaration order. */
  public static String toYaml(Object config) {
    try {
      return YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every leaf key of {@code tree} as a dotted path, in order. */
  public static List<String> leafPaths(JsonNode tree) {
    List<String> paths = new ArrayList<>();
    collect(tree, "", paths);
    return paths;
  }

  private static void collect(JsonNode node, String prefix, List<String> into) {
    if (node instanceof ObjectNode o && o.size() > 0) {
      o.fields().forEachRemaining(f -> collect(f.getValue(), prefix + f.getKey() + ".", into));
    } else {
      into.add(prefix.substring(0, prefix.length() - 1));
    }
  }

  /** Overlays {@code from} onto {@code into}: mappings merge key by key, anything else replaces. */
  private static void merge(ObjectNode into, ObjectNode from, String prefix, String source,
      Map<String, String> sources) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String path = prefix + f.getKey();
      JsonNode existing = into.get(f.getKey());
      if (existing instanceof ObjectNode target && f.getValue() instanceof ObjectNode given) {
        merge(target, given, path + ".", source, sources);
      } else {
        into.set(f.getKey(), f.getValue());
        sources.put(path, source);
      }
    }
  }

  /** "FILE: 'model.vocab_size' must be an integer, got 4096.7", from Jackson's exception. */
  private static String message(JsonProcessingException e, JsonNode tree, Map<String, String> sources) {
    String path = e instanceof JsonMappingException m ? dotted(m.getPath()) : "";
    String source = sourceOf(path, sources);
    if (e instanceof ValueInstantiationException && e.getCause() != null) {
      // a record's own check: its message names the key already
      String where = path.isEmpty() ? "" : path + ": ";
      return source + ": " + where + e.getCause().getMessage();
    }
    if (e instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds() == null ? "" : "; known keys here: "
          + u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
      return source + ": unknown key '" + path + "'" + known;
    }
    JsonNode value = valueAt(tree, path);
    String got = value == null ? "" : ", got " + value;
    if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
      List<String> allowed = new ArrayList<>();
      for (Object c : f.getTargetType().getEnumConstants()) allowed.add(c.toString().toLowerCase());
      return source + ": '" + path + "' must be one of " + allowed + got;
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return source + ": '" + path + "' must be " + describe(m.getTargetType()) + got;
    }
    return source + ": '" + path + "': " + e.getOriginalMessage();
  }

  private static String describe(Class<?> t) {
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class) return "an integer";
    if (t == double.class || t == Double.class || t == float.class || t == Float.class) return "a number";
    if (t == boolean.class || t == Boolean.class) return "true or false";
    if (t == String.class) return "a string";
    if (List.class.isAssignableFrom(t)) return "a list";
    if (t.isEnum()) {
      List<String> allowed = new ArrayList<>();
      for (Object c : t.getEnumConstants()) allowed.add(c.toString().toLowerCase());
      return "one of " + allowed;
    }
    if (t.isRecord() || Map.class.isAssignableFrom(t)) return "a mapping";
    return "a " + t.getSimpleName();
  }

  private static String dotted(List<JsonMappingException.Reference> refs) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (b.length() > 0) b.append('.');
        b.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  /** The source that set {@code path} or the nearest mapping above it; "defaults" if none. */
  private static String sourceOf(String path, Map<String, String> sources) {
    String p = path.replaceAll("\\[\\d+]", "");
    while (!p.isEmpty()) {
      String s = sources.get(p);
      if (s != null) return s;
      int dot = p.lastIndexOf('.');
      p = dot < 0 ? "" : p.substring(0, dot);
    }
    // a record's check: name the sources of the keys inside it
    String prefix = path.replaceAll("\\[\\d+]", "") + ".";
    List<String> all = sources.entrySet().stream()
        .filter(e -> path.isEmpty() || e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue).distinct().toList();
    return all.isEmpty() ? "defaults" : String.join(" + ", all);
  }

  private static JsonNode valueAt(JsonNode tree, String path) {
    if (path.isEmpty()) return null;
    JsonNode at = tree;
    for (String part : path.split("\\.")) {
      String key = part.replaceAll("\\[\\d+]$", "");
      at = at == null ? null : at.get(key);
      if (at != null && part.endsWith("]")) {
        at = at.get(Integer.parseInt(part.substring(part.lastIndexOf('[') + 1, part.length() - 1)));
      }
    }
    return at;
  }
}
