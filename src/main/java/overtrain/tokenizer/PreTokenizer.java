package overtrain.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts text into the pieces ("words") that BPE merges within; no token crosses a cut. GPT-2's
 * pattern has a hand-written scanner (it is on the hot path of every encoding and of training);
 * any other pattern, cl100k's included, runs through {@link java.util.regex}. Patterns use
 * Unicode classes ({@code \s} is White_Space, {@code \p{L}} every letter), as tiktoken does.
 */
abstract class PreTokenizer {
  /** GPT-2's pattern, as written in tiktoken's r50k_base and in Hugging Face's ByteLevel. */
  static final String GPT2_PATTERN =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

  /** cl100k_base's pattern, from tiktoken. */
  static final String CL100K_PATTERN =
      "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*"
          + "|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+";

  /** Receives each piece as a half-open range of the text. */
  @FunctionalInterface
  interface Sink {
    void piece(int from, int to);
  }

  /** Calls {@code sink} for the consecutive pieces that cover {@code text[from, to)}. */
  abstract void split(CharSequence text, int from, int to, Sink sink);

  static PreTokenizer of(String pattern) {
    return pattern.equals(GPT2_PATTERN) ? new Gpt2() : new Regex(pattern);
  }

  /** Splits by the first pattern, then each piece by the next, and so on. */
  static PreTokenizer chain(java.util.List<String> patterns) {
    if (patterns.isEmpty()) throw new IllegalArgumentException("no pre-tokenisation pattern");
    PreTokenizer first = of(patterns.get(0));
    if (patterns.size() == 1) return first;
    PreTokenizer rest = chain(patterns.subList(1, patterns.size()));
    return new PreTokenizer() {
      @Override
      void split(CharSequence text, int from, int to, Sink sink) {
        first.split(text, from, to, (a, b) -> rest.split(text, a, b, sink));
      }
    };
  }

  /** Splits by a regular expression; the text between matches becomes pieces of its own. */
  static final class Regex extends PreTokenizer {
    private final Pattern pattern;

    Regex(String pattern) {
      this.pattern = Pattern.compile(pattern, Pattern.UNICODE_CHARACTER_CLASS);
    }

    @Override
    void split(CharSequence text, int from, int to, Sink sink) {
      Matcher m = pattern.matcher(text).region(from, to);
      int last = from;
      while (m.find()) {
        if (m.start() == m.end()) continue;
        if (m.start() > last) sink.piece(last, m.start());
        sink.piece(m.start(), m.end());
        last = m.end();
      }
      if (last < to) sink.piece(last, to);
    }
  }

  /**
   * GPT-2's pattern as a scanner. Each alternative of the pattern is tried in order at the
   * current position, exactly as the regex engine would, including the backtracking of
   * {@code \s+(?!\S)} that leaves the last space of a run to start the next word.
   */
  static final class Gpt2 extends PreTokenizer {
    private static final int LETTER = 1, NUMBER = 2, SPACE = 3, OTHER = 4;
    private static final byte[] ASCII = new byte[128];

    static {
      for (int c = 0; c < 128; c++) ASCII[c] = (byte) classify(c);
    }

    private static int classify(int cp) {
      switch (Character.getType(cp)) {
        case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
            Character.MODIFIER_LETTER, Character.OTHER_LETTER:
          return LETTER;
        case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER:
          return NUMBER;
        default:
          return whiteSpace(cp) ? SPACE : OTHER;
      }
    }

    /** Unicode's White_Space property, which is what {@code \s} means with Unicode classes. */
    private static boolean whiteSpace(int cp) {
      return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
          || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
          || cp == 0x205F || cp == 0x3000;
    }

    private static int classAt(CharSequence s, int i) {
      char c = s.charAt(i);
      if (c < 128) return ASCII[c];
      return classify(Character.isSurrogate(c) ? Character.codePointAt(s, i) : c);
    }

    /** The index after the code point at {@code i}, within {@code [i, to)}. */
    private static int next(CharSequence s, int i, int to) {
      return Character.isHighSurrogate(s.charAt(i)) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))
          ? i + 2
          : i + 1;
    }

    /** The end of the run of class {@code cls} that starts at {@code i}. */
    private static int run(CharSequence s, int i, int to, int cls) {
      while (i < to && classAt(s, i) == cls) i = next(s, i, to);
      return i;
    }

    /** The length of a contraction ('s 't 're 've 'm 'll 'd) at {@code i}, or 0. */
    private static int contraction(CharSequence s, int i, int to) {
      if (i + 1 >= to) return 0;
      char a = s.charAt(i + 1);
      if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
      if (i + 2 >= to) return 0;
      char b = s.charAt(i + 2);
      if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
      return 0;
    }

    @Override
    void split(CharSequence s, int from, int to, Sink sink) {
      int i = from;
      while (i < to) {
        char c = s.charAt(i);
        int end;
        if (c == '\'' && contraction(s, i, to) > 0) {
          end = i + contraction(s, i, to);
        } else {
          int start = c == ' ' && i + 1 < to ? i + 1 : i;
          int cls = classAt(s, start);
          if (cls != SPACE) {
            end = run(s, start, to, cls);
          } else {
            int runEnd = run(s, i, to, SPACE);
            // \s+(?!\S) gives back the run's last character (White_Space is all one-char BMP)
            // when a word follows; a single space before a word is left to \s+.
            end = runEnd == to || runEnd - i < 2 ? runEnd : runEnd - 1;
          }
        }
        sink.piece(i, end);
        i = end;
      }
    }
  }
}
