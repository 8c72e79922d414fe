package overtrain.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * tokenizer.json files laid out as the real models' are, written here because those files are
 * not at hand offline: GPT-NeoX / OLMo-1 (byte-level, NFC, runs of spaces as added tokens),
 * OLMo-2's cl100k style (a Split step, then ByteLevel) and LLaMA's SentencePiece conversions
 * (byte fallback, an unknown token). The vocabularies are small but trained, byte-level ones by
 * {@link BpeTrainer} and SentencePiece-style ones by {@link #trainPieces}, so that merges meet
 * each other as they do in real files.
 */
final class HfFiles {
  /** cl100k's pattern as Hugging Face's converted files (OLMo-2's, LLaMA 3's) write it. */
  static final String CL100K_HF = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
      + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  static final String MULTILINGUAL = "Русский текст: съешь же ещё этих мягких французских булок. "
      + "Українська мова, ґанок. 中文字符测试，我们的世界很大。 日本語のテキスト、カタカナとひらがな。 "
      + "한국어 텍스트입니다. العربية: مرحبا بكم في العالم الكبير. हिन्दी में पाठ, संस्कृतम्। "
      + "ภาษาไทยง่ายๆ ελληνικά Ἀθῆναι עברית שלום Türkçe İstanbul ǅemal Ωmega";

  /** Added tokens that are not special, as in OLMo's files, and two of this test's own. */
  static final List<String> PII = List.of("|||EMAIL_ADDRESS|||", "|||PHONE_NUMBER|||", "|||IP_ADDRESS|||");

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static Tokenizer byteLevel;

  private HfFiles() {}

  /** The text the files are trained on: the shared corpus and lines in many scripts. */
  static List<String> corpus() {
    List<String> docs = new ArrayList<>(Samples.corpus(120));
    for (int i = 0; i < 8; i++) docs.add(MULTILINGUAL + " " + Samples.PROSE + " 2024 12345\n" + Samples.CODE);
    return docs;
  }

  /**
   * What the comparisons encode: every class of character the pipelines treat apart (CRLF,
   * tabs, controls, emoji, long digit runs, many scripts, runs of spaces, characters no
   * vocabulary here has), the added tokens that are not special, and a random tail.
   */
  static String parityText() {
    StringBuilder controls = new StringBuilder();
    for (char c = 1; c < 32; c++) controls.append(c).append(c % 3 == 0 ? " " : "");
    return String.join("\n", List.of(
        Samples.PROSE + Samples.CODE + Samples.NUMBERS + Samples.UNICODE,
        MULTILINGUAL,
        "line one\r\nline two\r\n\r\n\ttabbed\t\tand\ttabs\t\n   three leading, trailing three   ",
        "controls: " + controls + "\u007f\u0085\u00a0\u2028\u2029 and NUL \u0000 inside",
        "digits 12345678901234567890123456789 3.14159265358979323846 1,000,000 ٣٤٥ ۱۲۳ १२३",
        "emoji 😀😃👍🏽👨‍👩‍👧‍👦🇫🇷🤖 mixed😀text🙂ǂǄ and symbols ∑∫√∞≠ ©®™ ¼½¾",
        "missing from the vocabularies: 龘靐齉 𠜎𠜱 \uE000\uF8FF \uFFFD \uFEFF ꙮ ᚠᛇᚻ 𝔘𝔫𝔦",
        "a" + " ".repeat(30) + "b" + " ".repeat(7) + "c  d" + " ".repeat(25),
        "added: " + String.join(" ", PII) + " x|||EMAIL_ADDRESS|||y, cafe\u0301 café nai\u0308ve naïve",
        "[INST]first, then x[INST]y [INST] <<SYS>>\nbe brief<<SYS>> [INST]",
        "DON'T 'S 'LL 'Re we'VE i'm he'd", " starts with a space", "  two spaces", "\n\nnewlines first",
        Samples.randomText(new Random(17), 3000)));
  }

  /** GPT-NeoX-20B's layout, which OLMo-1 keeps: NFC, ByteLevel with its pattern, "a b" merges. */
  static Path olmo1(Path dir) throws IOException {
    Tokenizer t = byteLevel();
    ObjectNode root = header();
    ArrayNode added = root.putArray("added_tokens");
    root.putObject("normalizer").put("type", "NFC");
    root.set("pre_tokenizer", byteLevelNode(true));
    root.set("post_processor", byteLevelNode(true));
    root.set("decoder", byteLevelNode(true));
    ObjectNode model = bpe(root, null, false, false, false);
    ObjectNode vocab = model.putObject("vocab");
    addedToken(added, vocab, 0, Tokenizer.END_OF_TEXT, true, false, true);
    addedToken(added, vocab, 1, Tokenizer.PADDING, true, false, true);
    List<String> ordinary = ordinary(t);
    for (String token : ordinary) vocab.put(token, vocab.size());
    ArrayNode merges = model.putArray("merges");
    for (int[] m : t.merges()) merges.add(t.spelled()[m[0]] + " " + t.spelled()[m[1]]);
    // GPT-NeoX's runs of spaces: not special, normalized, and not in model.vocab, so numbered
    // after it; then OLMo's PII tokens, and words of this test's own: two decomposed, one found
    // after NFC (as "café") and one before it.
    int id = vocab.size();
    for (int n = 24; n >= 2; n--) addedToken(added, null, id++, " ".repeat(n), false, true, false);
    addedToken(added, null, id++, PII.get(0), false, true, false);
    addedToken(added, null, id++, PII.get(1), false, false, false);
    addedToken(added, null, id++, PII.get(2), false, true, false);
    addedToken(added, null, id++, "cafe\u0301", false, true, false);
    addedToken(added, null, id++, "nai\u0308ve", false, false, false);
    // Spelled wholly in the byte alphabet: decoding takes its characters for bytes (and gets
    // U+FFFD for them), as Hugging Face's ByteLevel decoder does.
    addedToken(added, null, id, "Ünïcödé", false, true, false);
    return write(root, dir.resolve("olmo1-tokenizer.json"));
  }

  /** OLMo-2's layout: cl100k's pattern as a Split, ByteLevel without its own, [a, b] merges. */
  static Path olmo2(Path dir, boolean ignoreMerges) throws IOException {
    Tokenizer t = byteLevel();
    ObjectNode root = header();
    ArrayNode added = root.putArray("added_tokens");
    root.putNull("normalizer");
    ObjectNode seq = root.putObject("pre_tokenizer");
    seq.put("type", "Sequence");
    ArrayNode steps = seq.putArray("pretokenizers");
    ObjectNode split = steps.addObject();
    split.put("type", "Split");
    split.putObject("pattern").put("Regex", CL100K_HF);
    split.put("behavior", "Isolated");
    split.put("invert", false);
    steps.add(byteLevelNode(false));
    root.set("post_processor", byteLevelNode(true));
    root.set("decoder", byteLevelNode(true));
    ObjectNode model = bpe(root, null, false, false, ignoreMerges);
    ObjectNode vocab = model.putObject("vocab");
    for (String token : ordinary(t)) vocab.put(token, vocab.size());
    // Whole words that no merge makes: with ignore_merges a piece that is one of them is taken
    // whole, without it merged as its bytes allow (cl100k's rank-derived merges have such words).
    for (String word : List.of(" Türkçe", " Ἀθῆναι", " булок")) {
      vocab.put(ByteLevel.encode(word.getBytes(java.nio.charset.StandardCharsets.UTF_8)), vocab.size());
    }
    ArrayNode merges = model.putArray("merges");
    for (int[] m : t.merges()) merges.addArray().add(t.spelled()[m[0]]).add(t.spelled()[m[1]]);
    int id = vocab.size();
    for (String s : List.of(Tokenizer.END_OF_TEXT, "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|pad|>")) {
      addedToken(added, null, id++, s, true, false, false);
    }
    for (String s : PII) addedToken(added, null, id++, s, false, false, false);
    return write(root, dir.resolve("olmo2-tokenizer" + (ignoreMerges ? "-ignore-merges" : "") + ".json"));
  }

  /** The three ways LLaMA's SentencePiece BPE has been converted to tokenizer.json. */
  enum LlamaStyle {
    /** Normalizer Prepend("▁") + Replace(" ", "▁"), no pre-tokenizer: the whole text is one word. */
    PREPEND_NORMALIZER,
    /** No normalizer; Metaspace with prepend_scheme "first" and split false. */
    METASPACE_FIRST,
    /** The oldest: Metaspace with add_prefix_space true (split by default), Metaspace's decoder. */
    METASPACE_LEGACY
  }

  /**
   * A LLaMA-style file: {@code <unk>}, {@code <s>}, {@code </s>}, the 256 {@code <0xNN>} tokens
   * (without {@code missingBytes}), merged pieces, then single characters; characters seen
   * fewer than three times in training are left out, so byte fallback and the unknown token
   * have work to do.
   */
  static Path llama(Path dir, LlamaStyle style, Set<Integer> missingBytes, boolean fuseUnk) throws IOException {
    Pieces pieces = trainPieces(corpus(), 400, 3);
    ObjectNode root = header();
    ArrayNode added = root.putArray("added_tokens");
    ObjectNode decoderSeq = JSON.createObjectNode();
    decoderSeq.put("type", "Sequence");
    ArrayNode decoders = decoderSeq.putArray("decoders");
    ObjectNode replace = decoders.addObject();
    replace.put("type", "Replace");
    replace.putObject("pattern").put("String", "▁");
    replace.put("content", " ");
    decoders.addObject().put("type", "ByteFallback");
    decoders.addObject().put("type", "Fuse");
    ObjectNode strip = decoders.addObject();
    strip.put("type", "Strip");
    strip.put("content", " ");
    strip.put("start", 1);
    strip.put("stop", 0);
    switch (style) {
      case PREPEND_NORMALIZER -> {
        ObjectNode norm = root.putObject("normalizer");
        norm.put("type", "Sequence");
        ArrayNode steps = norm.putArray("normalizers");
        steps.addObject().put("type", "Prepend").put("prepend", "▁");
        ObjectNode rep = steps.addObject();
        rep.put("type", "Replace");
        rep.putObject("pattern").put("String", " ");
        rep.put("content", "▁");
        root.putNull("pre_tokenizer");
        root.set("post_processor", template());
        root.set("decoder", decoderSeq);
      }
      case METASPACE_FIRST -> {
        root.putNull("normalizer");
        ObjectNode meta = root.putObject("pre_tokenizer");
        meta.put("type", "Metaspace");
        meta.put("replacement", "▁");
        meta.put("prepend_scheme", "first");
        meta.put("split", false);
        root.set("post_processor", template());
        root.set("decoder", decoderSeq);
      }
      case METASPACE_LEGACY -> {
        root.putNull("normalizer");
        ObjectNode meta = root.putObject("pre_tokenizer");
        meta.put("type", "Metaspace");
        meta.put("replacement", "▁");
        meta.put("add_prefix_space", true);
        root.set("post_processor", template());
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "Metaspace");
        dec.put("replacement", "▁");
        dec.put("add_prefix_space", true);
      }
    }
    ObjectNode model = bpe(root, "<unk>", fuseUnk, true, false);
    ObjectNode vocab = model.putObject("vocab");
    addedToken(added, vocab, 0, "<unk>", true, false, true);
    addedToken(added, vocab, 1, "<s>", true, false, true);
    addedToken(added, vocab, 2, "</s>", true, false, true);
    for (int b = 0; b < 256; b++) if (!missingBytes.contains(b)) vocab.put(String.format("<0x%02X>", b), vocab.size());
    for (String p : pieces.merged()) vocab.put(p, vocab.size());
    for (String c : pieces.chars()) if (!vocab.has(c)) vocab.put(c, vocab.size());
    ArrayNode merges = model.putArray("merges");
    for (String[] m : pieces.merges()) merges.add(m[0] + " " + m[1]);
    // Tokens a chat fine-tune adds, not special: found in the raw text, and after the normalizer
    // (which makes the second's pattern "▁<<SYS>>" where the normalizer prepends).
    addedToken(added, null, vocab.size(), "[INST]", false, false, false);
    addedToken(added, null, vocab.size() + 1, "<<SYS>>", false, true, false);
    return write(root, dir.resolve("llama-" + style.name().toLowerCase() + (missingBytes.isEmpty() ? "" : "-unk")
        + (fuseUnk ? "-fuse" : "") + ".json"));
  }

  /** A SentencePiece-style vocabulary: merges in rank order, their results, the characters kept. */
  record Pieces(List<String[]> merges, List<String> merged, List<String> chars) {}

  /**
   * BPE over characters as SentencePiece trains it, small: text spelled with "▁" for spaces and
   * one in front, cut into words before each "▁" that follows another character (so runs of
   * "▁" can merge, as LLaMA's "▁▁" tokens do), characters seen {@code minCount} times or more,
   * and the most frequent pair merged first (ties to the smaller pair as text).
   */
  static Pieces trainPieces(List<String> docs, int merges, int minCount) {
    Map<String, Integer> words = new TreeMap<>();
    for (String doc : docs) {
      String s = "▁" + doc.replace(' ', '▁');
      int start = 0;
      for (int i = 1; i < s.length(); i++) {
        if (s.charAt(i) == '▁' && s.charAt(i - 1) != '▁') {
          words.merge(s.substring(start, i), 1, Integer::sum);
          start = i;
        }
      }
      words.merge(s.substring(start), 1, Integer::sum);
    }
    Map<String, Integer> charCounts = new HashMap<>();
    List<List<String>> symbols = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    for (Map.Entry<String, Integer> w : words.entrySet()) {
      List<String> syms = new ArrayList<>();
      w.getKey().codePoints().forEach(cp -> {
        String c = new String(Character.toChars(cp));
        syms.add(c);
        charCounts.merge(c, w.getValue(), Integer::sum);
      });
      symbols.add(syms);
      counts.add(w.getValue());
    }
    List<String> chars = new ArrayList<>(charCounts.keySet());
    chars.removeIf(c -> charCounts.get(c) < minCount);
    chars.sort(Comparator.<String>comparingInt(charCounts::get).reversed().thenComparing(Comparator.naturalOrder()));
    Set<String> known = new LinkedHashSet<>(chars);
    List<String[]> done = new ArrayList<>();
    Set<String> merged = new LinkedHashSet<>();
    while (done.size() < merges) {
      Map<String, Integer> pairs = new HashMap<>();
      for (int w = 0; w < symbols.size(); w++) {
        List<String> s = symbols.get(w);
        for (int i = 0; i + 1 < s.size(); i++) {
          if (known.contains(s.get(i)) && known.contains(s.get(i + 1))) {
            pairs.merge(s.get(i) + "\u0000" + s.get(i + 1), counts.get(w), Integer::sum);
          }
        }
      }
      String best = null;
      for (Map.Entry<String, Integer> e : new TreeMap<>(pairs).entrySet()) {
        if (best == null || e.getValue() > pairs.get(best)) best = e.getKey();
      }
      if (best == null || pairs.get(best) < 2) break;
      String[] pair = best.split("\u0000");
      String token = pair[0] + pair[1];
      done.add(pair);
      if (!known.contains(token)) merged.add(token);
      known.add(token);
      for (List<String> s : symbols) {
        for (int i = 0; i + 1 < s.size(); i++) {
          if (s.get(i).equals(pair[0]) && s.get(i + 1).equals(pair[1])) {
            s.set(i, token);
            s.remove(i + 1);
          }
        }
      }
    }
    return new Pieces(done, new ArrayList<>(merged), chars);
  }

  /** The byte-level vocabulary the OLMo-style files share, trained once. */
  static synchronized Tokenizer byteLevel() {
    if (byteLevel == null) byteLevel = BpeTrainer.train(corpus(), 256 + 5 + 600, List.of());
    return byteLevel;
  }

  /** The ordinary tokens of a trained tokenizer, in id order, as tokenizer.json spells them. */
  private static List<String> ordinary(Tokenizer t) {
    List<String> out = new ArrayList<>();
    for (int id = 0; id < t.vocabSize(); id++) if (!t.isAdded(id)) out.add(t.spelled()[id]);
    return Collections.unmodifiableList(out);
  }

  private static ObjectNode header() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    return root;
  }

  private static ObjectNode bpe(ObjectNode root, String unk, boolean fuseUnk, boolean byteFallback, boolean ignoreMerges) {
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.put("unk_token", unk);
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", fuseUnk);
    model.put("byte_fallback", byteFallback);
    model.put("ignore_merges", ignoreMerges);
    return model;
  }

  private static ObjectNode byteLevelNode(boolean useRegex) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "ByteLevel");
    node.put("add_prefix_space", false);
    node.put("trim_offsets", true);
    node.put("use_regex", useRegex);
    return node;
  }

  /** LLaMA's post-processor: {@code <s>} first, which encoding without special tokens leaves out. */
  private static ObjectNode template() {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "TemplateProcessing");
    ArrayNode single = node.putArray("single");
    single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
    single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    ArrayNode pair = node.putArray("pair");
    pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 1);
    pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
    ObjectNode bos = node.putObject("special_tokens").putObject("<s>");
    bos.put("id", "<s>");
    bos.putArray("ids").add(1);
    bos.putArray("tokens").add("<s>");
    return node;
  }

  private static void addedToken(ArrayNode added, ObjectNode vocab, int id, String content, boolean special,
      boolean normalized, boolean inVocab) {
    ObjectNode t = added.addObject();
    t.put("id", id);
    t.put("content", content);
    t.put("single_word", false);
    t.put("lstrip", false);
    t.put("rstrip", false);
    t.put("normalized", normalized);
    t.put("special", special);
    if (inVocab) vocab.put(content, id);
  }

  private static Path write(ObjectNode root, Path file) throws IOException {
    JSON.writeValue(file.toFile(), root);
    return file;
  }

  /** {@code text} with each of {@code contents} broken by a space after its first character. */
  static String withoutTokens(String text, Iterable<String> contents) {
    for (String c : contents) text = text.replace(c, c.charAt(0) + " " + c.substring(1));
    return text;
  }
}
