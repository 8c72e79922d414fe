package overtrain.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * What tokenizer.json says around the merges: the normalizer, the pre-tokenizer steps, the BPE
 * model's options and the decoder, each as Hugging Face names it. Two families come out of it:
 * byte-level BPE (a ByteLevel step, last; GPT-2, OLMo, LLaMA 3), whose symbols are bytes, and
 * SentencePiece-style BPE (no ByteLevel step; LLaMA 1 and 2), whose symbols are characters,
 * with {@code <0xNN>} tokens for characters the vocabulary lacks.
 */
record Pipeline(List<Normalizer> normalizer, List<PreTokenizerStep> preTokenizer, Bpe model, List<Decoder> decoder) {
  Pipeline {
    normalizer = List.copyOf(normalizer);
    preTokenizer = List.copyOf(preTokenizer);
    decoder = List.copyOf(decoder);
    for (int i = 0; i + 1 < preTokenizer.size(); i++) {
      if (preTokenizer.get(i) instanceof PreTokenizerStep.ByteLevelStep) {
        throw new IllegalArgumentException("nothing may follow the ByteLevel pre-tokenizer step");
      }
    }
    if (model.byteFallback() && byteLevelIn(preTokenizer)) {
      throw new IllegalArgumentException("byte fallback with a ByteLevel pre-tokenizer");
    }
  }

  /**
   * The BPE model's options. {@code unkToken} (or null) stands for characters that have neither
   * a token nor, with {@code byteFallback}, a token for each of their bytes; {@code fuseUnk}
   * makes a run of them one; {@code ignoreMerges} takes a whole piece that is a token as it is.
   */
  record Bpe(String unkToken, boolean fuseUnk, boolean byteFallback, boolean ignoreMerges) {}

  /**
   * Byte-level BPE as this project trains and writes it: an optional NFC, the patterns as Split
   * steps (GPT-2's alone as ByteLevel's own), then ByteLevel, and ByteLevel's decoder.
   */
  static Pipeline byteLevel(List<String> patterns, boolean nfc, boolean addPrefixSpace, boolean ignoreMerges) {
    List<PreTokenizerStep> steps = new ArrayList<>();
    if (patterns.equals(List.of(PreTokenizer.GPT2_PATTERN))) {
      steps.add(new PreTokenizerStep.ByteLevelStep(addPrefixSpace, true));
    } else {
      for (String p : patterns) steps.add(new PreTokenizerStep.Split(p, false));
      steps.add(new PreTokenizerStep.ByteLevelStep(addPrefixSpace, false));
    }
    return new Pipeline(nfc ? List.of(new Normalizer.Nfc()) : List.of(), steps,
        new Bpe(null, false, false, ignoreMerges), List.of(new Decoder.ByteLevelDecoder()));
  }

  /** GPT-2's: its pattern, no prefix space, no normalizer. */
  static Pipeline gpt2() {
    return byteLevel(List.of(PreTokenizer.GPT2_PATTERN), false, false, false);
  }

  boolean byteLevel() {
    return byteLevelIn(preTokenizer);
  }

  private static boolean byteLevelIn(List<PreTokenizerStep> steps) {
    return !steps.isEmpty() && steps.get(steps.size() - 1) instanceof PreTokenizerStep.ByteLevelStep;
  }
}
