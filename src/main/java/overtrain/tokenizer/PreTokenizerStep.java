package overtrain.tokenizer;

/**
 * One step of Hugging Face's pre-tokenizer, as tokenizer.json names it. Each step cuts every
 * piece the step before left into smaller pieces; BPE merges within the last pieces only.
 */
sealed interface PreTokenizerStep {
  /**
   * Cuts by a regular expression, or by a literal string when {@code literal}, keeping matches
   * and the text between them as pieces (Hugging Face's "Isolated").
   */
  record Split(String pattern, boolean literal) implements PreTokenizerStep {
    /** The pattern as a regular expression. */
    String regex() {
      return literal ? java.util.regex.Pattern.quote(pattern) : pattern;
    }
  }

  /**
   * GPT-2's step: a space before each piece that lacks one (when {@code addPrefixSpace}), its
   * pattern (when {@code useRegex}), then every piece spelled as bytes. Nothing may follow it:
   * a later step would see byte symbols, not text.
   */
  record ByteLevelStep(boolean addPrefixSpace, boolean useRegex) implements PreTokenizerStep {}

  /**
   * SentencePiece's spaces: each space becomes {@code replacement} ("▁"), one is put before a
   * piece that does not start with it (every piece, only the text's first, or none), and with
   * {@code split} a new piece starts at each replacement.
   */
  record Metaspace(String replacement, PrependScheme prependScheme, boolean split) implements PreTokenizerStep {
    public Metaspace {
      if (replacement.codePointCount(0, replacement.length()) != 1) {
        throw new IllegalArgumentException("a Metaspace replacement must be one character");
      }
    }
  }

  /** Where Metaspace puts its replacement before a piece, by the names tokenizer.json uses. */
  enum PrependScheme {
    ALWAYS, FIRST, NEVER;

    String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
