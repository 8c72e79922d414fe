package overtrain.tasks;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a multiple-choice record names its right answer, as the published datasets do. */
public enum GoldFormat {
  /** A 0-based position, as a number or a digit string (PIQA, HellaSwag, COPA). */
  INDEX,
  /** A 1-based position, as a number or a digit string (SIQA, Winogrande). */
  INDEX1,
  /** One of the keys in the {@code choice_keys} list, e.g. "A" (ARC). */
  KEY,
  /** The text of the right choice itself (SciQ's {@code correct_answer}). */
  TEXT;

  @JsonValue
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static GoldFormat of(String key) {
    for (GoldFormat g : values()) if (g.key().equals(key)) return g;
    throw new IllegalArgumentException("unknown gold format '" + key + "', expected index, index1, key or text");
  }
}
