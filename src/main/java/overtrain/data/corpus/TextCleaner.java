package overtrain.data.corpus;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * The cleaning every corpus document gets, whatever its source: Unicode NFC (so one character
 * has one byte sequence for the tokenizer), Unix newlines, no byte-order mark, no control
 * characters other than tab and newline, no trailing spaces, at most one blank line in a row,
 * and no blank lines at either end. A document that cleans to nothing is dropped by the caller.
 */
public final class TextCleaner {
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F\\x7F\\uFEFF]");
  private static final Pattern TRAILING_SPACE = Pattern.compile("[ \\t\\u00A0]+\\n");
  private static final Pattern BLANK_RUN = Pattern.compile("\\n{3,}");

  private TextCleaner() {}

  /**
   * Bytes of a text file as a string: UTF-8 when they are valid UTF-8, otherwise ISO-8859-1 (two
   * of the Gutenberg books are Latin-1, and every byte sequence is valid Latin-1).
   */
  public static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  public static String clean(String text) {
    String t = text.replace("\r\n", "\n").replace('\r', '\n');
    t = Normalizer.normalize(t, Normalizer.Form.NFC);
    t = CONTROL.matcher(t).replaceAll("");
    t = TRAILING_SPACE.matcher(t + "\n").replaceAll("\n");
    t = BLANK_RUN.matcher(t).replaceAll("\n\n");
    return t.strip();
  }
}
