package overtrain.data.corpus;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits long texts into parts at paragraph breaks. A whole book as one document would put all
 * of it on one side of the train / held-out split, and with 18 books a 2% held-out set would
 * usually get none; parts of about a chapter's size give a held-out set drawn from every source.
 */
public final class Chunker {
  /** Texts up to this many characters stay whole. */
  public static final int MAX_CHARS = 64_000;
  /** Parts are closed at the first paragraph break past this many characters. */
  public static final int TARGET_CHARS = 32_000;

  private Chunker() {}

  public static List<String> split(String text) {
    if (text.length() <= MAX_CHARS) return List.of(text);
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    for (String paragraph : text.split("\n\n")) {
      if (part.length() > 0) part.append("\n\n");
      part.append(paragraph);
      if (part.length() >= TARGET_CHARS) {
        parts.add(part.toString());
        part.setLength(0);
      }
    }
    // A short tail joins the part before it rather than making a tiny document.
    if (part.length() > 0) {
      if (part.length() < TARGET_CHARS / 4 && !parts.isEmpty()) {
        parts.set(parts.size() - 1, parts.get(parts.size() - 1) + "\n\n" + part);
      } else {
        parts.add(part.toString());
      }
    }
    return parts;
  }
}
