package overtrain.tokenizer;

import java.util.List;

/**
 * Hugging Face's normalizers that the models here use: NFC (OLMo-1), and Prepend with Replace
 * (LLaMA's SentencePiece conversion, which spells spaces as "▁" and starts the text with one).
 * A normalizer runs on each stretch of text between added tokens, not on the whole input, so a
 * Prepend starts every such stretch; that is Hugging Face's order and is kept.
 */
sealed interface Normalizer {
  String apply(String text);

  /** Applies {@code steps} in order. */
  static String apply(List<Normalizer> steps, String text) {
    for (Normalizer n : steps) text = n.apply(text);
    return text;
  }

  record Nfc() implements Normalizer {
    @Override
    public String apply(String text) {
      return java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFC);
    }
  }

  /** Puts {@code prepend} before any text that is not empty. */
  record Prepend(String prepend) implements Normalizer {
    @Override
    public String apply(String text) {
      return text.isEmpty() ? text : prepend + text;
    }
  }

  /** Replaces every occurrence of a literal, left to right. */
  record Replace(String pattern, String content) implements Normalizer {
    public Replace {
      if (pattern.isEmpty()) throw new IllegalArgumentException("an empty pattern to replace");
    }

    @Override
    public String apply(String text) {
      return text.replace(pattern, content);
    }
  }
}
