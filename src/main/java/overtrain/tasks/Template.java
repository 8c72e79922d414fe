package overtrain.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template: literal text with {@code {field}} or {@code {field.sub}} placeholders
 * filled from a record. Braces around anything else are left as written, so templates may
 * hold code or JSON.
 */
public final class Template {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_]+)*)}");

  private final String text;
  private final List<String> fields = new ArrayList<>();

  public Template(String text) {
    this.text = text;
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) fields.add(m.group(1));
  }

  /** The field paths the template reads, in order of appearance. */
  public List<String> fields() {
    return List.copyOf(fields);
  }

  /** Looks up a placeholder's value; returns null when the record has no such field. */
  @FunctionalInterface
  public interface Lookup {
    String get(String path) throws TaskFormatException;
  }

  public String render(Lookup lookup) throws TaskFormatException {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(lookup.get(m.group(1))));
    m.appendTail(out);
    return out.toString();
  }

  /** The node at a dotted path ({@code choices.text}), or null where any step is missing. */
  public static JsonNode at(JsonNode record, String path) {
    JsonNode node = record;
    for (String step : path.split("\\.")) {
      if (node == null || !node.isObject()) return null;
      node = node.get(step);
    }
    return node == null || node.isNull() ? null : node;
  }

  @Override
  public String toString() {
    return text;
  }
}
