package overtrain.data.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns the Brown corpus's tagged text back into readable prose. Each file holds paragraphs
 * separated by blank lines, one tab-indented sentence per line, each token written {@code
 * word/TAG} (the word may itself hold a slash, so the tag starts after the last one). The
 * tokens are rejoined with the spacing of ordinary English: no space before closing
 * punctuation, none after opening brackets, and the corpus's {@code ``} and {@code ''} become
 * straight double quotes.
 */
public final class BrownMarkup {
  private static final Set<String> NO_SPACE_BEFORE =
      Set.of(",", ".", ";", ":", "!", "?", ")", "]", "}", "''", "'");
  private static final Set<String> NO_SPACE_AFTER = Set.of("``", "(", "[", "{");

  private BrownMarkup() {}

  public static String strip(String tagged) {
    List<String> paragraphs = new ArrayList<>();
    StringBuilder para = new StringBuilder();
    for (String line : tagged.split("\n", -1)) {
      if (line.isBlank()) {
        if (para.length() > 0) paragraphs.add(para.toString());
        para.setLength(0);
        continue;
      }
      String sentence = sentence(line);
      if (sentence.isEmpty()) continue;
      if (para.length() > 0) para.append(' ');
      para.append(sentence);
    }
    if (para.length() > 0) paragraphs.add(para.toString());
    return String.join("\n\n", paragraphs);
  }

  /** One tagged line as plain words with English spacing. */
  static String sentence(String line) {
    StringBuilder out = new StringBuilder();
    boolean glueNext = true;
    for (String token : line.trim().split("\\s+")) {
      if (token.isEmpty()) continue;
      int slash = token.lastIndexOf('/');
      String word = slash > 0 ? token.substring(0, slash) : token;
      // "Jr./np ./." : the abbreviation's period already ends the sentence.
      if (word.equals(".") && out.length() > 0 && out.charAt(out.length() - 1) == '.') continue;
      if (!glueNext && !NO_SPACE_BEFORE.contains(word)) out.append(' ');
      out.append(word.equals("``") || word.equals("''") ? "\"" : word);
      glueNext = NO_SPACE_AFTER.contains(word);
    }
    return out.toString();
  }
}
