package overtrain.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Texts the tokenizer tests share: varied real-looking text and strings chosen to break things. */
final class Samples {
  private Samples() {}

  static final String PROSE =
      "It was the best of times, it was the worst of times; it was the age of wisdom. "
          + "\"Don't,\" she said -- I'll go, you'd think, we're here, they've left, I'm done.\n\n"
          + "The committee's report (pp. 12-14) cost $1,234,567.89 in 1999 & 2024!!! Really??\n";
  static final String CODE =
      "def fib(n: int) -> int:\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\n"
          + "for (int i = 0; i < 10; i++) { sum += a[i] * 0x1F; }\t// tabs\r\n  \r\n";
  static final String NUMBERS = "3.14159 2.71828 6.022e23 1234567890 007 ½ ² ٣ 一二三 Ⅻ 10,000,000";
  static final String UNICODE =
      "Ünïcödé naïve café — “quotes” ‘single’ … Привет мир. 你好，世界。 こんにちは。 안녕하세요. "
          + "مرحبا بالعالم שלום עולם हिन्दी ภาษาไทย e\u0301 (combining) \u00a0nbsp\u2003em\u3000ideo "
          + "emoji 😀👍🏽 👨‍👩‍👧‍👦 🇫🇷 ∑∫√∞≠ ﬁ ligature \u200bzero-width";

  /** Strings whose round trip is easy to get wrong. */
  static List<String> hard() {
    StringBuilder controls = new StringBuilder();
    for (char c = 0; c < 32; c++) controls.append(c).append('x');
    controls.append('\u007f').append('\u0085').append('\u2028');
    return List.of(
        "",
        " ",
        "\r\n",
        "\r\n\r\n  \r\n",
        "   leading and trailing   ",
        controls.toString(),
        "\uD800",
        "a\uDC00b",
        "\uDBFF\uDFFF",
        "\uDC00\uD800",
        "x\uD83D",
        "😀\uD83D",
        "<|endoftext|> is text here",
        "'s 'S 're 'll 'd 'm 't '",
        "a".repeat(600),
        " ".repeat(700) + "x",
        "1234567890".repeat(80),
        "\t\t\n\n\u3000\u3000word",
        PROSE + CODE + NUMBERS + UNICODE);
  }

  /** A varied text for comparing encoders (valid UTF-16: jtokkit refuses lone surrogates). */
  static String varied() {
    List<String> valid = hard().stream().filter(s -> !hasLoneSurrogate(s)).toList();
    return PROSE + CODE + NUMBERS + UNICODE + String.join("\u0000", valid) + randomText(new Random(7), 4000);
  }

  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
      else if (Character.isSurrogate(c)) return true;
    }
    return false;
  }

  /** Random text over an alphabet that mixes every class the pre-tokenizers distinguish. */
  static String randomText(Random random, int length) {
    String[] pieces = {
      "a", "Z", "é", "ß", "Я", "中", "ー", "1", "9", "٣", "½", " ", " ", " ", "\n", "\r", "\t", "\u00a0", "\u3000",
      "'", "'s", "'ll", "'T", ".", ",", "!", "-", "$", "😀", "🏽", "\u200d", "\u0301", "_", "\u000b", "\u0085"
    };
    StringBuilder sb = new StringBuilder();
    while (sb.length() < length) sb.append(pieces[random.nextInt(pieces.length)]);
    return sb.toString();
  }

  /** A small corpus of documents for training tests. */
  static List<String> corpus(int documents) {
    Random random = new Random(11);
    String[] words = (PROSE + " " + CODE + " " + UNICODE).split("\\s+");
    List<String> docs = new ArrayList<>();
    for (int d = 0; d < documents; d++) {
      StringBuilder sb = new StringBuilder();
      int n = 50 + random.nextInt(200);
      for (int i = 0; i < n; i++) {
        sb.append(words[random.nextInt(words.length)]).append(random.nextInt(12) == 0 ? "\n" : " ");
      }
      docs.add(sb.toString());
    }
    return docs;
  }
}
